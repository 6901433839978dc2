import { useEffect, useState } from 'preact/hooks';
import {
  del,
  follow,
  get,
  post,
  put,
  roleAtLeast,
  type BackupHealth,
  type Job,
  type Me,
  type Node,
  type Snapshot,
  type SnapshotFiles,
} from '../api.ts';
import { formatBytes } from '../../../src/protocol/units.ts';
import { ago, Card, ConfirmButton, Dialog, ErrorText, Head, field, useAction, when } from '../components.tsx';

/** Bytes for people; '—' when unknown. */
const bytes = (n: number | null) => (n === null ? '—' : formatBytes(n));

const STATUS_TEXT: Record<Node['repo_status'], string> = {
  unknown: 'not checked yet',
  initializing: 'initialising…',
  ready: 'ready',
  init_failed: 'could not be initialised',
};

/** The node's repository: where it is, whether restic can use it, and setting, changing or removing it. */
export function RepositoryCard({ node, me, onJob }: { node: Node; me: Me; onJob: (job: Job) => void }) {
  const [editing, setEditing] = useState(false);
  const { error, act } = useAction(async () => undefined);
  const operator = roleAtLeast(me.role, 'operator');
  // Where a host's backups go (and restores come from) is the admin's to choose.
  const admin = roleAtLeast(me.role, 'admin');
  const base = `/api/hosts/${node.id}`;
  const has = node.repo_location !== null || node.repo_status !== 'unknown';
  const job = (type: string, params: Record<string, unknown> = {}) =>
    act(async () => onJob(await post<Job>(`${base}/jobs`, { type, params })));
  return (
    <Card
      title="Backup repository"
      actions={
        admin && (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              {has ? 'Change' : 'Set repository'}
            </button>
            {has && (
              <ConfirmButton
                label="Remove"
                danger
                question={`Remove ${node.hostname}'s repository? Its snapshots stay where they are; backups stop until a repository is set again.`}
                onConfirm={() => act(() => del(`${base}/repository`))}
              />
            )}
          </>
        )
      }
    >
      {has ? (
        <dl class="facts repository">
          <dt>Location</dt>
          <dd data-repo-location>{node.repo_location ?? '(set at enrollment)'}</dd>
          <dt>Status</dt>
          <dd>
            <span class={`repo-status repo-${node.repo_status}`} data-repo-status={node.repo_status}>
              {STATUS_TEXT[node.repo_status]}
            </span>
            {node.repo_message && <div class="reason">{node.repo_message}</div>}
          </dd>
        </dl>
      ) : (
        <p class="hint">
          No repository yet: set one so this node can back up. Any restic repository works: a local path such
          as /srv/restic/{node.hostname}, sftp:user@host:/srv/restic, rest:https://host/repo, s3:… Several
          nodes may share one.
        </p>
      )}
      {node.repo_lock && (
        <div class="warning" data-repo-lock>
          <p>{node.repo_lock}</p>
          {operator && (
            <button type="button" onClick={() => job('restic.unlock')}>
              Unlock repository
            </button>
          )}
        </div>
      )}
      {operator && has && (
        <div class="actions">
          <button type="button" onClick={() => act(async () => void (await post(`${base}/repo/probe`)))}>
            Probe again
          </button>
          <button type="button" disabled={node.repo_status !== 'ready'} onClick={() => job('restic.check')}>
            Check now
          </button>
          {!node.repo_lock && (
            <button type="button" onClick={() => job('restic.unlock')}>
              Remove stale locks
            </button>
          )}
        </div>
      )}
      <ErrorText error={error} />
      {editing && (
        <Dialog title="Backup repository" onClose={() => setEditing(false)}>
          <RepositoryForm
            hostname={node.hostname}
            changing={has}
            onSubmit={(body) =>
              act(async () => {
                const r = await put<{ job_id: string }>(`${base}/repository`, body);
                setEditing(false);
                onJob(await get<Job>(`/api/jobs/${r.job_id}`));
              })
            }
            onCancel={() => setEditing(false)}
          />
          <ErrorText error={error} />
        </Dialog>
      )}
    </Card>
  );
}

/** The repository fields, shared by the node page and the Connect dialog. */
export function RepositoryForm(props: {
  hostname?: string;
  changing?: boolean;
  submitLabel?: string;
  onSubmit: (body: { repo_url: string; repo_username?: string; repo_password?: string }) => unknown;
  onCancel?: () => void;
}) {
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const username = field(f, 'repo_username');
        const password = field(f, 'repo_password');
        void props.onSubmit({
          repo_url: field(f, 'repo_url'),
          ...(username ? { repo_username: username } : {}),
          ...(password ? { repo_password: password } : {}),
        });
      }}
    >
      <label>
        Repository URL
        <input
          name="repo_url"
          required
          placeholder={`/srv/restic/${props.hostname ?? 'web-1'} or sftp:backup@host:/srv/restic`}
          spellcheck={false}
        />
      </label>
      <label>
        User name (REST server only)
        <input name="repo_username" autocomplete="off" />
      </label>
      <label>
        Repository password
        <input
          name="repo_password"
          type="password"
          autocomplete="new-password"
          required={!props.changing}
          placeholder={props.changing ? 'unchanged when empty' : ''}
        />
      </label>
      <p class="hint">
        The password is sealed on the server and only ever sent to this node's agent. A local path must be
        writable for the agent: under systemd, run <code>sudo muster-agent allow-path PATH</code> on the node.
      </p>
      <div class="actions">
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button class="primary" type="submit">
          {props.submitLabel ?? 'Save and initialise'}
        </button>
      </div>
    </form>
  );
}

