import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { createUser } from '@nats-io/nkeys';
import pg from 'pg';
import { ensureTlsMaterial } from '../src/server/tls/tls-files.ts';
import {
  agentNodeId,
  call,
  claimTokenOf,
  METRICS_TOKEN,
  newMasterKey,
  scratchDatabase,
  signIn,
  startReplica,
  type Replica,
} from './cluster-helpers.ts';
import mqtt from 'mqtt-packet';
import WebSocket from 'ws';
import {
  freePort,
  login,
  request,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  type AgentProcess,
  type TestServer,
} from './helpers.ts';
import { netdataIdentity } from './netdata-client.ts';

const pgUrl = process.env.MUSTER_TEST_PG_URL;
const natsUrl = process.env.MUSTER_TEST_NATS_URL;
const skip =
  !pgUrl || !natsUrl ? 'needs MUSTER_TEST_PG_URL and MUSTER_TEST_NATS_URL (.ci/run sets both)' : false;

const FAST = ['--heartbeat-seconds', '2', '--replica-lease-seconds', '4'];
const REPO_PASSWORD = 'wire-secret-repository-password-7f3a';
const SHELL_MARK = 'shell-frame-text-c41d';

interface Captured {
  subject: string;
  data: Uint8Array;
  reply?: string;
}

/**
 * The cluster's wire as an attacker on NATS sees it: a client with no Muster credentials, subscribed to everything,
 * replaying and forging. Every attack ends in a refusal: nothing readable, nothing run, nobody banned, no presence
 * changed.
 */
