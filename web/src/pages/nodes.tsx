import { useMemo, useState } from 'preact/hooks';
import { roleAtLeast, type Alert, type Me } from '../api.ts';
import { KIND_LABELS, worstByNode } from '../alerts-data.ts';
import {
  agentLabel,
  ago,
  Choice,
  ErrorText,
  Head,
  Link,
  osLabel,
  StatusBadge,
  useTick,
} from '../components.tsx';
import { useLiveNodes, useSpaceRooms } from '../live-nodes.ts';
import { AwaitingApproval } from './announcements.tsx';
import { BulkBar } from './bulk-actions.tsx';
import { ConnectDialog } from './connect-dialog.tsx';

const PAGE = 100;
const STATUS_FILTERS = [
  ['online', 'Online'],
  ['offline', 'Offline'],
  ['pending', 'Pending'],
  ['stale', 'Stale (long offline)'],
  ['duplicate', 'Duplicate identity'],
  ['backup_overdue', 'Backup overdue'],
] as const;

/** The node list; `alerts` are the open alerts (the worst of each node shows in its row). */
export function NodesPage({ me, alerts = [] }: { me: Me; alerts?: Alert[] }) {
  useTick();
  const worst = useMemo(() => worstByNode(alerts), [alerts]);
  const { nodes, error, reload } = useLiveNodes();
  const { space, rooms } = useSpaceRooms();
  const [room, setRoom] = useState('');
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number][0] | ''>('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [connecting, setConnecting] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const operator = roleAtLeast(me.role, 'operator');

  const counts = useMemo(() => {
    const c = { all: 0, online: 0, offline: 0, pending: 0, duplicate: 0, overdue: 0, stale: 0 };
    for (const n of nodes ?? []) {
      c.all++;
      if (n.stale) c.stale++;
      if (n.status in c) c[n.status as 'online' | 'offline' | 'pending']++;
      if (n.duplicate_suspected) c.duplicate++;
      if (n.backup_overdue) c.overdue++;
    }
    return c;
  }, [nodes]);

  const shown = useMemo(() => {
    const text = q.trim().toLowerCase();
    return (nodes ?? []).filter(
      (n) =>
        (!room || n.rooms.some((r) => r.id === room)) &&
        (!status ||
          (status === 'duplicate'
            ? n.duplicate_suspected
            : status === 'backup_overdue'
              ? n.backup_overdue
              : status === 'stale'
                ? n.stale
                : n.status === status)) &&
        (!text ||
          [n.hostname, n.os ?? '', n.arch ?? '', agentLabel(n), ...n.tags, ...n.rooms.map((r) => r.name)]
            .join(' ')
            .toLowerCase()
            .includes(text)),
    );
  }, [nodes, room, status, q]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const current = Math.min(page, pages - 1);
  const visible = shown.slice(current * PAGE, current * PAGE + PAGE);

  return (
    <>
      <div class="page-head">
        <h1>Nodes{space ? ` in ${space.name}` : ''}</h1>
        {roleAtLeast(me.role, 'operator') && (
          <button class="primary" type="button" onClick={() => setConnecting(true)}>
            Connect nodes
          </button>
        )}
      </div>
      <p class="counts" aria-live="polite">
        <span>
          {counts.all} node{counts.all === 1 ? '' : 's'}
        </span>
        <span class="status-online">{counts.online} online</span>
        <span class="status-offline">{counts.offline} offline</span>
        <span class="status-pending">{counts.pending} pending</span>
        {counts.stale > 0 && <span class="status-stale">{counts.stale} stale</span>}
        {counts.duplicate > 0 && <span class="status-duplicate">{counts.duplicate} duplicate identity</span>}
        {counts.overdue > 0 && <span class="status-overdue">{counts.overdue} backup overdue</span>}
      </p>
      <div class="filters" role="search">
        <Choice
          label="Room"
          any="All rooms"
          value={room}
          onChange={(v) => (setRoom(v), setPage(0))}
          options={rooms.map((r) => [r.id, r.name])}
        />
        <Choice
          label="Status"
          any="Any"
          value={status}
          onChange={(v) => (setStatus(v), setPage(0))}
          options={STATUS_FILTERS}
        />
        <label>
          Search
          <input
            type="search"
            placeholder="host name, OS, tag…"
            value={q}
            onInput={(e) => (setQ(e.currentTarget.value), setPage(0))}
          />
        </label>
      </div>
      <ErrorText error={error} />
      {operator && <AwaitingApproval rooms={rooms} onApproved={reload} />}
      {operator && selected.size > 0 && nodes && (
        <BulkBar
          selected={[...selected]}
          nodes={nodes}
          rooms={rooms}
          onClear={() => setSelected(new Set())}
          onDone={reload}
        />
      )}
      {nodes === null ? (
        <p class="loading">Loading nodes…</p>
      ) : nodes.length === 0 ? (
        <p class="empty">No nodes yet. Use “Connect nodes” to bring the first machine in.</p>
      ) : (
        <>
          <table class="nodes">
            {operator ? (
              <thead>
                <tr>
                  <th>
                    <input
                      type="checkbox"
                      aria-label="Select all nodes that match the filters"
                      checked={shown.length > 0 && shown.every((n) => selected.has(n.id))}
                      onChange={(e) =>
                        setSelected(e.currentTarget.checked ? new Set(shown.map((n) => n.id)) : new Set())
                      }
                    />
                  </th>
                  {['Host name', 'Status', 'OS', 'Arch', 'Agent', 'Rooms', 'Tags', 'Last seen'].map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
            ) : (
              <Head cols={['Host name', 'Status', 'OS', 'Arch', 'Agent', 'Rooms', 'Tags', 'Last seen']} />
            )}
            <tbody>
              {visible.map((n) => (
                <tr key={n.id} data-node-id={n.id} data-status={n.status}>
                  {operator && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${n.hostname}`}
                        checked={selected.has(n.id)}
                        onChange={(e) => {
                          const next = new Set(selected);
                          if (e.currentTarget.checked) next.add(n.id);
                          else next.delete(n.id);
                          setSelected(next);
                        }}
                      />
                    </td>
                  )}
                  <td>
                    <Link href={`/nodes/${n.id}`}>{n.hostname}</Link>
                  </td>
                  <td>
                    <StatusBadge node={n} />
                    {n.backup_overdue && <span class="badge badge-overdue">backup overdue</span>}
                    {n.stale && <span class="badge badge-stale">stale</span>}
                    {n.ephemeral && <span class="badge badge-ephemeral">ephemeral</span>}
                    {worst.get(n.id) && (
                      <Link href="/alerts" class={`badge sev-${worst.get(n.id)!.severity}`}>
                        {KIND_LABELS[worst.get(n.id)!.kind]}
                      </Link>
                    )}
                    {n.status !== 'online' && (
                      <div class="reason">
                        {n.reason} · since {ago(n.since)}
                      </div>
                    )}
                  </td>
                  <td>{osLabel(n) || '—'}</td>
                  <td>{n.arch ?? '—'}</td>
                  <td>{agentLabel(n)}</td>
                  <td>
                    {n.rooms.map((r, i) => (
                      <span key={r.id} title={r.by_rule ? "placed by the room's rules" : undefined}>
                        {i > 0 ? ', ' : ''}
                        {r.name}
                        {r.by_rule ? ' (by rule)' : ''}
                      </span>
                    ))}
                  </td>
                  <td>{n.tags.join(', ')}</td>
                  <td>{n.status === 'online' ? 'now' : ago(n.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            <span>
              {shown.length === 0
                ? 'No node matches the filters.'
                : `${current * PAGE + 1}–${Math.min(shown.length, current * PAGE + PAGE)} of ${shown.length}`}
            </span>
            <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
              Previous
            </button>
            <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
              Next
            </button>
          </nav>
        </>
      )}
      {connecting && space && (
        <ConnectDialog me={me} spaceId={space.id} rooms={rooms} onClose={() => setConnecting(false)} />
      )}
    </>
  );
}