/** Per source group: last success with what it added, last failure, overdue; the last repository check. */
export function BackupHealthTable({ node }: { node: Node }) {
  const [health, setHealth] = useState<BackupHealth | null>(null);
  const load = () => get<BackupHealth>(`/api/hosts/${node.id}/backups`).then(setHealth, () => undefined);
  useEffect(() => {
    void load();
    return follow('/api/events', {
      'job.state': (d) => {
        if (d.node_id === node.id && d.state !== 'running') void load();
      },
    });
  }, [node.id]);
  if (!health) return null;
  return (
    <>
      <h3>
        Health{' '}
        {health.overdue && (
          <span class="badge badge-overdue" data-backup-overdue>
            backup overdue
          </span>
        )}
      </h3>
      <table class="backup-health">
        <Head cols={['Group', 'Last success', 'Added', 'Files', 'Duration', 'Last failure', 'Due']} />
        <tbody>
          {health.groups.map((g) => (
            <tr key={g.source_group_id ?? ''} class={g.overdue ? 'overdue' : ''}>
              <td>{g.source_group ?? '(no group)'}</td>
              <td>{g.last_success_at ? ago(g.last_success_at) : 'never'}</td>
              <td>{bytes(g.data_added)}</td>
              <td>
                {g.files_total ?? '—'}
                {g.files_new !== null && ` (${g.files_new} new, ${g.files_changed ?? 0} changed)`}
              </td>
              <td>{g.duration_ms === null ? '—' : `${(g.duration_ms / 1000).toFixed(1)} s`}</td>
              <td>
                {g.last_failure_at ? (
                  <>
                    {ago(g.last_failure_at)}
                    <div class="reason">{g.last_failure_reason}</div>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>{g.overdue ? <strong>overdue</strong> : g.due_at ? when(g.due_at) : 'not scheduled'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {health.groups.length === 0 && <p class="empty">No source groups yet.</p>}
      <p class="hint">
        Last repository check:{' '}
        {health.last_check
          ? `${health.last_check.state} ${ago(health.last_check.finished_at)}${health.last_check.error ? ` (${health.last_check.error})` : ''}`
          : 'never (add a "check" schedule, or Check now)'}
      </p>
    </>
  );
}

/** Snapshots, browsed one directory at a time, and a restore of whatever is picked, with its log. */
export function SnapshotsCard({ node, me, onJob }: { node: Node; me: Me; onJob: (job: Job) => void }) {
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [browse, setBrowse] = useState<{ snapshot: Snapshot; path: string } | null>(null);
  const [restore, setRestore] = useState<{ snapshot: Snapshot; path: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const operator = roleAtLeast(me.role, 'operator');
  const usable = node.repo_status === 'ready' && node.status === 'online';
  const load = () => {
    setError(null);
    return get<Snapshot[]>(`/api/hosts/${node.id}/snapshots`).then(setSnapshots, setError);
  };
  useEffect(() => {
    if (usable) void load();
  }, [node.id, usable]);
  return (
    <Card
      title="Snapshots"
      actions={
        <button type="button" disabled={!usable} onClick={() => void load()}>
          Refresh
        </button>
      }
    >
      {!usable && (
        <p class="hint">
          Snapshots are read from the repository by the agent: they show while the node is online and its
          repository is ready.
        </p>
      )}
      <ErrorText error={error} />
      {snapshots && (
        <table class="snapshots">
          <Head cols={['Time', 'Snapshot', 'Group', 'Paths', 'Host', '']} />
          <tbody>
            {snapshots.map((s) => (
              <tr key={s.id} data-snapshot={s.short_id}>
                <td>{when(Date.parse(s.time))}</td>
                <td>
                  <code>{s.short_id}</code>
                </td>
                <td>{s.source_group ?? s.tags.join(', ')}</td>
                <td>{s.paths.join(', ')}</td>
                <td>{s.hostname}</td>
                <td class="row-actions">
                  {operator && (
                    <>
                      <button
                        type="button"
                        onClick={() => setBrowse({ snapshot: s, path: s.paths[0] ?? '/' })}
                      >
                        Browse
                      </button>
                      <button type="button" onClick={() => setRestore({ snapshot: s, path: null })}>
                        Restore all
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {snapshots?.length === 0 && <p class="empty">No snapshots yet: back up a source group.</p>}
      {browse && (
        <Browser
          node={node}
          snapshot={browse.snapshot}
          path={browse.path}
          onPath={(path) => setBrowse({ ...browse, path })}
          onRestore={(path) => setRestore({ snapshot: browse.snapshot, path })}
          onClose={() => setBrowse(null)}
        />
      )}
      {restore && (
        <RestoreDialog
          admin={roleAtLeast(me.role, 'admin')}
          node={node}
          snapshot={restore.snapshot}
          path={restore.path}
          onClose={() => setRestore(null)}
          onJob={(job) => {
            setRestore(null);
            onJob(job);
          }}
        />
      )}
    </Card>
  );
}

/** One directory of a snapshot; directories open, anything can be restored. */
function Browser(props: {
  node: Node;
  snapshot: Snapshot;
  path: string;
  onPath: (path: string) => void;
  onRestore: (path: string) => void;
  onClose: () => void;
}) {
  const [listing, setListing] = useState<SnapshotFiles | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setListing(null);
    setError(null);
    get<SnapshotFiles>(
      `/api/hosts/${props.node.id}/snapshots/${props.snapshot.id}/files?path=${encodeURIComponent(props.path)}`,
    ).then(setListing, setError);
  }, [props.snapshot.id, props.path]);
  const parts = props.path.split('/').filter(Boolean);
  return (
    <div class="browser" data-browse-path={props.path}>
      <div class="command-head">
        <nav class="crumbs">
          <code>{props.snapshot.short_id}</code>:{' '}
          <button type="button" class="plain" onClick={() => props.onPath('/')}>
            /
          </button>
          {parts.map((p, i) => (
            <button
              key={i}
              type="button"
              class="plain"
              onClick={() => props.onPath(`/${parts.slice(0, i + 1).join('/')}`)}
            >
              {p}/
            </button>
          ))}
        </nav>
        <span class="row-actions">
          <button type="button" onClick={() => props.onRestore(props.path)}>
            Restore this directory
          </button>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </span>
      </div>
      <ErrorText error={error} />
      {!listing && !error && <p class="loading">Reading the snapshot…</p>}
      {listing && (
        <table>
          <Head cols={['Name', 'Size', 'Modified', '']} />
          <tbody>
            {listing.entries.map((e) => (
              <tr key={e.path} data-entry={e.name}>
                <td>
                  {e.type === 'dir' ? (
                    <button type="button" class="plain" onClick={() => props.onPath(e.path)}>
                      📁 {e.name}/
                    </button>
                  ) : (
                    e.name
                  )}
                </td>
                <td>{e.type === 'dir' ? '' : bytes(e.size)}</td>
                <td>{e.mtime ? when(Date.parse(e.mtime)) : ''}</td>
                <td class="row-actions">
                  <button type="button" onClick={() => props.onRestore(e.path)}>
                    Restore
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {listing?.truncated && <p class="hint">This directory holds more entries than are shown.</p>}
    </div>
  );
}

/** Where the restore goes: a fresh directory by default, a named one, or (asked for explicitly) over the originals. */
function RestoreDialog(props: {
  /** Only an admin may restore over the original files. */
  admin: boolean;
  node: Node;
  snapshot: Snapshot;
  path: string | null;
  onClose: () => void;
  onJob: (job: Job) => void;
}) {
  const [mode, setMode] = useState<'fresh' | 'target' | 'in_place'>('fresh');
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title="Restore" onClose={props.onClose}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const params: Record<string, unknown> = {
            snapshot: props.snapshot.id,
            ...(props.path ? { include: [props.path] } : {}),
            ...(mode === 'target' ? { target: field(f, 'target') } : {}),
            ...(mode === 'in_place' ? { in_place: true } : {}),
          };
          setError(null);
          post<Job>(`/api/hosts/${props.node.id}/jobs`, { type: 'restic.restore', params }).then(
            props.onJob,
            setError,
          );
        }}
      >
        <p>
          Restore <code>{props.path ?? 'everything'}</code> from snapshot{' '}
          <code>{props.snapshot.short_id}</code> on {props.node.hostname}.
        </p>
        <label class="radio">
          <input type="radio" name="mode" checked={mode === 'fresh'} onChange={() => setMode('fresh')} />A
          fresh directory under the agent's state directory (the default)
        </label>
        <label class="radio">
          <input type="radio" name="mode" checked={mode === 'target'} onChange={() => setMode('target')} />
          Into this directory:
        </label>
        {mode === 'target' && (
          <input name="target" required placeholder="/var/tmp/restore" pattern="/.*" spellcheck={false} />
        )}
        {props.admin && (
          <label class="radio">
            <input
              type="radio"
              name="mode"
              checked={mode === 'in_place'}
              onChange={() => setMode('in_place')}
            />
            Over the original files (in place)
          </label>
        )}
        {mode === 'in_place' && (
          <p class="warning">Files at the original location are overwritten with the snapshot's version.</p>
        )}
        <p class="hint">
          The snapshot's paths are recreated below the target. The agent writes only below its state
          directory's restores/, its --restore-root directories and the paths allowed with{' '}
          <code>muster-agent allow-path</code>.
        </p>
        <ErrorText error={error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button class={mode === 'in_place' ? 'danger' : 'primary'} type="submit">
            Restore
          </button>
        </div>
      </form>
    </Dialog>
  );
}