describe('trust: the cluster wire on an open NATS', { skip }, () => {
  const dirs: { remove(): void }[] = [];
  let db: { url: string; drop(): Promise<void> };
  let sql: pg.Client;
  let replicas: Replica[] = [];
  let cookie: string;
  let spy: NatsConnection;
  let agent: AgentProcess;
  let agentDir: string;
  let nodeId: string;
  let prefix: string;
  const captured: Captured[] = [];

  const node = async () =>
    (
      await sql.query<{ status: string; reason: string; link_replica: string | null }>(
        'select status, reason, link_replica from nodes where id = $1',
        [nodeId],
      )
    ).rows[0]!;
  const replicaId = async (r: Replica) =>
    (await call<{ self: string }>(r.url, cookie, 'GET', '/api/cluster')).body.self;

  before(async () => {
    db = await scratchDatabase(pgUrl!);
    const masterKey = newMasterKey();
    const ports = [await freePort(), await freePort()];
    const data = ports.map(() => tempDir('muster-wire-replica-'));
    dirs.push(...data);
    // Agents reach r1 directly; r2 is where the operator works.
    const publicUrl = `http://127.0.0.1:${ports[0]}`;
    replicas = await Promise.all(
      ports.map((port, i) =>
        startReplica({
          name: `w${i + 1}`,
          db: db.url,
          nats: natsUrl!,
          masterKey,
          publicUrl,
          dataDir: data[i]!.path,
          port,
          extra: FAST,
        }),
      ),
    );
    cookie = await signIn(replicas[1]!.url);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const clusterId = (
      await sql.query<{ value: string }>("select value from server_settings where name = 'cluster_id'")
    ).rows[0]!.value;
    prefix = `muster.${clusterId}`;
    spy = await connect({ servers: natsUrl!, name: 'attacker' });
    // This cluster's subjects and every answer (not `>`: a subscriber there would answer for the other tests' nodes).
    for (const subject of [`${prefix}.>`, '_INBOX.>'])
      spy.subscribe(subject, {
        callback: (err, msg) => {
          if (!err)
            captured.push({
              subject: msg.subject,
              data: msg.data,
              ...(msg.reply ? { reply: msg.reply } : {}),
            });
        },
      });
    const dir = tempDir('muster-wire-agent-');
    dirs.push(dir);
    agentDir = dir.path;
    agent = spawnAgent([
      '--state-dir',
      agentDir,
      '--url',
      publicUrl,
      '--token',
      claimTokenOf(replicas),
      '--allow-shell-jobs',
    ]);
    await waitFor(() => existsSync(join(agentDir, 'cloud.d', 'claimed_id')), 'the agent to claim', 30_000);
    nodeId = agentNodeId(agentDir);
    const r1 = await replicaId(replicas[0]!);
    await waitFor(async () => {
      const n = await node();
      return n.status === 'online' && n.link_replica === r1;
    }, 'the node online at r1');
  });

  after(async () => {
    await agent?.stop();
    await spy?.close();
    for (const r of replicas) await r.signal('SIGTERM');
    await sql?.end();
    await db?.drop();
    for (const d of dirs) d.remove();
  });

  test('a NATS client subscribed to everything while an operator sets a repository and runs jobs through the replica without the link reads no password and no frame', async () => {
    const [, r2] = replicas;
    const repo = tempDir('muster-wire-repo-');
    dirs.push(repo);
    const set = await call<{ job_id?: string }>(r2!.url, cookie, 'PUT', `/api/hosts/${nodeId}/repository`, {
      repo_url: join(repo.path, 'restic'),
      repo_password: REPO_PASSWORD,
    });
    assert.equal(set.status, 202, JSON.stringify(set.body));
    const job = await call<{ id: string }>(r2!.url, cookie, 'POST', `/api/hosts/${nodeId}/jobs`, {
      type: 'shell',
      params: { command: `echo ${SHELL_MARK}` },
    });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    const stream = await fetch(`${r2!.url}/api/jobs/${job.body.id}/stream`, { headers: { cookie } });
    assert.match(await stream.text(), new RegExp(SHELL_MARK), 'the job ran and its log reached r2');
    const facts = await call(r2!.url, cookie, 'GET', `/api/nodes/${nodeId}/facts`);
    assert.equal(facts.status, 200, 'live requests cross the sealed wire');

    assert.ok(captured.length > 5, `the spy saw the traffic (${captured.length} messages)`);
    const seen = Buffer.concat(captured.map((m) => Buffer.from(m.data))).toString('latin1');
    for (const secret of [
      REPO_PASSWORD,
      SHELL_MARK,
      'config.update',
      'job.start',
      'job.log',
      repo.path,
      '"op"',
    ])
      assert.ok(!seen.includes(secret), `no message carries ${secret}`);
  });

  test('every captured message re-published verbatim, and forged plain ones, run nothing, ban nobody and change no presence', async () => {
    const [r1, r2] = replicas;
    const before = (await sql.query<{ n: number }>('select count(*)::int as n from jobs')).rows[0]!.n;
    const marker = join(agentDir, 'forged-shell-ran');
    const dropsBefore = await dropped(r1!);

    for (const m of [...captured])
      spy.publish(m.subject, m.data, m.reply ? { reply: createInbox() } : undefined);
    const link = `${prefix}.link.${nodeId}`;
    const plain = (v: unknown) => JSON.stringify(v);
    const forged = [
      {
        op: 'send',
        frame: {
          t: 'request',
          id: randomUUID(),
          method: 'job.start',
          params: { job_id: randomUUID(), type: 'shell', params: { command: `touch ${marker}` } },
          timeout_ms: 5000,
        },
      },
      {
        op: 'request',
        method: 'job.start',
        params: { job_id: randomUUID(), type: 'shell', params: { command: `touch ${marker}` } },
        timeout_ms: 5000,
      },
      {
        op: 'send',
        frame: { t: 'config.update', config: { repo_url: '/tmp/attacker', repo_password: 'x' } },
      },
      { op: 'disconnect', reason: 'forged ban', permanent: true },
      { op: 'takeover', from: 'attacker' },
    ];
    for (const f of forged) spy.publish(link, plain(f), { reply: createInbox() });
    spy.publish(
      `${prefix}.events`,
      plain({
        type: 'node.presence',
        node_id: nodeId,
        status: 'offline',
        since: Date.now(),
        reason: 'forged',
      }),
    );
    await spy.flush();

    // r1 dropped every one of them, counted by reason.
    await waitFor(
      async () => (await dropped(r1!)) >= dropsBefore + forged.length,
      'r1 to count the forged messages as dropped',
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!existsSync(marker), 'no forged job ran on the agent');
    const n = await node();
    assert.equal(n.status, 'online', 'nobody banned, the link is up');
    assert.equal(n.link_replica, await replicaId(r1!));
    assert.equal((await sql.query<{ n: number }>('select count(*)::int as n from jobs')).rows[0]!.n, before);
    const facts = await call(r2!.url, cookie, 'GET', `/api/nodes/${nodeId}/facts`);
    assert.equal(facts.status, 200, 'the link still answers through the other replica');
    assert.match(r1!.output(), /dropped \d+ cluster message\(s\)/, 'the drop is logged');
  });

  test('an attacker answering take-over requests as "refused" cannot keep the real agent out', async () => {
    const [r1] = replicas;
    const link = `${prefix}.link.${nodeId}`;
    let lies = 0;
    const liar = spy.subscribe(link, {
      callback: (_err, msg) => {
        if (!msg.reply) return;
        lies++;
        msg.respond(
          JSON.stringify({ refused: 'duplicate identity suspected', takeovers: [], replaced: false }),
        );
      },
    });
    try {
      await agent.stop();
      await waitFor(async () => (await node()).status === 'offline', 'the node offline');
      const dropsBefore = await dropped(r1!);
      agent = spawnAgent(['--state-dir', agentDir]);
      await waitFor(
        async () => (await node()).status === 'online',
        'the agent online despite the forged refusals',
        20_000,
      );
      assert.ok(lies > 0, 'the take-over request was answered by the liar');
      assert.ok((await dropped(r1!)) > dropsBefore, 'and the lie was dropped');
      assert.doesNotMatch(agent.output(), /duplicate/);
    } finally {
      liar.unsubscribe();
    }
  });
});

