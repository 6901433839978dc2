import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  follow,
  get,
  post,
  roleAtLeast,
  type Me,
  type Node,
  type Room,
  type ServerInfo,
  type SpaceToken,
} from '../api.ts';
import { connectCommand, connectHint, ENVIRONMENTS, type Environment } from '../connect-commands.ts';
import {
  field,
  agentLabel,
  ago,
  CopyButton,
  Dialog,
  ErrorText,
  Link,
  StatusBadge,
  useTick,
  Head,
} from '../components.tsx';

const PAGE = 100;

/** The space everything lives in (the first one). */
export async function loadSpace(): Promise<{ id: string; name: string }> {
  const spaces = await get<{ id: string; name: string }[]>('/api/spaces');
  if (!spaces[0]) throw new Error('no space exists yet');
  return spaces[0];
}

/** Nodes of the space, kept current by server-sent events. */
export function useLiveNodes() {
  const [nodes, setNodes] = useState<Node[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let reload: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      get<Node[]>('/api/nodes/export').then((list) => {
        setNodes(list.filter((n) => n.status !== 'removed'));
        setError(null);
      }, setError);
    void load();
    const later = () => {
      clearTimeout(reload);
      reload = setTimeout(load, 300);
    };
    const patchNode = (id: string, p: Partial<Node>) =>
      setNodes((list) => {
        if (!list) return list;
        if (!list.some((n) => n.id === id)) {
          later();
          return list;
        }
        return list.map((n) => (n.id === id ? { ...n, ...p } : n)).filter((n) => n.status !== 'removed');
      });
    const stop = follow('/api/events', {
      'node.presence': (d) => {
        const e = d;
        patchNode(e.node_id, {
          status: e.status,
          since: e.since,
          reason: e.reason,
          ...(e.status === 'online' ? { last_seen_at: e.since } : {}),
        });
        // Facts (OS, agent version) arrive with hello: fetch them once the node is online.
        if (e.status === 'online') later();
      },
      'node.duplicate': (d) => {
        const e = d;
        patchNode(e.node_id, { duplicate_suspected: e.duplicate_suspected });
      },
      'node.claimed': later,
      // A Netdata agent reports its facts a few seconds after it came online.
      'node.facts': later,
      'node.repo': (d) => {
        const e = d;
        patchNode(e.node_id, { repo_status: e.repo_status });
      },
    });
    return () => {
      stop();
      clearTimeout(reload);
    };
  }, []);
  return { nodes, error };
}

