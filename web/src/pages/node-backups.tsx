import { useEffect, useState } from 'preact/hooks';
import {
  answer,
  client,
  ok,
  type JobRequestBody,
  follow,
  roleAtLeast,
  type BackupHealth,
  type Job,
  type Me,
  type Node,
} from '../api.ts';
import { formatBytes } from '../../../src/protocol/units.ts';
import type { RepositoryStatsView } from '../../../src/protocol/api/backup-plans.ts';
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
  const has = node.repo_location !== null || node.repo_status !== 'unknown';
  const job = (request: JobRequestBody) =>
    act(async () =>
      onJob(
        await answer(
          client.POST('/api/hosts/{id}/jobs', { params: { path: { id: node.id } }, body: request }),
        ),
      ),
    );
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
                onConfirm={() =>
                  act(() =>
                    ok(client.DELETE('/api/hosts/{id}/repository', { params: { path: { id: node.id } } })),
                  )
                }
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
          <RepositoryStats node={node} />
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
            <button type="button" onClick={() => job({ type: 'restic.unlock' })}>
              Unlock repository
            </button>
          )}
        </div>
      )}
      {operator && has && (
        <div class="actions">
          <button
            type="button"
            onClick={() =>
              act(
                async () =>
                  void (await ok(
                    client.POST('/api/hosts/{id}/repo/probe', { params: { path: { id: node.id } } }),
                  )),
              )
            }
          >
            Probe again
          </button>
          <button
            type="button"
            disabled={node.repo_status !== 'ready'}
            onClick={() => job({ type: 'restic.check' })}
          >
            Check now
          </button>
          {!node.repo_lock && (
            <button type="button" onClick={() => job({ type: 'restic.unlock' })}>
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
                const r = await answer(
                  client.PUT('/api/hosts/{id}/repository', { params: { path: { id: node.id } }, body }),
                );
                setEditing(false);
                onJob(await answer(client.GET('/api/jobs/{id}', { params: { path: { id: r.job_id } } })));
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
  const load = () =>
    answer(client.GET('/api/hosts/{id}/backups', { params: { path: { id: node.id } } })).then(
      setHealth,
      () => undefined,
    );
  useEffect(() => {
    void load();
    return follow(
      '/api/events',
      {
        'job.state': (d) => {
          if (d.node_id === node.id && d.state !== 'running') void load();
        },
      },
      { nodes: [node.id], opened: () => void load() },
    );
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

/** What restic says of the repository: sizes, deduplication, snapshots, locks (the last reading when offline). */
function RepositoryStats({ node }: { node: Node }) {
  const [stats, setStats] = useState<RepositoryStatsView | null>(null);
  useEffect(() => {
    if (node.repo_status !== 'ready') return;
    answer(client.GET('/api/hosts/{id}/repository/stats', { params: { path: { id: node.id } } })).then(
      setStats,
      () => setStats(null),
    );
  }, [node.id, node.repo_status, node.status]);
  if (!stats) return null;
  const size = (n: number | null) => (n === null ? '—' : formatBytes(n));
  return (
    <>
      <dt>Size</dt>
      <dd data-repo-stats>
        {size(stats.raw_size)} stored for {size(stats.total_size)} of snapshots
        {stats.dedup_ratio ? ` (${stats.dedup_ratio}× by deduplication)` : ''}, {stats.snapshot_count}{' '}
        snapshot
        {stats.snapshot_count === 1 ? '' : 's'}
        {stats.locks ? `, ${stats.locks} lock${stats.locks === 1 ? '' : 's'}` : ', unlocked'}
        {stats.cached ? ` (as of ${when(stats.read_at)})` : ''}
      </dd>
    </>
  );
}
