import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { formatBytes } from '../../../src/protocol/units.ts';
import 'uplot/dist/uPlot.min.css';
import {
  del,
  follow,
  get,
  patch,
  post,
  put,
  roleAtLeast,
  type Job,
  type Me,
  type Node,
  type Room,
  type Schedule,
  type SourceGroup,
} from '../api.ts';
import {
  ago,
  Card,
  ConfirmButton,
  Dialog,
  ErrorText,
  agentLabel,
  navigate,
  StatusBadge,
  useTick,
  when,
  field,
  asText,
  Head,
  useAction,
} from '../components.tsx';
import { loadSpace } from './nodes.tsx';
import { JobLog } from '../job-log.tsx';
import { BackupHealthTable, RepositoryCard, SnapshotsCard } from './node-backups.tsx';
import { JOB_TYPES } from '../../../src/protocol/jobs.ts';

type Series = Record<string, [number, number][]>;

const CHARTS: { title: string; series: { key: string; label: string; scale?: number }[]; unit: string }[] = [
  {
    title: 'CPU',
    unit: '%',
    series: [
      { key: 'cpu.user', label: 'user' },
      { key: 'cpu.system', label: 'system' },
      { key: 'cpu.iowait', label: 'iowait' },
    ],
  },
  { title: 'Memory', unit: 'MiB', series: [{ key: 'mem.used_bytes', label: 'used', scale: 1 / 1048576 }] },
  {
    title: 'Load',
    unit: '',
    series: [
      { key: 'load.1', label: '1 min' },
      { key: 'load.5', label: '5 min' },
    ],
  },
  {
    title: 'Disk',
    unit: 'KiB/s',
    series: [
      { key: 'disk.read_bytes_per_s', label: 'read', scale: 1 / 1024 },
      { key: 'disk.write_bytes_per_s', label: 'write', scale: 1 / 1024 },
    ],
  },
  {
    title: 'Network',
    unit: 'KiB/s',
    series: [
      { key: 'net.rx_bytes_per_s', label: 'received', scale: 1 / 1024 },
      { key: 'net.tx_bytes_per_s', label: 'sent', scale: 1 / 1024 },
    ],
  },
];
const ALL_SERIES = CHARTS.flatMap((c) => c.series.map((s) => s.key));
const WINDOW = 300;
const COLORS = ['#2563eb', '#dc2626', '#16a34a'];