export function NodesPage({ me }: { me: Me }) {
  useTick();
  const { nodes, error } = useLiveNodes();
  const [rooms, setRooms] = useState<Room[]>([]);
  const [space, setSpace] = useState<{ id: string; name: string } | null>(null);
  const [room, setRoom] = useState('');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [connecting, setConnecting] = useState(false);
  useEffect(() => {
    loadSpace()
      .then(async (s) => {
        setSpace(s);
        setRooms(await get<Room[]>(`/api/spaces/${s.id}/rooms`));
      })
      .catch(() => undefined);
  }, []);

  const counts = useMemo(() => {
    const c = { all: 0, online: 0, offline: 0, pending: 0, duplicate: 0, overdue: 0 };
    for (const n of nodes ?? []) {
      c.all++;
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
        {counts.duplicate > 0 && <span class="status-duplicate">{counts.duplicate} duplicate identity</span>}
        {counts.overdue > 0 && <span class="status-overdue">{counts.overdue} backup overdue</span>}
      </p>
      <div class="filters" role="search">
        <label>
          Room
          <select value={room} onChange={(e) => (setRoom(e.currentTarget.value), setPage(0))}>
            <option value="">All rooms</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPage(0))}>
            <option value="">Any</option>
            <option value="online">Online</option>
            <option value="offline">Offline</option>
            <option value="pending">Pending</option>
            <option value="duplicate">Duplicate identity</option>
            <option value="backup_overdue">Backup overdue</option>
          </select>
        </label>
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
      {nodes === null ? (
        <p class="loading">Loading nodes…</p>
      ) : nodes.length === 0 ? (
        <p class="empty">No nodes yet. Use “Connect nodes” to bring the first machine in.</p>
      ) : (
        <>
          <table class="nodes">
            <Head cols={['Host name', 'Status', 'OS', 'Arch', 'Agent', 'Rooms', 'Tags', 'Last seen']} />
            <tbody>
              {visible.map((n) => (
                <tr key={n.id} data-node-id={n.id} data-status={n.status}>
                  <td>
                    <Link href={`/nodes/${n.id}`}>{n.hostname}</Link>
                  </td>
                  <td>
                    <StatusBadge node={n} />
                    {n.backup_overdue && <span class="badge badge-overdue">backup overdue</span>}
                    {n.status !== 'online' && (
                      <div class="reason">
                        {n.reason} · since {ago(n.since)}
                      </div>
                    )}
                  </td>
                  <td>{[n.os, n.os_version].filter(Boolean).join(' ') || '—'}</td>
                  <td>{n.arch ?? '—'}</td>
                  <td>{agentLabel(n)}</td>
                  <td>{n.rooms.map((r) => r.name).join(', ')}</td>
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

/** Rooms, then the environment, then the exact command. Admins get the space token; operators a one-time token. */
function ConnectDialog(props: { me: Me; spaceId: string; rooms: Room[]; onClose: () => void }) {
  const admin = roleAtLeast(props.me.role, 'admin');
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [env, setEnv] = useState<Environment>('linux');
  const [token, setToken] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState<{ token: string; hostname: string; local: string | null } | null>(
    null,
  );
  const [hostname, setHostname] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<ServerInfo>('/api/server-info').then(setInfo, setError);
    if (admin)
      get<SpaceToken>(`/api/spaces/${props.spaceId}/claim-token`).then((t) => setToken(t.token), setError);
  }, []);

  const slugs = props.rooms.filter((r) => chosen.includes(r.id)).map((r) => r.slug);
  const usable = oneTime?.token ?? (admin ? token : null);
  const command =
    info && usable
      ? connectCommand(env, {
          url: info.url,
          caPin: info.ca_pin,
          token: usable,
          rooms: admin && !oneTime ? slugs : [],
          installPs1Sha256: info.install_ps1_sha256,
          ...(oneTime?.local ? { writablePaths: [oneTime.local] } : {}),
        })
      : null;

  return (
    <Dialog title="Connect nodes" onClose={props.onClose} wide>
      <fieldset>
        <legend>1. Rooms the new nodes join</legend>
        <div class="choices">
          {props.rooms.map((r) => (
            <label key={r.id} class="check">
              <input
                type="checkbox"
                checked={chosen.includes(r.id)}
                disabled={!admin && oneTime !== null}
                onChange={(e) =>
                  setChosen((c) => (e.currentTarget.checked ? [...c, r.id] : c.filter((x) => x !== r.id)))
                }
              />
              {r.name}
            </label>
          ))}
        </div>
        {chosen.length === 0 && <p class="hint">None chosen: nodes join the space's default room.</p>}
      </fieldset>
      <fieldset>
        <legend>2. Environment</legend>
        <div class="tabs" role="tablist">
          {ENVIRONMENTS.map((e) => (
            <button
              key={e.id}
              type="button"
              role="tab"
              aria-selected={env === e.id}
              class={env === e.id ? 'tab current' : 'tab'}
              onClick={() => setEnv(e.id)}
            >
              {e.label}
            </button>
          ))}
        </div>
      </fieldset>
      {!oneTime && (
        <form
          class="one-time"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            const f = new FormData(e.currentTarget);
            const repoUrl = field(f, 'repo_url');
            const repo = repoUrl
              ? {
                  repo_url: repoUrl,
                  repo_password: field(f, 'repo_password'),
                  ...(field(f, 'repo_username') ? { repo_username: field(f, 'repo_username') } : {}),
                }
              : {};
            try {
              const t = await post<{ token: string }>('/api/enrollment-tokens', {
                hostname,
                rooms: chosen,
                space_id: props.spaceId,
                ...repo,
              });
              const local = repoUrl.startsWith('/')
                ? repoUrl
                : repoUrl.startsWith('local:')
                  ? repoUrl.slice(6)
                  : null;
              setOneTime({ token: t.token, hostname, local });
            } catch (err) {
              setError(err);
            }
          }}
        >
          <p class="hint">
            {admin
              ? 'Or connect one machine with its own backup repository: a one-time token bound to its host name (valid one hour).'
              : 'Operators connect one machine at a time with a one-time token bound to its host name (valid one hour).'}
          </p>
          <label>
            Host name of the machine
            <input value={hostname} required onInput={(e) => setHostname(e.currentTarget.value)} />
          </label>
          <details open={!admin}>
            <summary>Backup repository (optional)</summary>
            <div class="inline">
              <label class="grow">
                Repository URL
                <input
                  name="repo_url"
                  placeholder="/srv/restic/web-1 or sftp:backup@host:/srv/restic"
                  spellcheck={false}
                />
              </label>
              <label>
                Password
                <input name="repo_password" type="password" autocomplete="new-password" />
              </label>
              <label>
                User (REST server)
                <input name="repo_username" autocomplete="off" />
              </label>
            </div>
            <p class="hint">
              The repository is initialised when the machine first connects; it can also be set later on the
              node page.
            </p>
          </details>
          <button class="primary" type="submit">
            Create one-time token
          </button>
        </form>
      )}
      <ErrorText error={error} />
      {command && (
        <div class="command-box">
          <div class="command-head">
            <strong>3. Run this{env === 'kubernetes' || env === 'compose' ? ' manifest' : ''}</strong>
            <CopyButton text={command} />
          </div>
          <pre class="command" data-env={env}>
            {command}
          </pre>
          <p class="hint">{connectHint(env, info?.ca_pin ?? null)}</p>
          {oneTime && (
            <p class="hint">One-time token for {oneTime.hostname}: it works once, then is spent.</p>
          )}
        </div>
      )}
    </Dialog>
  );
}
