import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { netdataIdentity } from './netdata-client.ts';
import {
  addUser,
  claimInto,
  jobIn,
  login,
  manualClock,
  request,
  runAgent,
  SERVER_CLI,
  SIM_FACTS,
  simulatedIdentity,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  type AgentProcess,
  type JobView,
  type TestServer,
  userPassword,
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

  test('attack: an operator points an existing host at a repository of their own → 403', async () => {
    const repo = { repo_url: join(scratch.path, 'attacker-repo'), repo_password: PASSWORD };
    const set = await as(operator, 'PUT', `/api/hosts/${hostId}/repository`, repo);
    assert.equal(set.status, 403, set.text);
    assert.equal((await as(operator, 'DELETE', `/api/hosts/${hostId}/repository`)).status, 403);
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

/** The agent's own view of its link and storage, from its local API (`muster-agent status --json`). */
async function agentStatus(stateDir: string): Promise<Record<string, unknown>> {
  const r = await runAgent(['status', '--json', '--state-dir', stateDir]);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('trust: faults that must not lose a fleet or an agent', () => {
  const dirs: { remove(): void }[] = [];
  const agents: AgentProcess[] = [];
  let server: TestServer | null = null;
  after(async () => {
    for (const a of agents) await a.stop();
    await server?.stop();
    for (const d of dirs) d.remove();
  });
  const scratch = (prefix: string) => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d.path;
  };

  test('fault: the database file is lost (zero bytes, or gone) under a data dir with its keys → the server refuses to start; an agent told "not found" keeps asking and comes back when the database is restored', async () => {
    const dataDir = scratch('muster-trust-lost-');
    server = await startTestServer({ dataDir });
    const port = server.port;
    const cookie = await login(server);
    const state = scratch('muster-trust-lost-agent-');
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    assert.equal((await claimInto(server, state, token, '--hostname', 'survivor')).code, 0);
    const nodeId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const agent = spawnAgent(['--state-dir', state]);
    agents.push(agent);
    const node = async (s: TestServer, c: string) =>
      (await request(s, 'GET', `/api/nodes/${nodeId}`, { cookie: c })).json<{ status: string }>();
    await waitFor(async () => (await node(server!, cookie)).status === 'online', 'the node online');
    await server.stop();
    server = null;

    const db = join(dataDir, 'muster.db');
    const backup = scratch('muster-trust-backup-');
    for (const f of ['muster.db', 'muster.db-wal', 'muster.db-shm'])
      if (existsSync(join(dataDir, f))) renameSync(join(dataDir, f), join(backup, f));
    writeFileSync(db, '');
    await assert.rejects(
      startTestServer({ dataDir, port }),
      /the database .*muster\.db is empty, but .* belonged to a server before.*--init-empty/s,
    );
    rmSync(db);
    await assert.rejects(startTestServer({ dataDir, port }), /is missing, but/);

    // Started over on purpose: the agent hears "not found" and keeps asking instead of giving up.
    server = await startTestServer({ dataDir, port, flags: { initEmpty: true } });
    const status = await waitFor(async () => {
      const s = await agentStatus(state);
      return /ErrNotFound|not known|does not exist/i.test(String(s.reason)) ? s : null;
    }, 'the agent to be told its node is not known');
    assert.equal(status.status, 'offline', 'not banned');
    assert.match(String(status.reason), /asking again every 10 minutes until/);
    await server.stop();
    server = null;

    for (const f of ['muster.db', 'muster.db-wal', 'muster.db-shm']) {
      rmSync(join(dataDir, f), { force: true });
      if (existsSync(join(backup, f))) renameSync(join(backup, f), join(dataDir, f));
    }
    server = await startTestServer({ dataDir, port });
    agent.child.kill('SIGHUP'); // instead of waiting the ten minutes: look again now
    const again = await login(server);
    await waitFor(
      async () => (await node(server!, again)).status === 'online',
      'the fleet back by itself',
      20_000,
    );
    await server.stop();
    server = null;
  });

  test('fault: a damaged SQLite file → the server names the file and says to restore it; a new database is 0600 whatever the umask', async () => {
    const dataDir = scratch('muster-trust-corrupt-');
    const started = spawnSync(
      'sh',
      [
        '-c',
        // Stopped once it says it listens (however long starting takes on a loaded machine), then its output.
        `umask 022; "${process.execPath}" "${SERVER_CLI}" server --data-dir "${dataDir}" --listen 127.0.0.1:0 > "${dataDir}.out" 2>&1 & pid=$!; for i in $(seq 1 600); do grep -q "Muster is listening" "${dataDir}.out" && break; sleep 0.1; done; kill $pid; wait $pid; cat "${dataDir}.out"`,
      ],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, MUSTER_ADMIN_PASSWORD: 'correct-horse-battery-staple' },
      },
    );
    assert.match(started.stdout, /Muster is listening/, started.stderr);
    assert.equal((statSync(join(dataDir, 'muster.db')).mode & 0o777).toString(8), '600');
    writeFileSync(join(dataDir, 'muster.db'), Buffer.alloc(8192, 0x41));
    for (const f of ['muster.db-wal', 'muster.db-shm']) rmSync(join(dataDir, f), { force: true });
    const damaged = spawnSync(
      process.execPath,
      [SERVER_CLI, 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:0'],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
        timeout: 20_000,
      },
    );
    assert.notEqual(damaged.status, 0);
    assert.match(
      damaged.stderr,
      new RegExp(
        `the SQLite database ${join(dataDir, 'muster.db')} is damaged \\(SQLITE_NOTADB.*docs/operations\\.md#restore`,
      ),
    );
  });

  test(
    'fault: the agent state directory fills up → it keeps running, refuses jobs saying why, survives a restart, leaves no temporary files, and recovers when space returns',
    { skip: process.getuid?.() === 0 ? false : 'needs root to mount a small tmpfs' },
    async () => {
      server = await startTestServer({ dataDir: scratch('muster-trust-full-') });
      const cookie = await login(server);
      const state = scratch('muster-trust-full-agent-');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', state]);
      try {
        const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
        assert.equal((await claimInto(server, state, token, '--hostname', 'full-disk')).code, 0);
        const nodeId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
        let agent = spawnAgent(['--state-dir', state, '--allow-shell-jobs']);
        agents.push(agent);
        const online = () =>
          waitFor(
            async () =>
              (await request(server!, 'GET', `/api/nodes/${nodeId}`, { cookie })).json<{ status: string }>()
                .status === 'online',
            'the node online',
            20_000,
          );
        await online();
        const run = async () => {
          const r = await request(server!, 'POST', `/api/hosts/${nodeId}/jobs`, {
            cookie,
            body: { type: 'shell', params: { command: 'echo ran' } },
          });
          assert.equal(r.status, 201, r.text);
          return jobIn(server!, cookie, r.json<JobView>().id);
        };
        assert.equal((await run()).state, 'succeeded');

        const filler = join(state, 'filler');
        spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=64'], { stdio: 'ignore' });
        const refused = await run();
        assert.equal(refused.state, 'failed');
        assert.match(refused.error ?? '', /cannot write .* in its state directory .*ENOSPC/);
        assert.equal(agent.child.exitCode, null, 'the agent keeps running');
        assert.match(String((await agentStatus(state)).storage), /ENOSPC/);

        await agent.stop();
        agent = spawnAgent(['--state-dir', state, '--allow-shell-jobs']);
        agents.push(agent);
        await online();
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(agent.child.exitCode, null, 'a restart on a full disk keeps running');
        const leftovers = [state, join(state, 'cloud.d')].flatMap((d) =>
          readdirSync(d).filter((n) => /\.tmp/.test(n)),
        );
        assert.deepEqual(leftovers, [], 'no temporary files left');

        rmSync(filler);
        const recovered = await run();
        assert.equal(recovered.state, 'succeeded', recovered.error ?? '');
        assert.equal((await agentStatus(state)).storage, null);
        await agent.stop();
      } finally {
        execFileSync('umount', ['-l', state]);
        await server.stop();
        server = null;
      }
    },
  );

  test('attack: a removed node agent keeps the repository password and schedules → on removal it deletes its link configuration, stops, and says so', async () => {
    server = await startTestServer({ dataDir: scratch('muster-trust-removed-') });
    const cookie = await login(server);
    const state = scratch('muster-trust-removed-agent-');
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    assert.equal((await claimInto(server, state, token, '--hostname', 'leaving')).code, 0);
    const nodeId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const agent = spawnAgent(['--state-dir', state]);
    agents.push(agent);
    await waitFor(
      async () =>
        (await request(server!, 'GET', `/api/nodes/${nodeId}`, { cookie })).json<{ status: string }>()
          .status === 'online',
      'the node online',
    );
    const set = await request(server, 'PUT', `/api/hosts/${nodeId}/repository`, {
      cookie,
      body: {
        repo_url: join(scratch('muster-trust-removed-repo-'), 'r'),
        repo_password: 'removed-node-secret-pw',
      },
    });
    assert.equal(set.status, 202, set.text);
    const config = join(state, 'cloud.d', 'link-config.json');
    await waitFor(
      () => existsSync(config) && readFileSync(config, 'utf8').includes('removed-node-secret-pw'),
      'the repository on the agent',
    );
    assert.equal((await request(server, 'DELETE', `/api/nodes/${nodeId}`, { cookie })).status, 204);
    const status = await waitFor(async () => {
      const s = await agentStatus(state);
      return s.status === 'banned' ? s : null;
    }, 'the agent to hear of its removal');
    assert.match(String(status.reason), /link configuration .* was deleted from this host/);
    assert.ok(!existsSync(config), 'link-config.json is gone');
    await server.stop();
    server = null;
  });
});

/** A websocket to /mqtt that sends nothing yet; resolves open, or with the refusal's status. */
function mqttSocket(server: TestServer): Promise<{ ws: WebSocket; status: number; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/mqtt`, 'mqtt', { ca: server.ca });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.once('open', () => resolve({ ws, status: 101, closed }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0, closed }));
    ws.once('error', () => undefined);
  });
}

describe('trust: floods before authentication', () => {
  const server = useTestServer();
  let cookie: string;
  before(async () => {
    cookie = await login(server);
  });

  test('attack: hundreds of /mqtt websockets from one address, each sending a megabyte before CONNECT → 16 are let in, each cut off at 16 KiB (bench/flood.ts measures the memory)', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => mqttSocket(server)));
    const open = sockets.filter((s) => s.status === 101);
    assert.equal(open.length, 16, 'at most 16 unauthenticated at once from one address');
    assert.ok(sockets.filter((s) => s.status === 429).length === 184, 'the rest refused with 429');
    const megabyte = Buffer.alloc(1024 * 1024, 0x30); // a PUBLISH header would come first; size is what counts
    for (const s of open) s.ws.send(megabyte);
    const codes = await Promise.all(open.map((s) => s.closed));
    assert.deepEqual([...new Set(codes)], [1009], 'each closed as too large, before it was buffered');
    const again = await mqttSocket(server);
    assert.equal(again.status, 101, 'the address may connect again once they are gone');
    again.ws.close();
  });

  test('attack: a Netdata link asks for a keep-alive of 65535 s → it is told 120 (the close-during-CONNECT race is in trust-cluster.test.ts)', async () => {
    const nd = await netdataIdentity(server);
    const conn = await nd.connect({ keepalive: 65535 });
    const connack = conn.connack;
    assert.equal(connack.properties?.serverKeepAlive, 120);
    conn.ws.close();
  });

  test('attack: one link defines topic aliases of 60 KB each → the connection ends once they hold 256 KiB', async () => {
    const nd = await netdataIdentity(server);
    const conn = await nd.connect();
    for (let alias = 1; alias <= 10; alias++)
      conn.send({
        cmd: 'publish',
        topic: `/agent/${nd.id}/outbound/v1/${'x'.repeat(60_000)}${alias}`,
        payload: Buffer.alloc(0),
        qos: 0,
        dup: false,
        retain: false,
        properties: { topicAlias: alias },
      });
    const end = await conn.closed;
    assert.match(end.reason, /topic aliases may hold 262144 bytes/);
  });

  test('attack: one session opens live event streams without end → the 33rd is refused with 429', async () => {
    const opened: number[] = [];
    const { request: httpsRequest } = await import('node:https');
    const reqs: ReturnType<typeof httpsRequest>[] = [];
    for (let i = 0; i < 33; i++)
      opened.push(
        await new Promise<number>((resolve) => {
          const r = httpsRequest(
            new URL('/api/events', server.url),
            { ca: server.ca, headers: { cookie } },
            (res) => resolve(res.statusCode ?? 0),
          );
          r.end();
          reqs.push(r);
        }),
      );
    assert.deepEqual(opened.slice(0, 32), Array(32).fill(200));
    assert.equal(opened[32], 429);
    for (const r of reqs) r.destroy();
  });
});

describe('trust: the link endpoints over their rate limit', () => {
  const server = useTestServer({ flags: { linkAuthPerMinute: 3 } });

  test('attack: more /mqtt upgrades a minute than the limit → 429 with the claim error body, not a 500', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await mqttSocket(server);
      answers.push(s.status);
      s.ws.terminate();
    }
    assert.deepEqual(answers.slice(0, 3), [101, 101, 101]);
    assert.deepEqual(answers.slice(3), [429, 429]);
    const plain = await request(server, 'GET', '/mqtt');
    assert.equal(plain.status, 429);
    assert.equal(plain.json<{ errorMsgKey: string }>().errorMsgKey, 'ErrTooManyRequests');
  });
});

describe('trust: a node cannot write without limit', () => {
  const server = useTestServer();
  let cookie: string;
  let sim: Awaited<ReturnType<typeof simulatedIdentity>>;
  let link: WebSocket;
  let scheduleId: string;
  let groupPaths: string[];
  const send = (f: unknown) => link.send(JSON.stringify(f));
  const jobsOfNode = async () =>
    (await request(server, 'GET', `/api/hosts/${sim.id}/jobs`, { cookie })).json<
      (JobView & { params: { paths?: string[] }; started_at: number | null; finished_at: number | null })[]
    >();

  before(async () => {
    cookie = await login(server);
    sim = await simulatedIdentity(server);
    server.defer(() => sim.remove());
    const opened = await sim.open();
    link = opened.ws;
    server.defer(() => link.close());
    const scratch = server.tempDir('muster-trust-writes-');
    const set = await request(server, 'PUT', `/api/hosts/${sim.id}/repository`, {
      cookie,
      body: { repo_url: join(scratch.path, 'repo'), repo_password: 'node writes test password' },
    });
    assert.equal(set.status, 202, set.text);
    groupPaths = [join(scratch.path, 'data')];
    const group = await request(server, 'POST', `/api/hosts/${sim.id}/source-groups`, {
      cookie,
      body: { name: 'data', paths: groupPaths },
    });
    assert.equal(group.status, 201, group.text);
    // The sim node never initialises its repository: mark it ready as a real agent's init would.
    await server.services.repositories.setRepoStatus(sim.id, 'ready');
    const schedule = await request(server, 'POST', `/api/hosts/${sim.id}/schedules`, {
      cookie,
      body: { source_group_id: group.json<{ id: string }>().id, cron: '0 3 * * *' },
    });
    assert.equal(schedule.status, 201, schedule.text);
    scheduleId = schedule.json<{ id: string }>().id;
  });

  test('attack: 300 "schedule runs" of type shell with made-up parameters → none is recorded', async () => {
    for (let i = 0; i < 300; i++)
      send({
        t: 'job.started',
        job_id: randomUUID(),
        at: Date.now(),
        type: 'shell',
        params: { command: 'rm -rf /' },
        schedule_id: scheduleId,
      });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await jobsOfNode()).filter((j) => j.type === 'shell').length, 0);
  });

  test('attack: backup runs of its schedule with other paths, fresh ids, skewed clocks, megabytes of log each → recorded with the schedule parameters, within the node hourly budget, on the server clock', async () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const skew = 10 * 60_000;
    for (const id of ids)
      send({
        t: 'job.started',
        job_id: id,
        at: Date.now() - skew,
        type: 'restic.backup',
        params: { paths: ['/etc/shadow'] },
        schedule_id: scheduleId,
      });
    const chunk = 'x'.repeat(700 * 1024);
    // 100 chunks of 700 KB: 70 MB, over the node's 64 MiB an hour (and each job's 1 MiB).
    for (let i = 0; i < 100; i++)
      send({ t: 'job.log', job_id: ids[i % 100]!, seq: i, stream: 'stdout', data: chunk });
    send({ t: 'job.finished', job_id: ids[0], state: 'succeeded', exit_code: 0, at: Date.now() + skew });
    send({ t: 'job.log', job_id: ids[0], seq: 1000, stream: 'stdout', data: 'after the end' });
    await waitFor(
      async () => (await jobsOfNode()).find((j) => j.id === ids[0])?.state === 'succeeded',
      'the end',
    );
    await new Promise((r) => setTimeout(r, 1000));
    const jobs = (await jobsOfNode()).filter((j) => j.schedule_id === scheduleId);
    assert.equal(jobs.length, 240, 'the node may report 240 runs an hour');
    for (const j of jobs)
      assert.deepEqual(j.params.paths, groupPaths, "the schedule's paths, not the frame's");
    const first = jobs.find((j) => j.id === ids[0])!;
    assert.ok(Math.abs(first.started_at! - Date.now()) < 60_000, 'started on the server clock');
    assert.ok(Math.abs(first.finished_at! - Date.now()) < 60_000, 'finished on the server clock');
    const full = await request(server, 'GET', `/api/jobs/${ids[0]}`, { cookie });
    assert.doesNotMatch(full.json<{ log: string }>().log, /after the end/);
    const rows = await server.database.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.sum<number>('log_bytes').as('bytes'))
      .where('node_id', '=', sim.id)
      .executeTakeFirst();
    assert.ok(Number(rows?.bytes) <= 64 * 1024 * 1024, `stored ${rows?.bytes} bytes of log`);
  });
});

describe('trust: accounts under password guessing', () => {
  const clock = manualClock();
  // The per-address limit is lifted: what is tested is the account's own count, from any address.
  const server = useTestServer({ clock, flags: { loginPerMinute: 100_000 } });
  let admin: string;
  before(async () => {
    admin = await login(server);
  });
  const signIn = (username: string, password: string) =>
    request(server, 'POST', '/api/auth/login', { body: { username, password } });

  test('attack: a user name that differs only in case (ADMIN beside admin) → 409; names are found whatever their case', async () => {
    const dup = await request(server, 'POST', '/api/users', {
      cookie: admin,
      body: { username: 'ADMIN', password: 'another-admin-password', role: 'admin' },
    });
    assert.equal(dup.status, 409, dup.text);
    assert.equal((await signIn('Admin', 'correct-horse-battery-staple')).status, 200);
  });

  test('attack: thirty wrong passwords, then the right one → refused; twenty counted failures lock the account until an admin unlocks it, audited', async () => {
    const victim = await addUser(server, admin, 'victim', 'operator');
    // Three addresses guessing ten times each, side by side.
    const answers = (
      await Promise.all(
        [0, 1, 2].map(async (a) => {
          const out: number[] = [];
          for (let i = 0; i < 10; i++) out.push((await signIn('victim', `guess-${a}-${i}`)).status);
          return out;
        }),
      )
    ).flat();
    const counted = answers.filter((s) => s === 401).length;
    assert.ok(counted >= 5 && counted < 10, `${counted} guesses were tried, then the account slowed down`);
    assert.equal(answers.filter((s) => s === 429).length, 30 - counted);

    const right = await signIn('victim', userPassword('victim'));
    assert.equal(right.status, 429, 'the right password waits too');
    assert.ok(Number(right.headers['retry-after']) >= 1);
    // Waiting out each pause, the guesses go on until the account locks.
    for (let n = counted; n < 20; n++) {
      clock.advance(5 * 60_000 + 1000);
      // A burst after the wait: one guess is tried, the others wait again.
      const burst = await Promise.all([0, 1, 2].map((a) => signIn('victim', `guess-late-${n}-${a}`)));
      assert.deepEqual(burst.map((r) => r.status).sort(), [401, 429, 429]);
    }
    clock.advance(5 * 60_000 + 1000);
    const locked = await signIn('victim', userPassword('victim'));
    assert.equal(locked.status, 403, locked.text);
    assert.match(locked.json<{ message: string }>().message, /locked after 20 failed sign-ins/);
    const users = (await request(server, 'GET', '/api/users', { cookie: admin })).json<
      { id: string; locked: boolean }[]
    >();
    assert.equal(users.find((u) => u.id === victim.id)?.locked, true);
    const unlock = await request(server, 'POST', `/api/users/${victim.id}/unlock`, { cookie: admin });
    assert.equal(unlock.status, 204, unlock.text);
    assert.equal((await signIn('victim', userPassword('victim'))).status, 200);
    const audit = (await request(server, 'GET', '/api/audit?limit=200', { cookie: admin })).text;
    assert.match(audit, /user\.locked/);
    assert.match(audit, /user\.unlocked/);
  });
});

describe('trust: small things, each one', () => {
  const server = useTestServer({
    flags: { metricsToken: 'prometheus-scrape-token-1', trustProxy: '10.9.9.9' },
  });
  let admin: string;
  before(async () => {
    admin = await login(server);
  });

  test('attack: /metrics read without credentials (it lists every node) → 401; the metrics token or an API key reads it', async () => {
    const anonymous = await request(server, 'GET', '/metrics');
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.text, /metrics token/);
    const wrong = await request(server, 'GET', '/metrics', { headers: { authorization: 'Bearer guess' } });
    assert.equal(wrong.status, 401);
    const token = await request(server, 'GET', '/metrics', {
      headers: { authorization: 'Bearer prometheus-scrape-token-1' },
    });
    assert.equal(token.status, 200);
    assert.match(token.text, /muster_links_connected/);
    const key = await request(server, 'POST', '/api/api-keys', {
      cookie: admin,
      body: { name: 'prometheus' },
    });
    assert.equal(key.status, 201, key.text);
    const byKey = await request(server, 'GET', '/metrics', {
      headers: { authorization: `Bearer ${key.json<{ key: string }>().key}` },
    });
    assert.equal(byKey.status, 200);
  });

  test('attack: failed logins with a new X-Forwarded-For each time, from an address that is not the proxy → still limited per real address (429)', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 12; i++)
      answers.push(
        (
          await request(server, 'POST', '/api/auth/login', {
            body: { username: `nobody-${i}`, password: 'wrong-password' },
            headers: { 'x-forwarded-for': `203.0.113.${i}` },
          })
        ).status,
      );
    assert.ok(answers.includes(429), `rate limited: ${answers.join(' ')}`);
  });

  test('attack: a snapshot file path with a NUL byte → 400 from the server, not the agent error', async () => {
    const r = await request(
      server,
      'GET',
      `/api/hosts/${randomUUID()}/snapshots/latest/files?path=/etc%00x`,
      {
        cookie: admin,
      },
    );
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /control characters/);
  });
});

describe('trust: agent executables and updates', () => {
  const agentDir = tempDir('muster-trust-agent-dir-');
  const body = Buffer.from('#!/bin/sh\necho a small stand-in for an agent executable\n');
  writeFileSync(join(agentDir.path, 'muster-agent-linux-amd64'), body);
  writeFileSync(
    join(agentDir.path, 'manifest.json'),
    JSON.stringify({
      version: '0.1.0',
      files: [
        {
          os: 'linux',
          arch: 'amd64',
          file: 'muster-agent-linux-amd64',
          sha256: createHash('sha256').update(body).digest('hex'),
          size: 999_999, // the manifest may be wrong; the download says the file's own size
        },
      ],
    }),
  );
  const server = useTestServer({ flags: { agentDir: agentDir.path } });
  server.defer(async () => agentDir.remove());

  test('attack: a download whose manifest size is wrong, then a file changed on disk after the build → the file own size, then 503', async () => {
    const ok = await request(server, 'GET', '/agent/binary?os=linux&arch=amd64');
    assert.equal(ok.status, 200);
    assert.equal(Number(ok.headers['content-length']), body.length);
    writeFileSync(
      join(agentDir.path, 'muster-agent-linux-amd64'),
      Buffer.concat([body, Buffer.from('# tampered\n')]),
    );
    const tampered = await request(server, 'GET', '/agent/binary?os=linux&arch=amd64');
    assert.equal(tampered.status, 503, tampered.text);
    assert.match(tampered.text, /does not match its manifest/);
    writeFileSync(join(agentDir.path, 'muster-agent-linux-amd64'), body);
  });

  test('attack: an update job that would take an agent at 9.9.9 back to 0.1.0 → 409 unless forced', async () => {
    const cookie = await login(server);
    const sim = await simulatedIdentity(server, SIM_FACTS);
    server.defer(() => sim.remove());
    const { ws } = await sim.open('9.9.9');
    server.defer(() => ws.close());
    const refused = await request(server, 'POST', `/api/hosts/${sim.id}/agent-update`, { cookie, body: {} });
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.text, /newer than the 0\.1\.0 this server serves; give force/);
    const forced = await request(server, 'POST', `/api/hosts/${sim.id}/agent-update`, {
      cookie,
      body: { force: true },
    });
    assert.equal(forced.status, 201, forced.text);
  });
});
