import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  claimInto,
  jobIn,
  login,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  type JobView,
  useTestServer,
} from './helpers.ts';

const PASSWORD = 'backups test repository';

interface Host {
  id: string;
  status: string;
  repo_status: string;
  repo_location: string | null;
  repo_message: string | null;
  repo_lock: string | null;
  backup_overdue: boolean;
}
interface Job extends JobView {
  result: { backup?: { files_new: number; data_added: number; snapshot_id: string }; target?: string } | null;
}
interface Snapshot {
  id: string;
  short_id: string;
  paths: string[];
  tags: string[];
  source_group: string | null;
}
interface Files {
  path: string;
  entries: { name: string; type: string; path: string; size: number | null }[];
}
interface Health {
  overdue: boolean;
  groups: {
    source_group: string | null;
    last_success_at: number | null;
    files_new: number | null;
    data_added: number | null;
    duration_ms: number | null;
    last_failure_reason: string | null;
    overdue: boolean;
  }[];
  last_check: { state: string } | null;
}

/**
 * A node claimed the way the README says (the space's claim token), then given a repository through the API; its
 * agent runs the real restic against a real repository on disk.
 */
describe('backups: a repository for any node, snapshots, restore, locks, health', () => {
  const server = useTestServer();
  let cookie: string;
  const scratch = server.tempDir('muster-backups-');
  const data = join(scratch.path, 'data');
  const repoPath = join(scratch.path, 'repo');
  const state = join(scratch.path, 'agent');
  let agent: AgentProcess;
  let hostId: string;
  let groupId: string;
  const call = (method: string, path: string, body?: unknown) =>
    request(server, method, path, { cookie, ...(body !== undefined ? { body } : {}) });
  const host = async () => (await call('GET', `/api/hosts/${hostId}`)).json<Host>();
  const job = async (type: string, params: Record<string, unknown> = {}) => {
    const r = await call('POST', `/api/hosts/${hostId}/jobs`, { type, params });
    assert.equal(r.status, 201, r.text);
    return r.json<Job>().id;
  };
  const ended = async (id: string) => (await jobIn(server, cookie, id, undefined, 60_000)) as Job;

  before(async () => {
    cookie = await login(server);
    mkdirSync(join(data, 'etc', 'nested'), { recursive: true });
    writeFileSync(join(data, 'notes.txt'), 'the file we want back\n');
    writeFileSync(join(data, 'etc', 'app.conf'), 'port = 8080\n');
    writeFileSync(join(data, 'etc', 'nested', 'blob.bin'), randomBytes(256 * 1024));
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(server, state, token, '--hostname', 'backup-node');
    assert.equal(claimed.code, 0, claimed.stderr);
    hostId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    // Restores may also write below scratch/restored (the target the operator names below).
    agent = spawnAgent(['--state-dir', state, '--restore-root', join(scratch.path, 'restored')]);
    await waitFor(async () => (await host()).status === 'online', 'the node online', 20_000);
  });
  server.defer(() => agent?.stop());

  test('without a repository, schedules and "back up now" are refused with how to set one', async () => {
    assert.equal((await host()).repo_location, null);
    const group = await call('POST', `/api/hosts/${hostId}/source-groups`, { name: 'data', paths: [data] });
    assert.equal(group.status, 201, group.text);
    groupId = group.json<{ id: string }>().id;
    const schedule = await call('POST', `/api/hosts/${hostId}/schedules`, {
      source_group_id: groupId,
      cron: '0 2 * * *',
    });
    assert.equal(schedule.status, 409);
    assert.match(schedule.json<{ message: string }>().message, /no backup repository.*PUT \/api\/hosts\//);
    const now = await call('POST', `/api/hosts/${hostId}/source-groups/${groupId}/backup`);
    assert.equal(now.status, 409);
    assert.match(now.json<{ message: string }>().message, /no backup repository/);
    const restore = await call('POST', `/api/hosts/${hostId}/jobs`, {
      type: 'restic.restore',
      params: { snapshot: 'latest' },
    });
    assert.equal(restore.status, 409);
  });

  test('a repository set through the API is initialised, sealed, audited, and shown without credentials', async () => {
    const viewerless = await request(server, 'PUT', `/api/hosts/${hostId}/repository`, {
      body: { repo_url: repoPath, repo_password: PASSWORD },
    });
    assert.equal(viewerless.status, 401);
    const relative = await call('PUT', `/api/hosts/${hostId}/repository`, { repo_url: 'srv/restic' });
    assert.equal(relative.status, 400);
    const noPassword = await call('PUT', `/api/hosts/${hostId}/repository`, { repo_url: repoPath });
    assert.equal(noPassword.status, 400);
    assert.match(noPassword.json<{ message: string }>().message, /repo_password is required/);

    const set = await call('PUT', `/api/hosts/${hostId}/repository`, {
      repo_url: repoPath,
      repo_password: PASSWORD,
    });
    assert.equal(set.status, 202, set.text);
    assert.equal(set.json<{ host: Host }>().host.repo_status, 'initializing');
    assert.doesNotMatch(set.text, new RegExp(PASSWORD));
    const ready = await waitFor(
      async () => {
        const h = await host();
        return h.repo_status === 'ready' || h.repo_status === 'init_failed' ? h : null;
      },
      'the repository to be ready',
      30_000,
    );
    assert.equal(ready.repo_status, 'ready', ready.repo_message ?? '');
    assert.equal(ready.repo_location, repoPath);
    assert.ok(readdirSync(repoPath).includes('config'), 'restic made the repository');
    // Changing only the URL keeps the password: the same repository checks out ready again.
    const again = await call('PUT', `/api/hosts/${hostId}/repository`, { repo_url: `local:${repoPath}` });
    assert.equal(again.status, 202, again.text);
    await waitFor(
      async () =>
        (await host()).repo_status === 'ready' && (await host()).repo_location === `local:${repoPath}`,
      'the changed repository ready',
      30_000,
    );
    await call('PUT', `/api/hosts/${hostId}/repository`, { repo_url: repoPath });
    await waitFor(async () => (await host()).repo_status === 'ready', 'ready at the path again', 30_000);
    const audit = await call('GET', '/api/audit?action=node.repository_set');
    assert.match(audit.text, new RegExp(repoPath.replace(/[/.]/g, '\\$&')));
    assert.doesNotMatch(audit.text, new RegExp(PASSWORD));
    assert.doesNotMatch((await call('GET', `/api/nodes/${hostId}`)).text, new RegExp(PASSWORD));
  });

  test('back up, list snapshots, browse one level at a time, restore a file and a directory; the bytes match', async () => {
    const backup = await call('POST', `/api/hosts/${hostId}/source-groups/${groupId}/backup`);
    assert.equal(backup.status, 202, backup.text);
    const done = await ended(backup.json<Job>().id);
    assert.equal(done.state, 'succeeded', `${done.error}\n${done.log}`);
    assert.ok(done.result?.backup?.files_new === 3, JSON.stringify(done.result));
    assert.match(done.log, /snapshot [0-9a-f]{8} saved: 3 new/);

    const health = (await call('GET', `/api/hosts/${hostId}/backups`)).json<Health>();
    const g = health.groups.find((x) => x.source_group === 'data')!;
    assert.ok(g.last_success_at && g.files_new === 3 && g.data_added! > 0 && g.duration_ms !== null);

    const snaps = (await call('GET', `/api/hosts/${hostId}/snapshots?source_group=${groupId}`)).json<
      Snapshot[]
    >();
    assert.equal(snaps.length, 1);
    assert.equal(snaps[0]!.source_group, 'data');
    assert.deepEqual(snaps[0]!.paths, [data]);
    const none = (await call('GET', `/api/hosts/${hostId}/snapshots?tag=no-such-tag`)).json<Snapshot[]>();
    assert.equal(none.length, 0);

    const snap = snaps[0]!.short_id;
    const top = (
      await call('GET', `/api/hosts/${hostId}/snapshots/${snap}/files?path=${encodeURIComponent(data)}`)
    ).json<Files>();
    assert.deepEqual(
      top.entries.map((e) => `${e.type}:${e.name}`),
      ['dir:etc', 'file:notes.txt'],
    );
    const etc = (
      await call(
        'GET',
        `/api/hosts/${hostId}/snapshots/${snap}/files?path=${encodeURIComponent(join(data, 'etc'))}`,
      )
    ).json<Files>();
    assert.deepEqual(
      etc.entries.map((e) => e.name),
      ['nested', 'app.conf'],
    );
    const bad = await call('GET', `/api/hosts/${hostId}/snapshots/--help/files?path=/`);
    assert.equal(bad.status, 400);
    const viewer = await request(server, 'GET', `/api/hosts/${hostId}/snapshots/${snap}/files?path=/`);
    assert.equal(viewer.status, 401);

    // One file, to the default target: a fresh directory under the agent's state directory.
    const one = await ended(
      await job('restic.restore', { snapshot: snap, include: [join(data, 'notes.txt')] }),
    );
    assert.equal(one.state, 'succeeded', `${one.error}\n${one.log}`);
    const target = one.result!.target!;
    assert.ok(target.startsWith(join(state, 'restores')), target);
    assert.equal(readFileSync(join(target, data, 'notes.txt'), 'utf8'), 'the file we want back\n');
    assert.deepEqual(readdirSync(join(target, data)), ['notes.txt'], 'only the file asked for');
    assert.match(one.log, /restored into/);

    // A directory, to a target the operator names.
    const dirTarget = join(scratch.path, 'restored');
    const dir = await ended(
      await job('restic.restore', { snapshot: snap, include: [join(data, 'etc')], target: dirTarget }),
    );
    assert.equal(dir.state, 'succeeded', `${dir.error}\n${dir.log}`);
    assert.deepEqual(
      readFileSync(join(dirTarget, data, 'etc', 'nested', 'blob.bin')),
      readFileSync(join(data, 'etc', 'nested', 'blob.bin')),
    );
    assert.equal(readFileSync(join(dirTarget, data, 'etc', 'app.conf'), 'utf8'), 'port = 8080\n');

    // Never the original place unless asked for by name; never something restic could read as an option.
    for (const params of [
      { snapshot: snap, target: '/' },
      { snapshot: snap, target: '/tmp/..' },
      { snapshot: snap, target: '/.' },
      { snapshot: snap, target: 'relative/dir' },
      { snapshot: snap, target: '-rf' },
      { snapshot: snap, in_place: true, target: dirTarget },
      { snapshot: '--no-lock' },
      { snapshot: snap, include: ['-x'] },
    ]) {
      const r = await call('POST', `/api/hosts/${hostId}/jobs`, { type: 'restic.restore', params });
      assert.equal(r.status, 400, `${JSON.stringify(params)}: ${r.text}`);
    }
  });

  test('two jobs on one repository run one after the other, and both succeed', async () => {
    const first = await job('restic.backup', { paths: [data] });
    const second = await job('restic.check');
    const [a, b] = [await ended(first), await ended(second)];
    assert.equal(a.state, 'succeeded', `${a.error}\n${a.log}`);
    assert.equal(b.state, 'succeeded', `${b.error}\n${b.log}`);
    assert.match(b.log, new RegExp(`waiting for repository lock: job ${first} \\(restic.backup\\)`));
    const full = async (id: string) => (await call('GET', `/api/jobs/${id}`)).json<{ finished_at: number }>();
    assert.ok((await full(first)).finished_at <= (await full(second)).finished_at);
    const health = (await call('GET', `/api/hosts/${hostId}/backups`)).json<Health>();
    assert.equal(health.last_check?.state, 'succeeded');
  });

  test("a killed restic's stale lock is explained, and the unlock job clears it", async () => {
    // A restic on this host takes the repository's lock (reading a stream that never ends), then is killed as an
    // OOM killer would kill it: its lock stays behind.
    const locksBefore = new Set(readdirSync(join(repoPath, 'locks')));
    const killed = spawn('restic', ['backup', '--stdin', '--stdin-filename', 'dump.sql'], {
      env: {
        PATH: process.env.PATH,
        RESTIC_REPOSITORY: repoPath,
        RESTIC_PASSWORD: PASSWORD,
        RESTIC_CACHE_DIR: join(scratch.path, 'cache'),
      },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    killed.stdin.write('partial dump\n');
    // restic writes its lock file in place: wait until it is whole. restic then blocks on the open stream, so a
    // moment's wait cannot let it finish.
    await waitFor(
      () =>
        readdirSync(join(repoPath, 'locks')).some(
          (l) => !locksBefore.has(l) && statSync(join(repoPath, 'locks', l)).size > 0,
        ),
      'its lock file',
      20_000,
      20,
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(killed.exitCode, null, 'restic still holds the lock');
    const pid = killed.pid!;
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));

    const forget = await ended(await job('restic.forget', { keep_last: 5 }));
    assert.equal(forget.state, 'failed');
    assert.match(
      forget.error ?? '',
      new RegExp(`locked by restic PID ${pid} on this host, which no longer runs`),
    );
    assert.match(forget.error ?? '', /restic.unlock/);
    // The node shows the lock until a job gets through.
    await waitFor(async () => /stale lock/.test((await host()).repo_lock ?? ''), 'the lock on the node');

    const unlock = await ended(await job('restic.unlock'));
    assert.equal(unlock.state, 'succeeded', `${unlock.error}\n${unlock.log}`);
    await waitFor(async () => (await host()).repo_lock === null, 'the lock cleared');
    const again = await ended(await job('restic.forget', { keep_last: 5 }));
    assert.equal(again.state, 'succeeded', `${again.error}\n${again.log}`);
  });

  test('an overdue backup shows in the list filter, on the node and in /metrics', async () => {
    const overdue = async () =>
      (await call('GET', '/api/nodes?backup=overdue')).json<{ id: string }[]>().some((n) => n.id === hostId);
    assert.equal(await overdue(), false);
    // A group is expected to back up within 1.8 s of its last success: long past by now.
    const patch = await call('PATCH', `/api/hosts/${hostId}/source-groups/${groupId}`, {
      overdue_after_hours: 0.0005,
    });
    assert.equal(patch.status, 200, patch.text);
    await waitFor(overdue, 'the node in the overdue filter', 10_000, 200);
    assert.equal((await host()).backup_overdue, true);
    const metrics = (await request(server, 'GET', '/metrics', { cookie })).text;
    assert.match(
      metrics,
      new RegExp(
        `muster_backup_overdue\\{node_id="${hostId}",hostname="backup-node",source_group="data"\\} 1`,
      ),
    );
    assert.match(
      metrics,
      new RegExp(
        `muster_backup_last_success_timestamp_seconds\\{node_id="${hostId}",hostname="backup-node",source_group="data"\\} \\d{10}`,
      ),
    );
    assert.match(metrics, /muster_jobs_finished_total\{type="restic.backup",state="succeeded"\} [1-9]/);
    assert.match(metrics, /muster_claims_total\{kind="claim",result="accepted"\} [1-9]/);
    // Nothing expected of the group any more (no schedule, no age of its own): not overdue.
    await call('PATCH', `/api/hosts/${hostId}/source-groups/${groupId}`, { overdue_after_hours: null });
    assert.equal(await overdue(), false);
  });

  test('with its repository removed, a schedule shows a warning instead of failing every night', async () => {
    const s = await call('POST', `/api/hosts/${hostId}/schedules`, {
      source_group_id: groupId,
      cron: '0 2 * * *',
    });
    assert.equal(s.status, 201, s.text);
    const warnings = async () =>
      (await call('GET', `/api/hosts/${hostId}/schedules`))
        .json<{ warning: string | null }[]>()
        .map((x) => x.warning);
    assert.deepEqual(await warnings(), [null]);
    assert.equal((await call('DELETE', `/api/hosts/${hostId}/repository`)).status, 204);
    assert.match((await warnings())[0] ?? '', /no backup repository/);
    const h = await host();
    assert.equal(h.repo_location, null);
    // The data stays where it is; restic itself still reads it.
    const out = execFileSync('restic', ['snapshots', '--json'], {
      env: {
        PATH: process.env.PATH,
        RESTIC_REPOSITORY: repoPath,
        RESTIC_PASSWORD: PASSWORD,
        RESTIC_CACHE_DIR: join(scratch.path, 'c'),
      },
    });
    assert.ok((JSON.parse(out.toString()) as unknown[]).length >= 1);
  });
});
