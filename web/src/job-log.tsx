import { useEffect, useRef, useState } from 'preact/hooks';
import { follow, type Job } from './api.ts';

/** A job's output, stored then live; log lines are text, never markup. */
export function JobLog({ job, onClose }: { job: Job; onClose: () => void }) {
  const [lines, setLines] = useState<{ seq: number; stream: string; data: string }[]>([]);
  const [state, setState] = useState<{ state: string; exit_code: number | null; error: string | null }>(job);
  useEffect(() => {
    setLines([]);
    // The stream replays stored output first; a line is shown once, however often it arrives.
    const stop = follow(`/api/jobs/${job.id}/stream`, {
      log: (d) =>
        setLines((l) => (l.some((x) => x.seq === d.seq) ? l : [...l, d].sort((a, b) => a.seq - b.seq))),
      state: (d) => {
        setState(d);
        // The job ended: the server closes the stream; do not let the browser open it again.
        if (!['queued', 'running'].includes(d.state)) stop();
      },
    });
    return stop;
  }, [job.id]);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [lines]);
  return (
    <div class="job-log" data-job-id={job.id}>
      <div class="command-head">
        <strong>
          {job.type} · <span class={`job-state state-${state.state}`}>{state.state}</span>
          {state.error ? ` · ${state.error}` : ''}
        </strong>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <pre ref={pre} class="log">
        {lines.map((l) => (
          <span key={l.seq} class={`stream-${l.stream}`}>
            {l.data}
          </span>
        ))}
      </pre>
    </div>
  );
}