/** The replica's count of cluster messages dropped unopened, from its metrics. */
async function dropped(r: Replica): Promise<number> {
  const text = await (
    await fetch(`${r.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  let n = 0;
  for (const m of text.matchAll(/^muster_cluster_messages_dropped_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
}

/**
 * NATS closed to strangers: a private nats-server that requires TLS and credentials (a user with a password, and an
 * nkey). Replicas given the credentials form a cluster; one without them, or with a wrong password, or not trusting
 * the server's CA, stops at start and says why.
 */
describe(
  'trust: a cluster on a NATS server that requires TLS and credentials',
  { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' },
  () => {
    const dirs: { remove(): void }[] = [];
    let db: { url: string; drop(): Promise<void> };
    let nats: ChildProcess;
    let natsAt: string;
    let caFile: string;
    let seedFile: string;
    const replicas: Replica[] = [];
    const masterKey = newMasterKey();
    const PASSWORD = 'nats-password-for-muster-5e1b';

    before(async () => {
      db = await scratchDatabase(pgUrl!);
      const dir = tempDir('muster-private-nats-');
      dirs.push(dir);
      const tls = await ensureTlsMaterial(dir.path, ['127.0.0.1', 'localhost']);
      caFile = join(dir.path, 'tls', 'ca.pem');
      assert.ok(tls.caPem);
      const user = createUser();
      seedFile = join(dir.path, 'replica.nk');
      writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
      const port = await freePort();
      natsAt = `tls://127.0.0.1:${port}`;
      const conf = join(dir.path, 'nats.conf');
      writeFileSync(
        conf,
        `listen: 127.0.0.1:${port}
tls { cert_file: "${join(dir.path, 'tls', 'server.pem')}", key_file: "${join(dir.path, 'tls', 'server-key.pem')}" }
authorization { users: [ { user: muster, password: "${PASSWORD}" }, { nkey: ${user.getPublicKey()} } ] }
`,
      );
      let out = '';
      nats = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      nats.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      await waitFor(() => /Server is ready/.test(out), `the private nats-server to start: ${out}`);
    });

    after(async () => {
      for (const r of replicas) await r.signal('SIGTERM');
      nats?.kill('SIGTERM');
      await db?.drop();
      for (const d of dirs) d.remove();
    });

    const replica = (name: string, extra: string[], env: Record<string, string> = {}) => {
      const data = tempDir('muster-nats-replica-');
      dirs.push(data);
      return startReplica({
        name,
        db: db.url,
        nats: natsAt,
        masterKey,
        publicUrl: 'http://127.0.0.1:1',
        dataDir: data.path,
        extra,
        env,
      });
    };

    test('replicas with a password and with an nkey seed, over TLS with the CA given, form one cluster', async () => {
      replicas.push(
        await replica('p1', ['--nats-ca', caFile, '--nats-user', 'muster'], {
          MUSTER_NATS_PASSWORD: PASSWORD,
        }),
      );
      replicas.push(await replica('p2', ['--nats-ca', caFile, '--nats-nkey', seedFile]));
      const cookie = await signIn(replicas[0]!.url);
      const view = await call<{ replicas: unknown[] }>(replicas[1]!.url, cookie, 'GET', '/api/cluster');
      assert.equal(view.body.replicas.length, 2);
      for (const r of replicas)
        assert.deepEqual(await (await fetch(`${r.url}/readyz`)).json(), {
          status: 'ready',
          database: 'ok',
          nats: 'ok',
        });
      assert.ok(!replicas[0]!.output().includes(PASSWORD), 'the password is never printed');
    });

    test('no credentials, a wrong password, or a server certificate nobody vouched for: the replica stops at start and says why', async () => {
      await assert.rejects(
        replica('x1', ['--nats-ca', caFile]),
        /NATS at tls:\/\/127\.0\.0\.1:\d+ refused this replica's credentials/,
      );
      await assert.rejects(
        replica('x2', ['--nats-ca', caFile, '--nats-user', 'muster'], {
          MUSTER_NATS_PASSWORD: 'wrong-password',
        }),
        (err: Error) =>
          /refused this replica's credentials/.test(err.message) && !err.message.includes('wrong-password'),
      );
      await assert.rejects(
        replica('x3', ['--nats-user', 'muster'], { MUSTER_NATS_PASSWORD: PASSWORD }),
        /cannot reach NATS at tls:\/\/127\.0\.0\.1:\d+ \(.*certificate/,
      );
    });
  },
);

