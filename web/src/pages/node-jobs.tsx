import { useEffect, useState } from 'preact/hooks';
import { JOB_TYPES, jobRequest } from '../../../src/protocol/jobs.ts';
import {
  answer,
  client,
  follow,
  ok,
  roleAtLeast,
  type Job,
  type JobRequestBody,
  type Me,
  type Node,
} from '../api.ts';
import { ago, Card, ConfirmButton, Dialog, ErrorText, Head, useTick, when } from '../components.tsx';
import { JobLog } from '../job-log.tsx';

/** A host's jobs: run one, follow its output, cancel it. */
export function JobsCard({ node, me }: { node: Node; me: Me }) {
  useTick();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [open, setOpen] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [type, setType] = useState('system.probe');
  const [params, setParams] = useState('{}');
  const [ask, setAsk] = useState<JobRequestBody | null>(null);
  const load = () =>
    answer(client.GET('/api/hosts/{id}/jobs', { params: { path: { id: node.id } } })).then(setJobs, setError);
  useEffect(() => {
    void load();
    return follow(
      '/api/events',
      {
        'job.state': (d) => {
          if (d.node_id === node.id) void load();
        },
      },
      { nodes: [node.id], opened: () => void load() },
    );
  }, [node.id]);
  const run = async (request: JobRequestBody) => {
    setError(null);
    try {
      const job = await answer(
        client.POST('/api/hosts/{id}/jobs', { params: { path: { id: node.id } }, body: request }),
      );
      await load();
      setOpen(job);
    } catch (err) {
      setError(err);
    }
  };
  const operator = roleAtLeast(me.role, 'operator');
  return (
    <Card
      title="Jobs"
      actions={
        operator && (
          <ConfirmButton
            label="Probe"
            question={`Run system.probe on ${node.hostname}? It reads the machine's facts and changes nothing.`}
            confirmLabel="Run probe"
            onConfirm={() => run({ type: 'system.probe' })}
          />
        )
      }
    >
      {operator && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            let p: unknown;
            try {
              p = JSON.parse(params || '{}');
            } catch {
              setError(new Error('Parameters must be JSON, e.g. {"paths":["/etc"]}'));
              return;
            }
            // The job types' own parameter rules (src/protocol/jobs.ts), before anything is asked.
            const request = jobRequest.safeParse({ type, params: p });
            if (!request.success) {
              setError(new Error(`${type}: ${request.error.issues[0]?.message ?? 'invalid parameters'}`));
              return;
            }
            setError(null);
            setAsk(request.data);
          }}
        >
          <label>
            Job type
            <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
              {JOB_TYPES.filter((t) => t !== 'agent.update' && (t !== 'shell' || node.shell_jobs)).map(
                (t) => (
                  <option key={t}>{t}</option>
                ),
              )}
            </select>
          </label>
          <label class="grow">
            Parameters (JSON)
            <input value={params} onInput={(e) => setParams(e.currentTarget.value)} spellcheck={false} />
          </label>
          <button class="primary" type="submit">
            Run job
          </button>
        </form>
      )}
      {operator && !node.shell_jobs && (
        <p class="hint" data-testid="shell-hint">
          Shell jobs are off on this agent; it runs them when started with <code>--allow-shell-jobs</code>.
        </p>
      )}
      {ask && (
        <Dialog title="Run job" onClose={() => setAsk(null)}>
          <p>
            Run {ask.type} on {node.hostname}
            {Object.keys(ask.params ?? {}).length ? ` with ${JSON.stringify(ask.params)}` : ''}?
          </p>
          <div class="actions">
            <button type="button" onClick={() => setAsk(null)}>
              Cancel
            </button>
            <button
              type="button"
              class="primary"
              onClick={() => {
                setAsk(null);
                void run(ask);
              }}
            >
              Run {ask.type}
            </button>
          </div>
        </Dialog>
      )}
      <ErrorText error={error} />
      {open && <JobLog job={open} onClose={() => setOpen(null)} />}
      <table>
        <Head cols={['Type', 'State', 'By', 'Created', 'Finished', '']} />
        <tbody>
          {jobs.slice(0, 50).map((j) => (
            <tr key={j.id} data-job-id={j.id}>
              <td>{j.type}</td>
              <td>
                <span class={`job-state state-${j.state}`}>{j.state}</span>
                {j.error && <div class="reason">{j.error}</div>}
              </td>
              <td>{j.created_by ?? 'system'}</td>
              <td>{ago(j.created_at)}</td>
              <td>{when(j.finished_at)}</td>
              <td class="row-actions">
                <button type="button" onClick={() => setOpen(j)}>
                  Output
                </button>
                {operator && ['queued', 'running'].includes(j.state) && (
                  <ConfirmButton
                    label="Cancel"
                    question="Cancel this job? A running job is killed on the node."
                    confirmLabel="Cancel job"
                    danger
                    onConfirm={() =>
                      ok(client.POST('/api/jobs/{id}/cancel', { params: { path: { id: j.id } } }))
                    }
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.length === 0 && <p class="empty">No jobs yet.</p>}
    </Card>
  );
}
