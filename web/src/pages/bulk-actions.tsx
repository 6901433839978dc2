import { useEffect, useState } from 'preact/hooks';
import { JOB_TYPES, jobRequest } from '../../../src/protocol/jobs.ts';
import { answer, client, type Room } from '../api.ts';
import { Dialog, ErrorText } from '../components.tsx';

/** Ids per request: the bar shows progress between them. */
const CHUNK = 25;

type Action = 'move' | 'attach_plan' | 'run_job' | 'update_agent' | 'remove';
const ACTIONS: [Action, string][] = [
  ['move', 'Move to room'],
  ['attach_plan', 'Attach backup plan'],
  ['run_job', 'Run a job'],
  ['update_agent', 'Update agent'],
  ['remove', 'Remove'],
];
interface Result {
  node_id: string;
  ok: boolean;
  job_id?: string;
  error?: { code: string; message: string };
}

/**
 * The bar over the node list once nodes are selected: one action for all of them, sent a part at a time with the
 * progress shown, then each node's result.
 */
export function BulkBar(props: {
  selected: string[];
  /** Host names of the selected nodes, by id. */
  names: ReadonlyMap<string, string>;
  rooms: Room[];
  onClear: () => void;
  /** The nodes changed: the list reads them again. */
  onDone: () => void;
}) {
  const { selected } = props;
  const [action, setAction] = useState<Action>('move');
  const [room, setRoom] = useState('');
  const [plan, setPlan] = useState('');
  const [plans, setPlans] = useState<{ id: string; name: string; room_id: string | null }[]>([]);
  const [jobType, setJobType] = useState<string>('system.probe');
  const [params, setParams] = useState('{}');
  const [asking, setAsking] = useState<Record<string, unknown> | null>(null);
  const [done, setDone] = useState<Result[] | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (action === 'attach_plan' && plans.length === 0)
      answer(client.GET('/api/backup-plans')).then(
        (p) => setPlans(p.filter((x) => x.room_id !== null)),
        setError,
      );
  }, [action]);
  const name = props.names;

  /** The request body's action part, or an error for the form. */
  function actionBody(): Record<string, unknown> | null {
    if (action === 'move') return room ? { action, room_id: room } : null;
    if (action === 'attach_plan') return plan ? { action, plan_id: plan } : null;
    if (action === 'run_job') {
      let p: unknown;
      try {
        p = JSON.parse(params || '{}');
      } catch {
        setError(new Error('Parameters must be JSON'));
        return null;
      }
      const job = jobRequest.safeParse({ type: jobType, params: p });
      if (!job.success) {
        setError(new Error(`${jobType}: ${job.error.issues[0]?.message ?? 'invalid parameters'}`));
        return null;
      }
      return { action, job: job.data };
    }
    return { action };
  }

  async function apply(body: Record<string, unknown>) {
    setAsking(null);
    setDone(null);
    const all: Result[] = [];
    setProgress(0);
    try {
      for (let i = 0; i < selected.length; i += CHUNK) {
        const ids = selected.slice(i, i + CHUNK);
        const r = await answer(client.POST('/api/nodes/bulk', { body: { ...body, ids } as never }));
        all.push(...(r.results as Result[]));
        setProgress(all.length);
      }
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
      setDone(all);
      props.onDone();
    }
  }

  const failed = done?.filter((r) => !r.ok) ?? [];
  return (
    <section class="bulk-bar" aria-label="Bulk actions">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const body = actionBody();
          if (body) setAsking(body);
        }}
      >
        <strong>{selected.length} selected</strong>
        <label>
          Action
          <select
            aria-label="Bulk action"
            value={action}
            onChange={(e) => setAction(e.currentTarget.value as Action)}
          >
            {ACTIONS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        {action === 'move' && (
          <label>
            Room
            <select
              aria-label="Target room"
              value={room}
              onChange={(e) => setRoom(e.currentTarget.value)}
              required
            >
              <option value="">Choose…</option>
              {props.rooms
                .filter((r) => !r.is_default)
                .map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {action === 'attach_plan' && (
          <label>
            Plan
            <select
              aria-label="Backup plan"
              value={plan}
              onChange={(e) => setPlan(e.currentTarget.value)}
              required
            >
              <option value="">Choose…</option>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {action === 'run_job' && (
          <>
            <label>
              Job type
              <select value={jobType} onChange={(e) => setJobType(e.currentTarget.value)}>
                {JOB_TYPES.filter((t) => t !== 'agent.update').map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <label class="grow">
              Parameters (JSON)
              <input value={params} onInput={(e) => setParams(e.currentTarget.value)} spellcheck={false} />
            </label>
          </>
        )}
        <button class="primary" type="submit" disabled={progress !== null}>
          Apply
        </button>
        <button type="button" onClick={props.onClear} disabled={progress !== null}>
          Clear selection
        </button>
      </form>
      {progress !== null && (
        <p role="status">
          <progress max={selected.length} value={progress} /> {progress} of {selected.length} done
        </p>
      )}
      <ErrorText error={error} />
      {done && (
        <div class="bulk-results" role="status">
          <p>
            {done.length - failed.length} of {done.length} done
            {failed.length > 0 ? `, ${failed.length} failed:` : '.'}
          </p>
          {failed.length > 0 && (
            <ul>
              {failed.map((r) => (
                <li key={r.node_id}>
                  {name.get(r.node_id) ?? r.node_id}: {r.error?.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {asking && (
        <Dialog title="Apply to the selected nodes" onClose={() => setAsking(null)}>
          <p>
            {ACTIONS.find(([v]) => v === action)?.[1]} on {selected.length} node
            {selected.length === 1 ? '' : 's'}?
          </p>
          <div class="actions">
            <button type="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button type="button" class="primary" onClick={() => void apply(asking)}>
              {ACTIONS.find(([v]) => v === action)?.[1]}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