/**
 * A Netdata link that sends CONNECT and closes at once, on a replica whose single-use check of the link password
 * awaits PostgreSQL: the close arrives while CONNECT is being checked.
 */
describe('trust: a close during CONNECT on a replica', { skip }, () => {
  let server: TestServer;
  let db: { url: string; drop(): Promise<void> };
  before(async () => {
    db = await scratchDatabase(pgUrl!);
    server = await startTestServer({ flags: { db: db.url, nats: natsUrl } });
  });
  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  test('attack: CONNECT then close within milliseconds, twenty times → the node is never left online', async () => {
    const cookie = await login(server);
    const nd = await netdataIdentity(server);
    for (let i = 0; i < 20; i++) {
      const { creds } = await nd.authenticate();
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/mqtt`, 'mqtt', { ca: server.ca });
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      ws.send(
        mqtt.generate(
          {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 5,
            clean: true,
            keepalive: 60,
            clientId: creds.clientID,
            username: creds.username,
            password: Buffer.from(creds.password),
          },
          { protocolVersion: 5 },
        ),
      );
      ws.terminate();
    }
    await new Promise((r) => setTimeout(r, 1500));
    const node = (await request(server, 'GET', `/api/nodes/${nd.id}`, { cookie })).json<{ status: string }>();
    assert.notEqual(node.status, 'online', 'no connection, no online node');
  });
});

/**
 * NATS goes away under a cluster and comes back: a job asked for at a replica that does not hold the node's link
 * meanwhile waits, and starts once the wire is back, without the agent reconnecting.
 */
describe(
  'trust: jobs asked for while the cluster wire was down',
  { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' },
  () => {
    const dirs: { remove(): void }[] = [];
    let db: { url: string; drop(): Promise<void> };
    let nats: ChildProcess | null = null;
    let natsPort: number;
    const replicas: Replica[] = [];
    let agent: AgentProcess | null = null;
    const startNats = async () => {
      let out = '';
      nats = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(natsPort)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      nats.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      await waitFor(() => /Server is ready/.test(out), 'a private nats-server');
    };
    before(async () => {
      db = await scratchDatabase(pgUrl!);
      natsPort = await freePort();
      await startNats();
    });
    after(async () => {
      await agent?.stop();
      for (const r of replicas) await r.signal('SIGTERM');
      nats?.kill('SIGTERM');
      await db?.drop();
      for (const d of dirs) d.remove();
    });

    test('fault: NATS stops, a job is asked for at the replica without the link, NATS starts again → the job runs', async () => {
      const masterKey = newMasterKey();
      const ports = [await freePort(), await freePort()];
      const publicUrl = `http://127.0.0.1:${ports[0]}`;
      for (const [i, port] of ports.entries()) {
        const data = tempDir('muster-wire-down-');
        dirs.push(data);
        replicas.push(
          await startReplica({
            name: `d${i + 1}`,
            db: db.url,
            nats: `nats://127.0.0.1:${natsPort}`,
            masterKey,
            publicUrl,
            dataDir: data.path,
            port,
            extra: FAST,
          }),
        );
      }
      const [r1, r2] = replicas;
      const cookie = await signIn(r2!.url);
      const state = tempDir('muster-wire-down-agent-');
      dirs.push(state);
      agent = spawnAgent([
        '--state-dir',
        state.path,
        '--url',
        r1!.url,
        '--token',
        claimTokenOf(replicas),
        '--allow-shell-jobs',
      ]);
      await waitFor(
        () => existsSync(join(state.path, 'cloud.d', 'claimed_id')),
        'the agent to claim',
        30_000,
      );
      const nodeId = agentNodeId(state.path);
      await waitFor(
        async () =>
          (await call<{ status: string }>(r2!.url, cookie, 'GET', `/api/nodes/${nodeId}`)).body.status ===
          'online',
        'the node online',
        30_000,
      );
      // A first job through r2 while NATS is up: the link's frames are handled in order, so once it has ended the
      // agent's first report (which starts whatever is queued) is behind us, and cannot start the next job instead.
      const first = await call<{ id: string }>(r2!.url, cookie, 'POST', `/api/hosts/${nodeId}/jobs`, {
        type: 'shell',
        params: { command: 'echo before' },
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      await waitFor(
        async () =>
          (await call<{ state: string }>(r2!.url, cookie, 'GET', `/api/jobs/${first.body.id}`)).body.state ===
          'succeeded',
        'a first job through the replica without the link',
        30_000,
      );

      nats!.kill('SIGTERM');
      await new Promise((r) => nats!.once('exit', r));
      const job = await call<{ id: string; state: string }>(
        r2!.url,
        cookie,
        'POST',
        `/api/hosts/${nodeId}/jobs`,
        {
          type: 'shell',
          params: { command: 'echo ran-after-nats-returned' },
        },
      );
      assert.equal(job.status, 201, JSON.stringify(job.body));
      await new Promise((r) => setTimeout(r, 3000));
      const waiting = await call<{ state: string }>(r2!.url, cookie, 'GET', `/api/jobs/${job.body.id}`);
      assert.equal(waiting.body.state, 'queued', 'it waits while the wire is down');

      await startNats();
      const ended = await waitFor(
        async () => {
          const j = (
            await call<{ state: string; log: string }>(r2!.url, cookie, 'GET', `/api/jobs/${job.body.id}`)
          ).body;
          return j.state === 'succeeded' ? j : null;
        },
        'the job to run once NATS is back',
        30_000,
      );
      assert.match(ended.log, /ran-after-nats-returned/);
    });
  },
);
