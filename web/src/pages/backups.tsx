import { useEffect, useState } from 'preact/hooks';
import type { BackupPlanView, FleetBackupsView } from '../../../src/protocol/api/backup-plans.ts';
import { BACKUP_STATES } from '../../../src/protocol/api/backup-plans.ts';
import { formatBytes } from '../../../src/protocol/units.ts';
import { answer, client, ok, roleAtLeast, type Me, type Room } from '../api.ts';
import { ago, Card, ConfirmButton, ErrorText, field, Head, Link, useAction, when } from '../components.tsx';
import { loadSpace } from '../live-nodes.ts';

type State = (typeof BACKUP_STATES)[number];
const STATE_LABEL: Record<State, string> = {
  ok: 'OK',
  failing: 'Failing',
  overdue: 'Overdue',
  never: 'Not yet backed up',
  unprotected: 'No backups',
};
const size = (n: number | null) => (n === null ? '—' : formatBytes(n));
const lines = (s: string) =>
  s
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The fleet's backups: totals, every node with its plan and how its backups stand (filter, sort, export), and the
 * backup plans with "run now" and, for admins, a form for a new plan.
 */
export function BackupsPage({ me }: { me: Me }) {
  const [rooms, setRooms] = useState<Room[]>([]);
  const [spaceId, setSpaceId] = useState<string | null>(null);
  const [plans, setPlans] = useState<BackupPlanView[]>([]);
  const [fleet, setFleet] = useState<FleetBackupsView | null>(null);
  const [filter, setFilter] = useState<{ room_id?: string; plan_id?: string; state?: State }>({});
  const [sort, setSort] = useState<'hostname' | 'last_success_at' | 'state' | 'repository_size'>('hostname');
  const [started, setStarted] = useState<string | null>(null);
  // The table follows runs as they end: read again every five seconds.
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);
  const load = async () => {
    setPlans(await answer(client.GET('/api/backup-plans')));
    setFleet(await answer(client.GET('/api/backups', { params: { query: filter } })));
  };
  const { error, setError, act } = useAction(load);
  useEffect(() => {
    loadSpace()
      .then(async (s) => {
        setSpaceId(s.id);
        setRooms(await answer(client.GET('/api/spaces/{id}/rooms', { params: { path: { id: s.id } } })));
      })
      .catch(setError);
  }, []);
  useEffect(() => void load().catch(setError), [filter.room_id, filter.plan_id, filter.state, tick]);
  const admin = roleAtLeast(me.role, 'admin');
  const operator = roleAtLeast(me.role, 'operator');
  const roomName = (id: string | null) => (id ? (rooms.find((r) => r.id === id)?.name ?? id) : 'whole space');
  const csv = `/api/backups?${new URLSearchParams({ ...filter, format: 'csv' }).toString()}`;
  const rows = [...(fleet?.nodes ?? [])].sort((a, b) => {
    if (sort === 'hostname') return a.hostname.localeCompare(b.hostname);
    if (sort === 'state') return a.state.localeCompare(b.state);
    return (b[sort] ?? -1) - (a[sort] ?? -1);
  });
  return (
    <>
      <h1>Backups</h1>
      <ErrorText error={error} />
      {fleet && (
        <div class="totals" data-totals>
          <div>
            <strong>{fleet.totals.protected}</strong> of {fleet.totals.nodes} nodes protected
          </div>
          <div>
            <strong>{formatBytes(fleet.totals.bytes_protected)}</strong> protected
          </div>
          <div>
            <strong>{fleet.totals.failing}</strong> failing
          </div>
          <div>
            <strong>{fleet.totals.overdue}</strong> overdue
          </div>
        </div>
      )}
      <Card title="Backup plans">
        <p class="hint">
          A plan backs up every node of a room (or of the whole space), including nodes that join it later. A
          node follows its rooms' first plan, else its space's.
        </p>
        <table>
          <Head
            cols={['Plan', 'Applies to', 'Nodes', 'Paths', 'Schedule', 'Repository', 'Stored', 'Now', '']}
          />
          <tbody>
            {plans.map((p) => (
              <tr key={p.id} data-plan={p.name}>
                <td>{p.name}</td>
                <td>{roomName(p.room_id)}</td>
                <td>{p.node_count}</td>
                <td>{p.paths.join(', ')}</td>
                <td>
                  <code>{p.schedule.cron}</code> {p.schedule.timezone}
                  {p.schedule.spread_minutes ? `, spread over ${p.schedule.spread_minutes} min` : ''}
                </td>
                <td>
                  <code>{p.repository.template}</code>
                  {p.repository.shared && <span class="origin">shared</span>}
                </td>
                <td>{p.repository_size ? formatBytes(p.repository_size) : '—'}</td>
                <td data-queue title={p.queue.map((j) => `${j.hostname}: ${j.type} ${j.state}`).join('\n')}>
                  {p.queue.length === 0
                    ? 'idle'
                    : `${p.queue.filter((j) => j.state === 'running').length} running, ${p.queue.filter((j) => j.state === 'queued').length} waiting`}
                </td>
                <td class="row-actions">
                  {operator && (
                    <button
                      type="button"
                      onClick={() =>
                        act(async () => {
                          const r = await answer(
                            client.POST('/api/backup-plans/{id}/run', { params: { path: { id: p.id } } }),
                          );
                          setStarted(
                            `${p.name}: ${r.jobs.length} backup${r.jobs.length === 1 ? '' : 's'} started, ${r.concurrency} at a time` +
                              (r.skipped.length ? `; ${r.skipped.length} skipped (no repository)` : ''),
                          );
                        })
                      }
                    >
                      Run now
                    </button>
                  )}
                  {admin && (
                    <ConfirmButton
                      label="Delete"
                      danger
                      question={`Delete plan ${p.name}? Its nodes stop backing up by it; their repositories and snapshots stay.`}
                      onConfirm={() =>
                        ok(client.DELETE('/api/backup-plans/{id}', { params: { path: { id: p.id } } })).then(
                          load,
                        )
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {started && (
          <p class="hint" data-run-started>
            {started}. Follow them below and under each node's jobs.
          </p>
        )}
        {admin && spaceId && <PlanForm spaceId={spaceId} rooms={rooms} act={act} />}
      </Card>
      <Card
        title="Nodes"
        actions={
          <a class="button" href={csv} download>
            Export CSV
          </a>
        }
      >
        <form class="inline" onSubmit={(e) => e.preventDefault()}>
          <label>
            Room
            <select
              value={filter.room_id ?? ''}
              onChange={(e) => setFilter({ ...filter, room_id: e.currentTarget.value || undefined })}
            >
              <option value="">all</option>
              {rooms.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Plan
            <select
              value={filter.plan_id ?? ''}
              onChange={(e) => setFilter({ ...filter, plan_id: e.currentTarget.value || undefined })}
            >
              <option value="">all</option>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            State
            <select
              value={filter.state ?? ''}
              onChange={(e) =>
                setFilter({ ...filter, state: (e.currentTarget.value || undefined) as State | undefined })
              }
            >
              <option value="">all</option>
              {BACKUP_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Sort by
            <select value={sort} onChange={(e) => setSort(e.currentTarget.value as typeof sort)}>
              <option value="hostname">host name</option>
              <option value="state">state</option>
              <option value="last_success_at">last success</option>
              <option value="repository_size">repository size</option>
            </select>
          </label>
        </form>
        <table class="fleet-backups">
          <Head
            cols={[
              'Node',
              'Plan',
              'State',
              'Last success',
              'Added',
              'Took',
              'Last failure',
              'Next run',
              'Repository size',
            ]}
          />
          <tbody>
            {rows.map((n) => (
              <tr key={n.node_id} data-node={n.hostname} data-state={n.state}>
                <td>
                  <Link href={`/nodes/${n.node_id}`}>{n.hostname}</Link>
                </td>
                <td>{n.plan ?? '—'}</td>
                <td class="state">{STATE_LABEL[n.state]}</td>
                <td title={when(n.last_success_at)}>{n.last_success_at ? ago(n.last_success_at) : '—'}</td>
                <td>{size(n.data_added)}</td>
                <td>{n.duration_ms === null ? '—' : `${(n.duration_ms / 1000).toFixed(1)} s`}</td>
                <td>
                  {n.last_failure_at ? (
                    <>
                      {ago(n.last_failure_at)}
                      <div class="reason">{n.last_failure_reason}</div>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{n.next_run_at ? when(n.next_run_at) : '—'}</td>
                <td>{size(n.repository_size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

type Act = (fn: () => Promise<unknown>) => Promise<unknown>;

/** A new plan: what, when, how long to keep it, where (a template), and for which room. */
function PlanForm({ spaceId, rooms, act }: { spaceId: string; rooms: Room[]; act: Act }) {
  return (
    <form
      class="plan-form"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        const num = (k: string) => (Number(f.get(k)) > 0 ? Number(f.get(k)) : undefined);
        const env = Object.fromEntries(
          lines(field(f, 'env')).map((l) => [
            l.slice(0, l.indexOf('=')).trim(),
            l.slice(l.indexOf('=') + 1).trim(),
          ]),
        );
        const room = field(f, 'room');
        const checkCron = field(f, 'check_cron');
        void act(async () => {
          await ok(
            client.POST('/api/backup-plans', {
              body: {
                name: field(f, 'name'),
                ...(room ? { room_id: room } : { space_id: spaceId }),
                paths: lines(field(f, 'paths')),
                excludes: lines(field(f, 'excludes')),
                exclude_caches: f.get('exclude_caches') === 'on',
                one_file_system: f.get('one_file_system') === 'on',
                schedule: {
                  cron: field(f, 'cron'),
                  timezone: field(f, 'timezone') || 'UTC',
                  spread_minutes: num('spread') ?? 0,
                },
                retention: {
                  ...(num('keep_last') ? { keep_last: num('keep_last') } : {}),
                  ...(num('keep_daily') ? { keep_daily: num('keep_daily') } : {}),
                  ...(num('keep_weekly') ? { keep_weekly: num('keep_weekly') } : {}),
                  ...(num('keep_monthly') ? { keep_monthly: num('keep_monthly') } : {}),
                  ...(field(f, 'keep_within') ? { keep_within: field(f, 'keep_within') } : {}),
                },
                prune: { cron: field(f, 'prune_cron') || '0 4 * * 0', timezone: 'UTC' },
                check: checkCron
                  ? {
                      cron: checkCron,
                      timezone: 'UTC',
                      ...(field(f, 'subset') ? { read_data_subset: field(f, 'subset') } : {}),
                    }
                  : null,
                limits: {
                  ...(num('upload') ? { upload_kib: num('upload') } : {}),
                  ...(num('download') ? { download_kib: num('download') } : {}),
                },
                hooks: {
                  ...(lines(field(f, 'before')).length ? { before: lines(field(f, 'before')) } : {}),
                  ...(lines(field(f, 'after')).length ? { after: lines(field(f, 'after')) } : {}),
                },
                repository: {
                  template: field(f, 'template'),
                  ...(field(f, 'password') ? { password: field(f, 'password') } : {}),
                  ...(Object.keys(env).length ? { env } : {}),
                },
              },
            }),
          );
          form.reset();
        });
      }}
    >
      <h3>New plan</h3>
      <div class="inline">
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          Room
          <select name="room">
            <option value="">whole space</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Paths (comma-separated)
          <input name="paths" required placeholder="/etc, /srv" />
        </label>
        <label class="grow">
          Excludes
          <input name="excludes" placeholder="*.tmp, /srv/cache" />
        </label>
        <label class="check">
          <input type="checkbox" name="exclude_caches" /> skip cache directories
        </label>
        <label class="check">
          <input type="checkbox" name="one_file_system" /> one file system
        </label>
      </div>
      <div class="inline">
        <label>
          Back up at (cron)
          <input name="cron" required defaultValue="0 2 * * *" />
        </label>
        <label>
          Time zone
          <input name="timezone" defaultValue="UTC" />
        </label>
        <label>
          Spread (minutes)
          <input name="spread" type="number" min="0" defaultValue="30" />
        </label>
        <label>
          Prune at (cron)
          <input name="prune_cron" defaultValue="0 4 * * 0" />
        </label>
        <label>
          Check at (cron)
          <input name="check_cron" placeholder="0 5 1 * *" />
        </label>
        <label>
          Data read by a check
          <input name="subset" placeholder="10%" />
        </label>
      </div>
      <div class="inline">
        <label>
          Keep last
          <input name="keep_last" type="number" min="0" />
        </label>
        <label>
          Keep daily
          <input name="keep_daily" type="number" min="0" defaultValue="7" />
        </label>
        <label>
          Keep weekly
          <input name="keep_weekly" type="number" min="0" defaultValue="4" />
        </label>
        <label>
          Keep monthly
          <input name="keep_monthly" type="number" min="0" defaultValue="6" />
        </label>
        <label>
          Keep within
          <input name="keep_within" placeholder="30d" />
        </label>
        <label>
          Upload limit (KiB/s)
          <input name="upload" type="number" min="0" />
        </label>
        <label>
          Download limit (KiB/s)
          <input name="download" type="number" min="0" />
        </label>
      </div>
      <div class="inline">
        <label class="grow">
          Repository template
          <input
            name="template"
            required
            placeholder="/srv/restic/{hostname} or rest:https://backup.example/{hostname}/"
          />
        </label>
        <label>
          Password (default: one per node, generated)
          <input name="password" type="password" autocomplete="new-password" />
        </label>
        <label class="grow">
          Backend credentials (NAME=value, one per line)
          <textarea name="env" rows={2} placeholder="AWS_ACCESS_KEY_ID=…" />
        </label>
        <label>
          Hooks before
          <input name="before" placeholder="pg-dump" />
        </label>
        <label>
          Hooks after
          <input name="after" />
        </label>
      </div>
      <button type="submit" class="primary">
        Create plan
      </button>
    </form>
  );
}
