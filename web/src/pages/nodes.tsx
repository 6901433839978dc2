import { useEffect, useMemo, useState } from 'preact/hooks';
import { answer, client, roleAtLeast, type Alert, type Me } from '../api.ts';
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
import { listQuery, useNodePage, useSpaceRooms, type NodeListFilter } from '../live-nodes.ts';
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
  const { space, rooms } = useSpaceRooms();
  const [room, setRoom] = useState('');
  const [status, setStatus] = useState<NodeListFilter['status']>('');
  const [q, setQ] = useState('');
  // The text as the server is asked for it: 150 ms after the last key.
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setTyped(q), 150);
    return () => clearTimeout(t);
  }, [q]);
  const [page, setPage] = useState(0);
  const filter = { room, status, q: typed, page };
  const { rows, counts, error, reload } = useNodePage(filter, PAGE);
  const [connecting, setConnecting] = useState(false);
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const [selecting, setSelecting] = useState(false);
  const operator = roleAtLeast(me.role, 'operator');

  const matching = counts
    ? status === ''
      ? counts.all
      : counts[status === 'backup_overdue' ? 'backup_overdue' : status]
    : 0;
  const pages = Math.max(1, Math.ceil(matching / PAGE));
  const current = Math.min(page, pages - 1);
  const visible = rows ?? [];
  useEffect(() => {
    if (counts && page > pages - 1) setPage(pages - 1);
  }, [counts, page, pages]);
  const allSelected = matching > 0 && selected.size >= matching && visible.every((n) => selected.has(n.id));

  /** Select every node the filter matches (read from the server once, on this click), or none. */
  const selectAll = async (on: boolean) => {
    if (!on) return setSelected(new Map());
    setSelecting(true);
    try {
      const all = await answer(client.GET('/api/nodes/export', { params: { query: listQuery(filter) } }));
      setSelected(new Map(all.map((n) => [n.id, n.hostname])));
    } finally {
      setSelecting(false);
    }
  };

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
      {counts && (
        <p class="counts" aria-live="polite">
          <span>
            {counts.all} node{counts.all === 1 ? '' : 's'}
          </span>
          <span class="status-online">{counts.online} online</span>
          <span class="status-offline">{counts.offline} offline</span>
          <span class="status-pending">{counts.pending} pending</span>
          {counts.stale > 0 && <span class="status-stale">{counts.stale} stale</span>}
          {counts.duplicate > 0 && (
            <span class="status-duplicate">{counts.duplicate} duplicate identity</span>
          )}
          {counts.backup_overdue > 0 && (
            <span class="status-overdue">{counts.backup_overdue} backup overdue</span>
          )}
        </p>
      )}
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
      {operator && selected.size > 0 && (
        <BulkBar
          selected={[...selected.keys()]}
          names={selected}
          rooms={rooms}
          onClear={() => setSelected(new Map())}
          onDone={reload}
        />
      )}
      {rows === null || counts === null ? (
        <p class="loading">Loading nodes…</p>
      ) : counts.all === 0 && !room && !typed ? (
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
                      checked={allSelected || selecting}
                      disabled={selecting}
                      onChange={(e) => void selectAll(e.currentTarget.checked).catch(() => undefined)}
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
                          const next = new Map(selected);
                          if (e.currentTarget.checked) next.set(n.id, n.hostname);
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
              {matching === 0
                ? 'No node matches the filters.'
                : `${current * PAGE + 1}–${Math.min(matching, current * PAGE + PAGE)} of ${matching}`}
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
