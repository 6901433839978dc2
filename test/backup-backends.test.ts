import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  claimInto,
  freePort,
  jobIn,
  login,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  type JobView,
  useTestServer,
} from './helpers.ts';

/** A TCP port accepting connections. */
async function listening(port: number, what: string) {
  const net = await import('node:net');
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      }),
    what,
    15_000,
  );
}

/**
 * Repository backends with credentials a plan carries: a REST server with basic auth (rclone serve restic) and an
 * SFTP server with a key (OpenSSH's sshd on loopback). Each node backs up and restores through it, and no
 * credential appears in any answer, job log or agent output.
 */
describe('backup plans: REST and SFTP backends with credentials from the plan', () => {
  const server = useTestServer();
  let cookie: string;
  const scratch = server.tempDir('muster-backends-');
  const data = join(scratch.path, 'data');
  const REST_USER = 'fleet-user';
  const REST_PASSWORD = 'rest-secret-d41d8cd98f00';
  const children: ChildProcess[] = [];
  const agents: AgentProcess[] = [];
  let restPort: number;
  let sshPort: number;
  let sshKey: string;
  const call = (method: string, path: string, body?: unknown) =>
    request(server, method, path, { cookie, ...(body !== undefined ? { body } : {}) });

  async function room(name: string) {
    const r = await call('POST', `/api/spaces/${server.spaceId}/rooms`, { name });
    assert.equal(r.status, 201, r.text);
    return r.json<{ id: string }>().id;
  }
  async function nodeIn(roomId: string, name: string) {
    const state = join(scratch.path, name);
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(server, state, token, '--hostname', name, '--rooms', roomId);
    assert.equal(claimed.code, 0, claimed.stderr);
    const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    agents.push(spawnAgent(['--state-dir', state, '--restore-root', join(scratch.path, 'restored')]));
    await waitFor(
      async () => (await call('GET', `/api/hosts/${id}`)).json<{ status: string }>().status === 'online',
      `${name} online`,
      20_000,
    );
    return id;
  }
  /** Back up through the plan, restore the file, and compare. */
  async function roundTrip(planId: string, nodeId: string, secrets: string[]) {
    await waitFor(
      async () => {
        const h = (await call('GET', `/api/hosts/${nodeId}`)).json<{
          repo_status: string;
          repo_message: string;
        }>();
        if (h.repo_status === 'init_failed') throw new Error(`init failed: ${h.repo_message}`);
        return h.repo_status === 'ready';
      },
      'the repository initialised',
      60_000,
    );
    const run = await call('POST', `/api/backup-plans/${planId}/run`);
    assert.equal(run.status, 202, run.text);
    const [job] = run.json<{ jobs: JobView[] }>().jobs;
    const done = await jobIn(server, cookie, job!.id, undefined, 90_000);
    assert.equal(done.state, 'succeeded', `${done.error}\n${done.log}`);
    const target = join(scratch.path, 'restored', nodeId);
    const restore = await call('POST', `/api/hosts/${nodeId}/jobs`, {
      type: 'restic.restore',
      params: { snapshot: 'latest', include: [join(data, 'notes.txt')], target },
    });
    assert.equal(restore.status, 201, restore.text);
    const restored = await jobIn(server, cookie, restore.json<{ id: string }>().id, undefined, 90_000);
    assert.equal(restored.state, 'succeeded', `${restored.error}\n${restored.log}`);
    assert.equal(readFileSync(join(target, data, 'notes.txt'), 'utf8'), 'the file we want back\n');
    // No credential in what anyone can read: the plan, the node, its jobs' logs, the audit log, the agent's output.
    const answers = [
      (await call('GET', `/api/backup-plans/${planId}`)).text,
      (await call('GET', `/api/hosts/${nodeId}`)).text,
      (await call('GET', `/api/nodes/${nodeId}/backup-plan`)).text,
      (await call('GET', `/api/jobs/${job!.id}`)).text,
      (await call('GET', `/api/jobs/${restored.id}`)).text,
      (await call('GET', `/api/hosts/${nodeId}/jobs`)).text,
      (await call('GET', '/api/audit')).text,
      (await call('GET', `/api/backups`)).text,
      agents.map((a) => a.output()).join('\n'),
    ].join('\n');
    for (const secret of secrets)
      assert.ok(!answers.includes(secret), `a credential leaked: ${secret.slice(0, 12)}…`);
  }

  before(async () => {
    cookie = await login(server);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'notes.txt'), 'the file we want back\n');
    // REST: rclone's restic server, basic auth required.
    restPort = await freePort();
    const restDir = join(scratch.path, 'rest');
    mkdirSync(restDir);
    const rest = spawn(
      'rclone',
      [
        'serve',
        'restic',
        '--addr',
        `127.0.0.1:${restPort}`,
        '--user',
        REST_USER,
        '--pass',
        REST_PASSWORD,
        restDir,
      ],
      { stdio: 'ignore' },
    );
    children.push(rest);
    // SFTP: sshd on loopback, key only, for this user.
    sshPort = await freePort();
    const ssh = join(scratch.path, 'ssh');
    mkdirSync(ssh, { mode: 0o700 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ssh, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ssh, 'client_key')]);
    writeFileSync(join(ssh, 'authorized_keys'), readFileSync(join(ssh, 'client_key.pub')));
    sshKey = readFileSync(join(ssh, 'client_key'), 'utf8');
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    writeFileSync(
      join(ssh, 'sshd_config'),
      [
        `Port ${sshPort}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(ssh, 'host_key')}`,
        `AuthorizedKeysFile ${join(ssh, 'authorized_keys')}`,
        `PidFile ${join(ssh, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );
    children.push(spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(ssh, 'sshd_config')], { stdio: 'ignore' }));
    await listening(restPort, 'rclone serve restic');
    await listening(sshPort, 'sshd');
  });
  server.defer(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    for (const c of children) c.kill();
  });

  test('REST with basic auth: the credentials come from the plan, the node backs up and restores', async () => {
    const roomId = await room('rest-room');
    const nodeId = await nodeIn(roomId, 'rest-node');
    const plan = await call('POST', '/api/backup-plans', {
      name: 'rest',
      room_id: roomId,
      paths: [data],
      schedule: { cron: '0 3 * * *' },
      retention: { keep_last: 3 },
      repository: {
        template: `rest:http://127.0.0.1:${restPort}/{hostname}/`,
        env: { RESTIC_REST_USERNAME: REST_USER, RESTIC_REST_PASSWORD: REST_PASSWORD },
      },
    });
    assert.equal(plan.status, 201, plan.text);
    assert.deepEqual(plan.json<{ repository: { env_names: string[] } }>().repository.env_names, [
      'RESTIC_REST_PASSWORD',
      'RESTIC_REST_USERNAME',
    ]);
    await roundTrip(plan.json<{ id: string }>().id, nodeId, [REST_PASSWORD]);
    assert.ok(
      readdirSync(join(scratch.path, 'rest', 'rest-node')).includes('config'),
      'the repository is on the REST server',
    );
  });

  test('without the credentials the REST server refuses, and the node says so', async () => {
    const roomId = await room('rest-no-auth');
    const nodeId = await nodeIn(roomId, 'rest-stranger');
    const plan = await call('POST', '/api/backup-plans', {
      name: 'rest-no-auth',
      room_id: roomId,
      paths: [data],
      schedule: { cron: '0 3 * * *' },
      repository: { template: `rest:http://127.0.0.1:${restPort}/{hostname}/` },
    });
    assert.equal(plan.status, 201, plan.text);
    const h = await waitFor(
      async () => {
        const host = (await call('GET', `/api/hosts/${nodeId}`)).json<{
          repo_status: string;
          repo_message: string;
        }>();
        return host.repo_status === 'init_failed' ? host : null;
      },
      'the init to fail',
      60_000,
    );
    assert.match(h.repo_message, /401|Unauthorized|unauthor/i);
  });

  test('SFTP with a key from the plan: the node backs up and restores over ssh', async () => {
    const roomId = await room('sftp-room');
    const nodeId = await nodeIn(roomId, 'sftp-node');
    const badKey = await call('POST', '/api/backup-plans', {
      name: 'sftp-bad',
      room_id: roomId,
      paths: [data],
      schedule: { cron: '0 3 * * *' },
      repository: { template: `/srv/{hostname}`, ssh_key: sshKey },
    });
    assert.equal(badKey.status, 400, 'an SSH key is only for sftp:');
    const plan = await call('POST', '/api/backup-plans', {
      name: 'sftp',
      room_id: roomId,
      paths: [data],
      schedule: { cron: '0 3 * * *' },
      repository: {
        template: `sftp://root@127.0.0.1:${sshPort}/${scratch.path}/sftp/{hostname}`,
        ssh_key: sshKey,
      },
    });
    assert.equal(plan.status, 201, plan.text);
    assert.equal(plan.json<{ repository: { ssh_key_set: boolean } }>().repository.ssh_key_set, true);
    const keyBody = sshKey.split('\n')[1]!;
    await roundTrip(plan.json<{ id: string }>().id, nodeId, [keyBody]);
    assert.ok(readdirSync(join(scratch.path, 'sftp', 'sftp-node')).includes('config'));
  });
});
