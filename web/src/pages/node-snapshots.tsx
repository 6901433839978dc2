import { useEffect, useState } from 'preact/hooks';
import {
  answer,
  client,
  roleAtLeast,
  type Job,
  type Me,
  type Node,
  type Snapshot,
  type SnapshotFiles,
} from '../api.ts';
import { formatBytes } from '../../../src/protocol/units.ts';
import { Card, Dialog, ErrorText, Head, field, when } from '../components.tsx';

/** Bytes for people; '—' when unknown. */
const bytes = (n: number | null) => (n === null ? '—' : formatBytes(n));

/** Snapshots, browsed one directory at a time, and a restore of whatever is picked, with its log. */
export function SnapshotsCard({ node, me, onJob }: { node: Node; me: Me; onJob: (job: Job) => void }) {
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [browse, setBrowse] = useState<{ snapshot: Snapshot; path: string } | null>(null);
  const [restore, setRestore] = useState<{ snapshot: Snapshot; path: string | null } | null>(null);
  const [diff, setDiff] = useState<{ from: Snapshot; to: Snapshot } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const operator = roleAtLeast(me.role, 'operator');
  const usable = node.repo_status === 'ready' && node.status === 'online';
  const load = () => {
    setError(null);
    return answer(client.GET('/api/hosts/{id}/snapshots', { params: { path: { id: node.id } } })).then(
      setSnapshots,
      setError,
    );
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
            {snapshots.map((s, i) => (
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
                      {snapshots[i + 1] && (
                        <button type="button" onClick={() => setDiff({ from: snapshots[i + 1]!, to: s })}>
                          Changes
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {snapshots?.length === 0 && <p class="empty">No snapshots yet: back up a source group.</p>}
      {operator && usable && !!snapshots?.length && <FindFiles node={node} />}
      {diff && <SnapshotDiff node={node} from={diff.from} to={diff.to} onClose={() => setDiff(null)} />}
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

/** Where the browser downloads a file (as it is) or a directory (as an archive) of a snapshot from. */
const downloadHref = (node: Node, snapshot: Snapshot, path: string, format: 'raw' | 'tar' | 'zip') =>
  `/api/hosts/${encodeURIComponent(node.id)}/snapshots/${snapshot.id}/download?${new URLSearchParams({ path, format }).toString()}`;

/** One directory of a snapshot; directories open, anything can be restored or downloaded. */
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
    answer(
      client.GET('/api/hosts/{id}/snapshots/{snapshot}/files', {
        params: { path: { id: props.node.id, snapshot: props.snapshot.id }, query: { path: props.path } },
      }),
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
          <a class="button" href={downloadHref(props.node, props.snapshot, props.path, 'tar')} download>
            Download .tar
          </a>
          <a class="button" href={downloadHref(props.node, props.snapshot, props.path, 'zip')} download>
            Download .zip
          </a>
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
                  <a
                    class="button"
                    href={downloadHref(props.node, props.snapshot, e.path, e.type === 'dir' ? 'tar' : 'raw')}
                    download
                  >
                    Download
                  </a>
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
          const params = {
            snapshot: props.snapshot.id,
            ...(props.path ? { include: [props.path] } : {}),
            ...(mode === 'target' ? { target: field(f, 'target') } : {}),
            ...(mode === 'in_place' ? { in_place: true } : {}),
          };
          setError(null);
          answer(
            client.POST('/api/hosts/{id}/jobs', {
              params: { path: { id: props.node.id } },
              body: { type: 'restic.restore', params },
            }),
          ).then(props.onJob, setError);
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

/** What changed from one snapshot to the next (restic diff): + added, - removed, M modified. */
function SnapshotDiff(props: { node: Node; from: Snapshot; to: Snapshot; onClose: () => void }) {
  const [changes, setChanges] = useState<{ path: string; modifier: string }[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    answer(
      client.GET('/api/hosts/{id}/snapshots/diff', {
        params: { path: { id: props.node.id }, query: { from: props.from.id, to: props.to.id } },
      }),
    ).then((d) => setChanges(d.changes), setError);
  }, [props.from.id, props.to.id]);
  return (
    <Dialog
      title={`Changes from ${props.from.short_id} to ${props.to.short_id}`}
      onClose={props.onClose}
      wide
    >
      <ErrorText error={error} />
      {!changes && !error && <p class="loading">Comparing…</p>}
      {changes?.length === 0 && <p class="empty">Nothing changed.</p>}
      {changes && changes.length > 0 && (
        <table data-diff>
          <Head cols={['', 'Path']} />
          <tbody>
            {changes.map((c) => (
              <tr key={c.path}>
                <td>
                  <code>{c.modifier}</code>
                </td>
                <td>{c.path}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}

/** Where files matching a name or pattern are, across every snapshot (restic find). */
function FindFiles({ node }: { node: Node }) {
  const [found, setFound] = useState<{ snapshot: string; path: string; size: number | null }[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const pattern = field(e.currentTarget, 'pattern');
        setError(null);
        answer(
          client.GET('/api/hosts/{id}/snapshots/find', {
            params: { path: { id: node.id }, query: { pattern } },
          }),
        ).then((r) => setFound(r.matches), setError);
      }}
    >
      <label class="grow">
        Find a file in every snapshot
        <input name="pattern" required placeholder="app.conf, *.sql" />
      </label>
      <button type="submit">Find</button>
      <ErrorText error={error} />
      {found && (
        <table data-found>
          <Head cols={['Snapshot', 'Path', 'Size']} />
          <tbody>
            {found.map((m) => (
              <tr key={`${m.snapshot}${m.path}`}>
                <td>
                  <code>{m.snapshot.slice(0, 8)}</code>
                </td>
                <td>{m.path}</td>
                <td>{bytes(m.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {found?.length === 0 && <p class="empty">Found in no snapshot.</p>}
    </form>
  );
}
