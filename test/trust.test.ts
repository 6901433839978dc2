import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  addUser,
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

/**
 * Attacks and faults against one real server (TLS, SQLite) with a real agent and the real restic, each as
 * "attack or fault → the outcome we expect". The cluster's are in trust-cluster.test.ts, the database's in
 * trust-database.test.ts.
 */

const PASSWORD = 'trust test repository password';
const mode = (p: string) => statSync(p).mode & 0o7777;

describe('trust: an operator is not root on every host', () => {
  const server = useTestServer();
  let admin: string;
  let operator: string;
  const scratch = server.tempDir('muster-trust-');
  const data = join(scratch.path, 'data');
  const state = join(scratch.path, 'agent');
  const elsewhere = join(scratch.path, 'elsewhere');
  let agent: AgentProcess;
  let hostId: string;
  let snapshot: string;
  const as = (cookie: string, method: string, path: string, body?: unknown) =>
    request(server, method, path, { cookie, ...(body !== undefined ? { body } : {}) });
  const job = async (cookie: string, type: string, params: Record<string, unknown>) => {
    const r = await as(cookie, 'POST', `/api/hosts/${hostId}/jobs`, { type, params });
    assert.equal(r.status, 201, r.text);
    return (await jobIn(server, admin, r.json<JobView>().id, undefined, 60_000)) as JobView & {
      result: { backup?: { snapshot_id: string } } | null;
    };
  };

  before(async () => {
    admin = await login(server);
    operator = (await addUser(server, admin, 'ops', 'operator')).cookie;
    mkdirSync(data, { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    writeFileSync(join(data, 'notes.txt'), 'the original\n');
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(server, state, token, '--hostname', 'trust-node');
    assert.equal(claimed.code, 0, claimed.stderr);
    hostId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    // The admin let restores write below data/ (as `allow-path` or --restore-root would).
    agent = spawnAgent(['--state-dir', state, '--restore-root', data]);
    await waitFor(
      async () =>
        (await as(admin, 'GET', `/api/hosts/${hostId}`)).json<{ status: string }>().status === 'online',
      'the node online',
      20_000,
    );
  });
  server.defer(() => agent?.stop());

  test('attack: an operator points the host at a repository of their own, or mints a token that does → 403', async () => {
    const repo = { repo_url: join(scratch.path, 'attacker-repo'), repo_password: PASSWORD };
    const set = await as(operator, 'PUT', `/api/hosts/${hostId}/repository`, repo);
    assert.equal(set.status, 403, set.text);
    assert.equal((await as(operator, 'DELETE', `/api/hosts/${hostId}/repository`)).status, 403);
    const mint = await as(operator, 'POST', '/api/enrollment-tokens', { hostname: 'x', ...repo });
    assert.equal(mint.status, 403, mint.text);
    assert.match(mint.json<{ message: string }>().message, /only an admin may give an enrollment token/);
    assert.equal((await as(operator, 'POST', '/api/enrollment-tokens', { hostname: 'x' })).status, 200);
  });

  test('attack: repository locations that reach ssh or rclone as options → 400, for admins too', async () => {
    for (const repo_url of [
      'sftp:-oProxyCommand=touch /tmp/pwned',
      'sftp:-V:/x',
      'sftp:root@-oProxyCommand=x:/srv',
      'rclone::sftp,ssh=touch /tmp/pwned:',
      'rclone:remote,ssh=x:/srv',
      's3:-x',
    ]) {
      const r = await as(admin, 'PUT', `/api/hosts/${hostId}/repository`, {
        repo_url,
        repo_password: PASSWORD,
      });
      assert.equal(r.status, 400, `${repo_url}: ${r.text}`);
    }
  });

  test('the admin sets the repository; the operator backs up and restores to a fresh directory', async () => {
    const set = await as(admin, 'PUT', `/api/hosts/${hostId}/repository`, {
      repo_url: join(scratch.path, 'repo'),
      repo_password: PASSWORD,
    });
    assert.equal(set.status, 202, set.text);
    await waitFor(
      async () =>
        (await as(admin, 'GET', `/api/hosts/${hostId}`)).json<{ repo_status: string }>().repo_status ===
        'ready',
      'the repository initialised',
      30_000,
    );
    const backup = await job(operator, 'restic.backup', { paths: [data] });
    assert.equal(backup.state, 'succeeded', `${backup.error}\n${backup.log}`);
    snapshot = backup.result!.backup!.snapshot_id;
    const fresh = await job(operator, 'restic.restore', { snapshot, include: [join(data, 'notes.txt')] });
    assert.equal(fresh.state, 'succeeded', `${fresh.error}\n${fresh.log}`);
  });

  test('attack: an operator restores over the originals (in_place) → 403; targets that climb out → 400', async () => {
    const inPlace = await as(operator, 'POST', `/api/hosts/${hostId}/jobs`, {
      type: 'restic.restore',
      params: { snapshot, in_place: true, include: [join(data, 'notes.txt')] },
    });
    assert.equal(inPlace.status, 403, inPlace.text);
    for (const target of ['/tmp/..', '/.', '//', `${data}/../../../..`]) {
      const r = await as(operator, 'POST', `/api/hosts/${hostId}/jobs`, {
        type: 'restic.restore',
        params: { snapshot, target },
      });
      assert.equal(r.status, 400, `${target}: ${r.text}`);
    }
  });

  test('attack: a restore outside the agent restore roots, by name or through a symbolic link → the agent refuses it', async () => {
    mkdirSync(elsewhere, { recursive: true });
    const outside = await job(admin, 'restic.restore', { snapshot, target: elsewhere });
    assert.equal(outside.state, 'failed');
    assert.match(outside.error ?? '', /restores only below/);
    const whole = await job(admin, 'restic.restore', { snapshot, in_place: true });
    assert.equal(whole.state, 'failed');
    assert.match(whole.error ?? '', /must name the paths it restores/);
    const { symlinkSync } = await import('node:fs');
    symlinkSync(elsewhere, join(data, 'link-out'));
    const viaLink = await job(admin, 'restic.restore', { snapshot, target: join(data, 'link-out', 'x') });
    assert.equal(viaLink.state, 'failed');
    assert.match(viaLink.error ?? '', /restores only below/);
  });

  test('fault: an in-place restore by the admin brings the file back and leaves the mode of existing directories alone', async () => {
    writeFileSync(join(data, 'notes.txt'), 'overwritten by mistake\n');
    // The snapshot holds data/ as 0755; here it is 0700 now, and so it must stay.
    chmodSync(data, 0o700);
    const parentMode = mode(scratch.path);
    const r = await job(admin, 'restic.restore', {
      snapshot,
      in_place: true,
      include: [join(data, 'notes.txt')],
    });
    assert.equal(r.state, 'succeeded', `${r.error}\n${r.log}`);
    assert.equal(readFileSync(join(data, 'notes.txt'), 'utf8'), 'the original\n');
    assert.equal(mode(data).toString(8), '700', 'the existing directory keeps its mode');
    assert.equal(mode(scratch.path), parentMode, 'and so do its parents');
    assert.equal(mode('/tmp').toString(8), '1777', '/tmp stays /tmp');
    assert.match(r.log, /kept the mode and owner of \d+ existing director/);
  });
});