/** Live charts: the agent's in-memory samples, fetched through the link every 2 s. Nothing is stored. */
function LiveCharts({ id, online }: { id: string; online: boolean }) {
  const [data, setData] = useState<Series>({});
  const [error, setError] = useState<unknown>(null);
  const last = useRef(0);
  useEffect(() => {
    if (!online) return;
    let stopped = false;
    const poll = async () => {
      try {
        const r = await get<{ series: Series }>(
          `/api/nodes/${id}/metrics?series=${ALL_SERIES.join(',')}&after=${last.current}&points=${WINDOW}`,
        );
        if (stopped) return;
        setError(null);
        setData((old) => {
          const next: Series = {};
          for (const k of ALL_SERIES) next[k] = [...(old[k] ?? []), ...(r.series[k] ?? [])].slice(-WINDOW);
          const t = next['cpu.user']?.at(-1)?.[0];
          if (t) last.current = t;
          return next;
        });
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    void poll();
    const t = setInterval(poll, 2000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [id, online]);
  if (!online) return <p class="hint">Live data comes from the agent: it shows while the node is online.</p>;
  return (
    <>
      <ErrorText error={error} />
      <div class="charts">
        {CHARTS.map((c) => (
          <Chart key={c.title} def={c} data={data} />
        ))}
      </div>
    </>
  );
}

/** The OS as people say it: "Debian GNU/Linux 12 (bookworm)", not with the version a second time. */
function osLabel(node: Pick<Node, 'os' | 'os_version'>): string {
  const os = node.os ?? '';
  return node.os_version && !os.includes(node.os_version) ? `${os} ${node.os_version}`.trim() : os;
}

/** A schedule's next run in the schedule's own time zone, saying which. */
function inZone(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  try {
    const at = new Date(iso).toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
    return `${at} (${timeZone})`;
  } catch {
    return `${iso} (${timeZone})`;
  }
}

/** Axis numbers short enough for the axis: 950, 1.2k, 3.4M; never clipped thousands separators. */
function axisNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(a < 10 ? 1 : 0)}`;
}

/** Axis text and grid in the page's colours (light or dark theme); uPlot draws on a canvas, outside CSS. */
function axisColours() {
  const css = getComputedStyle(document.documentElement);
  const line = css.getPropertyValue('--line').trim() || '#e5e7eb';
  return {
    stroke: css.getPropertyValue('--muted-strong').trim() || '#4b5563',
    grid: { stroke: line, width: 1 },
    ticks: { stroke: line, width: 1 },
  };
}

function Chart({ def, data }: { def: (typeof CHARTS)[number]; data: Series }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const first = data[def.series[0]!.key] ?? [];
  const aligned: uPlot.AlignedData = [
    first.map(([t]) => t / 1000),
    ...def.series.map((s) => {
      const byT = new Map((data[s.key] ?? []).map(([t, v]) => [t, v * (s.scale ?? 1)]));
      return first.map(([t]) => byT.get(t) ?? null);
    }),
  ];
  useEffect(() => {
    if (!box.current) return;
    plot.current = new uPlot(
      {
        width: 360,
        height: 160,
        series: [{}, ...def.series.map((s, i) => ({ label: s.label, stroke: COLORS[i], width: 1.5 }))],
        // Times only on the x axis (the date line overlapped the first label); short numbers on the y axis.
        axes: [
          {
            ...axisColours(),
            values: (_u, splits) =>
              splits.map((t) =>
                new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
              ),
          },
          { ...axisColours(), size: 44, values: (_u, splits) => splits.map(axisNumber) },
        ],
        // The series names only: the latest values are in the caption, not "--" until the pointer is over it.
        legend: { show: true, live: false },
      },
      aligned,
      box.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    plot.current?.setData(aligned);
  }, [data]);
  const latest = def.series.map((s) => {
    const v = data[s.key]?.at(-1)?.[1];
    return v === undefined ? '—' : `${Math.round(v * (s.scale ?? 1) * 10) / 10}`;
  });
  return (
    <figure class="chart" data-chart={def.title} data-points={first.length}>
      <figcaption>
        {def.title} {def.unit && <span class="unit">({def.unit})</span>}{' '}
        <span class="latest">{latest.join(' / ')}</span>
      </figcaption>
      <div ref={box} />
    </figure>
  );
}

function Jobs({ node, me }: { node: Node; me: Me }) {
  useTick();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [open, setOpen] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [type, setType] = useState('system.probe');
  const [params, setParams] = useState('{}');
  const [ask, setAsk] = useState<{ type: string; params: Record<string, unknown> } | null>(null);
  const load = () => get<Job[]>(`/api/hosts/${node.id}/jobs`).then(setJobs, setError);
  useEffect(() => {
    void load();
    return follow('/api/events', {
      'job.state': (d) => {
        if (d.node_id === node.id) void load();
      },
    });
  }, [node.id]);
  const run = async (t: string, p: Record<string, unknown>) => {
    setError(null);
    try {
      const job = await post<Job>(`/api/hosts/${node.id}/jobs`, { type: t, params: p });
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
            onConfirm={() => run('system.probe', {})}
          />
        )
      }
    >
      {operator && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            let p: Record<string, unknown>;
            try {
              p = JSON.parse(params || '{}') as Record<string, unknown>;
            } catch {
              setError(new Error('Parameters must be JSON, e.g. {"paths":["/etc"]}'));
              return;
            }
            setError(null);
            setAsk({ type, params: p });
          }}
        >
          <label>
            Job type
            <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
              {JOB_TYPES.filter((t) => t !== 'agent.update').map((t) => (
                <option key={t}>{t}</option>
              ))}
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
      {ask && (
        <Dialog title="Run job" onClose={() => setAsk(null)}>
          <p>
            Run {ask.type} on {node.hostname}
            {Object.keys(ask.params).length ? ` with ${JSON.stringify(ask.params)}` : ''}?
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
                void run(ask.type, ask.params);
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
                    onConfirm={() => post(`/api/jobs/${j.id}/cancel`)}
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

function Backups({ node, me }: { node: Node; me: Me }) {
  const [groups, setGroups] = useState<SourceGroup[]>([]);
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const base = `/api/hosts/${node.id}`;
  const load = async () => {
    try {
      setGroups(await get<SourceGroup[]>(`${base}/source-groups`));
      setSchedules(await get<Schedule[]>(`${base}/schedules`));
    } catch (err) {
      setError(err);
    }
  };
  const { error, setError, act } = useAction(() => load());
  useEffect(() => void load(), [node.id]);
  const operator = roleAtLeast(me.role, 'operator');
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <Card title="Backups">
      <ErrorText error={error} />
      <BackupHealthTable node={node} />
      <h3>Source groups</h3>
      <table>
        <Head cols={['Name', 'Paths', 'Excludes', 'Retention', 'Tag', '']} />
        <tbody>
          {groups.map((g) => (
            <tr key={g.id}>
              <td>{g.name}</td>
              <td>{g.paths.join(', ')}</td>
              <td>{g.excludes.join(', ')}</td>
              <td>
                {Object.entries(g.retention)
                  .map(([k, v]) => `${k.replace('keep_', '')} ${v}`)
                  .join(', ') || '—'}
              </td>
              <td>{g.tag}</td>
              <td class="row-actions">
                {operator && (
                  <>
                    <button
                      type="button"
                      onClick={() => act(() => post(`${base}/source-groups/${g.id}/backup`))}
                    >
                      Back up now
                    </button>
                    <ConfirmButton
                      label="Delete"
                      danger
                      question={`Delete source group ${g.name}? Snapshots already made stay in the repository.`}
                      onConfirm={() => del(`${base}/source-groups/${g.id}`).then(load)}
                    />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {operator && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const list = (k: string) =>
              field(f, k)
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
            const keep = Number(f.get('keep_daily'));
            void act(() =>
              post(`${base}/source-groups`, {
                name: f.get('name'),
                paths: list('paths'),
                excludes: list('excludes'),
                retention: keep > 0 ? { keep_daily: keep } : {},
              }),
            );
          }}
        >
          <label>
            Name
            <input name="name" required />
          </label>
          <label class="grow">
            Paths (comma-separated)
            <input name="paths" required placeholder="/etc, /srv" />
          </label>
          <label>
            Excludes
            <input name="excludes" placeholder="/srv/cache" />
          </label>
          <label>
            Keep daily
            <input name="keep_daily" type="number" min="0" value="7" />
          </label>
          <button type="submit">Add group</button>
        </form>
      )}
      <h3>Schedules</h3>
      <table>
        <Head cols={['Group', 'Action', 'Cron', 'Time zone', 'Next run', '']} />
        <tbody>
          {schedules.map((s) => (
            <tr key={s.id}>
              <td>{groups.find((g) => g.id === s.source_group_id)?.name ?? s.source_group_id}</td>
              <td>{s.action}</td>
              <td>
                <code>{s.cron}</code>
              </td>
              <td>{s.timezone}</td>
              <td>
                {s.enabled ? inZone(s.next_runs[0], s.timezone) : 'disabled'}
                {s.warning && (
                  <div class="reason warning-text" data-schedule-warning>
                    ⚠ {s.warning}
                  </div>
                )}
              </td>
              <td class="row-actions">
                {operator && (
                  <>
                    <button type="button" onClick={() => act(() => post(`${base}/schedules/${s.id}/run`))}>
                      Run now
                    </button>
                    <button
                      type="button"
                      onClick={() => act(() => patch(`${base}/schedules/${s.id}`, { enabled: !s.enabled }))}
                    >
                      {s.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <ConfirmButton
                      label="Delete"
                      danger
                      question="Delete this schedule? The agent stops running it at once."
                      onConfirm={() => del(`${base}/schedules/${s.id}`).then(load)}
                    />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {operator && groups.length > 0 && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            void act(() =>
              post(`${base}/schedules`, {
                source_group_id: f.get('group'),
                action: f.get('action'),
                cron: f.get('cron'),
                timezone: f.get('timezone'),
              }),
            );
          }}
        >
          <label>
            Group
            <select name="group">
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Action
            <select name="action">
              <option>backup</option>
              <option>forget</option>
              <option>check</option>
            </select>
          </label>
          <label>
            Cron
            <input name="cron" required value="0 2 * * *" />
          </label>
          <label>
            Time zone
            <input name="timezone" required value={tz} />
          </label>
          <button type="submit">Add schedule</button>
        </form>
      )}
    </Card>
  );
}

export function NodePage({ id, me }: { id: string; me: Me }) {
  useTick();
  const [node, setNode] = useState<Node | null>(null);
  const [facts, setFacts] = useState<Record<string, unknown> | null>(null);
  const [rooms, setRooms] = useState<Room[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [watch, setWatch] = useState<Job | null>(null);
  const load = () => get<Node>(`/api/nodes/${id}`).then(setNode, setError);
  useEffect(() => {
    void load();
    loadSpace()
      .then((s) => get<Room[]>(`/api/spaces/${s.id}/rooms`))
      .then(setRooms, () => undefined);
    return follow('/api/events', {
      'node.presence': (d) => {
        const e = d;
        if (e.node_id === id)
          setNode((n) => (n ? { ...n, status: e.status, since: e.since, reason: e.reason } : n));
      },
      'node.duplicate': (d) => {
        if (d.node_id === id) void load();
      },
      'node.repo': (d) => {
        if (d.node_id === id) void load();
      },
      'node.facts': (d) => {
        if (d.node_id === id) void load();
      },
    });
  }, [id]);
  const online = node?.status === 'online';
  useEffect(() => {
    if (online) get<Record<string, unknown>>(`/api/nodes/${id}/facts`).then(setFacts, () => undefined);
  }, [id, online]);

  if (!node) return error ? <ErrorText error={error} /> : <p class="loading">Loading…</p>;
  const admin = roleAtLeast(me.role, 'admin');
  const stored: [string, unknown][] = [
    ['OS', osLabel(node)],
    ['Kernel', node.kernel],
    ['Architecture', node.arch],
    ['CPUs', node.cpus],
    ['Memory', node.memory_bytes ? formatBytes(node.memory_bytes) : null],
    ['Virtualization', node.virtualization],
    ['Container', node.container],
    ['Agent', agentLabel(node)],
    ['Tags', node.tags.join(', ')],
    ...Object.entries(node.labels).map(([k, v]) => [`label ${k}`, v] as [string, unknown]),
    ['Node id', node.id],
    ['Joined', when(node.created_at)],
  ];
  // Sizes read as sizes: live facts named *_bytes are raw byte counts.
  const live = facts
    ? Object.entries(facts)
        .filter(([, v]) => typeof v !== 'object')
        .map(([k, v]): [string, unknown] => [
          k,
          /_bytes$/.test(k) && typeof v === 'number' ? formatBytes(v) : v,
        ])
    : [];
  return (
    <>
      <div class="page-head">
        <h1 class="hostname">{node.hostname}</h1>
        <StatusBadge node={node} />
        <span class="reason">
          {node.reason} · since {ago(node.since)}
        </span>
        {node.update_available && roleAtLeast(me.role, 'operator') && (
          <ConfirmButton
            label="Update agent"
            question={`Update the agent on ${node.hostname}? It downloads this server's agent, checks it, tries its link, then replaces itself and restarts; if the new one does not come online, the current one stays. Follow it under Jobs.`}
            onConfirm={async () => {
              await post(`/api/hosts/${id}/agent-update`, {});
              await load();
            }}
          />
        )}
        {admin && (
          <ConfirmButton
            label="Remove node"
            danger
            question={`Remove ${node.hostname}? Its key is deleted and its agent is disconnected for good; it must be claimed again to come back.`}
            onConfirm={async () => {
              await del(`/api/nodes/${id}`);
              navigate('/');
            }}
          />
        )}
      </div>
      <div class="grid">
        <Card title="Facts">
          <dl class="facts">
            {(live.length ? live : stored).map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{asText(v)}</dd>
              </>
            ))}
          </dl>
          <p class="hint">{live.length ? 'Fresh from the agent.' : 'As last reported.'}</p>
        </Card>
        <Card title="Rooms">
          <ul class="chips">
            {node.rooms.map((r) => (
              <li key={r.id}>
                {r.name}
                {admin && (
                  <button
                    type="button"
                    class="plain"
                    aria-label={`Remove from ${r.name}`}
                    onClick={() => del(`/api/rooms/${r.id}/nodes/${id}`).then(load, setError)}
                  >
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ul>
          {admin && (
            <label>
              Add to room
              <select
                value=""
                onChange={(e) => {
                  const room = e.currentTarget.value;
                  if (room) put(`/api/rooms/${room}/nodes/${id}`).then(load, setError);
                }}
              >
                <option value="">Choose…</option>
                {rooms
                  .filter((r) => !node.rooms.some((x) => x.id === r.id))
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <ErrorText error={error} />
        </Card>
      </div>
      <Card title="Live">
        <LiveCharts id={id} online={online} />
      </Card>
      <Jobs node={node} me={me} />
      {node.agent_kind !== 'netdata' && (
        <>
          <RepositoryCard node={node} me={me} onJob={setWatch} />
          {watch && (
            <Card title="Job output">
              <JobLog job={watch} onClose={() => setWatch(null)} />
            </Card>
          )}
          <Backups node={node} me={me} />
          <SnapshotsCard node={node} me={me} onJob={setWatch} />
        </>
      )}
    </>
  );
}
