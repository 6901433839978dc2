import assert from 'node:assert/strict';
import { constants, privateDecrypt, randomBytes, sign } from 'node:crypto';
import { linkSignatureMessage } from '../src/protocol/claim-api.ts';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { WebSocket } from 'ws';
import { webhookReceiver } from './alert-receivers.ts';
import {
  agentKey,
  agentNodeId,
  call,
  claimTokenOf,
  newMasterKey,
  scratchDatabase,
  signIn,
  startBalancer,
  startReplica,
  type Replica,
} from './cluster-helpers.ts';
import { freePort, runAgent, SIM_FACTS, spawnAgent, tempDir, waitFor, type AgentProcess } from './helpers.ts';

const pgUrl = process.env.MUSTER_TEST_PG_URL;
const natsUrl = process.env.MUSTER_TEST_NATS_URL;
const skip =
  !pgUrl || !natsUrl ? 'needs MUSTER_TEST_PG_URL and MUSTER_TEST_NATS_URL (.ci/run sets both)' : false;

/** Short heartbeats and leases, so that failures show within seconds (the defaults are 12 s and 10 s). */
const FAST = ['--heartbeat-seconds', '2', '--replica-lease-seconds', '4'];
const AGENTS = 6;

interface NodeRow {
  id: string;
  status: string;
  reason: string;
  link_replica: string | null;
}
interface ClusterView {
  mode: string;
  self: string;
  replicas: { id: string; name: string; links: number; leader: boolean; work_at: number | null }[];
}

/**
 * Three replicas on one PostgreSQL database and NATS, behind the real nginx (round-robin, no sticky sessions), with
 * real agents: the cluster as docs/cluster.md describes it, and what happens when replicas die.
 */
describe('a cluster of three replicas behind nginx', { skip }, () => {
  const dirs: { remove(): void }[] = [];
  const agents: { dir: string; proc: AgentProcess }[] = [];
  let db: { url: string; drop(): Promise<void> };
  let sql: pg.Client;
  let replicas: Replica[] = [];
  let balancer: { url: string; stop(): void };
  let cookie: string;
  const masterKey = newMasterKey();
  /** Whether a replica that ran the periodic work was killed or frozen (the work must go on). */
  let killedLeader = false;
  const survivorUrl = (live: Map<string, Replica>) => [...live.values()][0]!.url;

  const nodes = async () =>
    // A node claimed and never connected (the spare identity of the link password test) is not one of the agents.
    (
      await sql.query<NodeRow>(
        "select id, status, reason, link_replica from nodes where status not in ('pending', 'removed') order by id",
      )
    ).rows;
  const replicaIdOf = async (r: Replica) =>
    (await call<ClusterView>(r.url, cookie, 'GET', '/api/cluster')).body.self;
  const byId = async () => {
    const out = new Map<string, Replica>();
    for (const r of replicas)
      if (r.child.exitCode === null && r.child.signalCode === null) out.set(await replicaIdOf(r), r);
    return out;
  };

  /** Claim an identity through the balancer without running its agent; its state dir. */
  const claimSpare = async () => {
    const spare = tempDir('muster-cluster-spare-');
    dirs.push(spare);
    const claimed = await runAgent([
      'claim',
      '--state-dir',
      spare.path,
      '--local-api',
      'off',
      '--url',
      balancer.url,
      '--token',
      claimTokenOf(replicas),
    ]);
    assert.equal(claimed.code, 0, claimed.stderr);
    return spare;
  };

  before(async () => {
    db = await scratchDatabase(pgUrl!);
    // The replicas start together: they take turns at migrating and setting up the first admin.
    const publicPort = { url: '' };
    const dataDirs = [1, 2, 3].map(() => tempDir('muster-replica-'));
    dirs.push(...dataDirs);
    // The balancer's address is the public URL; nginx starts after the replicas, on a port chosen now.
    const port = await freePort();
    publicPort.url = `http://127.0.0.1:${port}`;
    replicas = await Promise.all(
      dataDirs.map((d, i) =>
        startReplica({
          name: `r${i + 1}`,
          db: db.url,
          nats: natsUrl!,
          masterKey,
          publicUrl: publicPort.url,
          dataDir: d.path,
          extra: FAST,
        }),
      ),
    );
    balancer = await startBalancer(
      replicas.map((r) => r.port),
      port,
    );
    cookie = await signIn(balancer.url);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.proc.stop()));
    for (const r of replicas) {
      await r.signal('SIGCONT');
      await r.signal('SIGTERM');
    }
    balancer?.stop();
    await sql?.end();
    await db?.drop();
    for (const d of dirs) d.remove();
  });

  test('replicas share one admin, one space and one claim token; a replica with another master key is refused', async () => {
    const views = await Promise.all(
      replicas.map((r) => call<ClusterView>(r.url, cookie, 'GET', '/api/cluster')),
    );
    for (const v of views) {
      assert.equal(v.status, 200);
      assert.equal(v.body.mode, 'cluster');
      assert.equal(v.body.replicas.length, 3);
    }
    assert.equal(new Set(views.map((v) => v.body.self)).size, 3, 'each answers as itself');
    assert.equal((await sql.query<{ n: number }>('select count(*)::int as n from users')).rows[0]!.n, 1);
    // (a JSON log line: its quotes escaped)
    assert.match(replicas[0]!.output(), /Mode: cluster replica \\?"r1\\?"/);
    for (const r of replicas) {
      const ready = await (await fetch(`${r.url}/readyz`)).json();
      assert.deepEqual(ready, { status: 'ready', database: 'ok', nats: 'ok' });
    }
    const wrongKey = tempDir('muster-replica-');
    dirs.push(wrongKey);
    await assert.rejects(
      startReplica({
        name: 'intruder',
        db: db.url,
        nats: natsUrl!,
        masterKey: newMasterKey(),
        publicUrl: balancer.url,
        dataDir: wrongKey.path,
      }),
      /the master key does not match this database/,
    );
  });

  test('agents claim through the balancer and come online once each, spread over the replicas', async () => {
    const token = claimTokenOf(replicas);
    for (let i = 0; i < AGENTS; i++) {
      const dir = tempDir('muster-cluster-agent-');
      dirs.push(dir);
      const proc = spawnAgent([
        '--state-dir',
        dir.path,
        '--url',
        balancer.url,
        '--token',
        token,
        '--allow-shell-jobs',
      ]);
      agents.push({ dir: dir.path, proc });
    }
    const rows = await waitFor(
      async () => {
        const r = await nodes();
        return r.length === AGENTS && r.every((n) => n.status === 'online') ? r : null;
      },
      'every agent online',
      60_000,
    );
    const live = await byId();
    for (const n of rows) assert.ok(live.has(n.link_replica!), 'held by a live replica');
    const open = await sql.query<{ node_id: string; n: number }>(
      'select node_id, count(*)::int as n from link_sessions where closed_at is null group by node_id',
    );
    assert.equal(open.rows.length, AGENTS);
    assert.ok(
      open.rows.every((r) => r.n === 1),
      'one open link per node',
    );
    // Each replica reports its link count with its lease, a fifth of the lease apart.
    await waitFor(
      async () =>
        (await call<ClusterView>(balancer.url, cookie, 'GET', '/api/cluster')).body.replicas.reduce(
          (sum, r) => sum + r.links,
          0,
        ) === AGENTS,
      'the replicas to report every link once',
    );
  });

  test('an agent killed alerts once for the whole cluster: one notification, and one resolution', async () => {
    const hook = await webhookReceiver();
    try {
      const channel = await call<{ id: string }>(balancer.url, cookie, 'POST', '/api/notification-channels', {
        name: 'cluster hook',
        type: 'webhook',
        config: { url: hook.url },
      });
      assert.equal(channel.status, 201);
      const rules = await call<{ id: string; kind: string }[]>(
        balancer.url,
        cookie,
        'GET',
        '/api/alert-rules',
      );
      const offline = rules.body.find((r) => r.kind === 'node_offline')!;
      const set = (body: unknown) =>
        call(balancer.url, cookie, 'PATCH', `/api/alert-rules/${offline.id}`, body);
      assert.equal((await set({ for_seconds: 2, channel_ids: [channel.body.id] })).status, 200);
      // Rules are re-read by every replica within ten seconds.
      await new Promise((r) => setTimeout(r, 10_500));
      const victim = agents[0]!;
      await victim.proc.stop('SIGKILL');
      await waitFor(
        () => hook.accepted().find((b) => b.state === 'firing'),
        'the firing notification',
        20_000,
      );
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal(
        hook.accepted().filter((b) => b.state === 'firing').length,
        1,
        'sent once, not once per replica',
      );
      victim.proc = spawnAgent(['--state-dir', victim.dir, '--allow-shell-jobs']);
      await waitFor(() => hook.accepted().find((b) => b.state === 'resolved'), 'the resolution', 30_000);
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(hook.accepted().length, 2);
      assert.equal((await set({ channel_ids: [], for_seconds: 300 })).status, 200);
      await waitFor(
        async () => (await nodes()).filter((n) => n.status === 'online').length === AGENTS,
        'every agent online again',
        30_000,
      );
    } finally {
      await hook.close();
    }
  });

  test('live data, jobs and their streamed log through a replica that does not hold the link', async () => {
    const live = await byId();
    const n = (await nodes())[0]!;
    const other = [...live.entries()].find(([id]) => id !== n.link_replica)![1];
    const facts = await call<{ hostname: string }>(other.url, cookie, 'GET', `/api/nodes/${n.id}/facts`);
    assert.equal(facts.status, 200, JSON.stringify(facts.body));
    assert.ok(facts.body.hostname);
    const metrics = await call(other.url, cookie, 'GET', `/api/nodes/${n.id}/metrics`);
    assert.equal(metrics.status, 200);

    const job = await call<{ id: string }>(other.url, cookie, 'POST', `/api/hosts/${n.id}/jobs`, {
      type: 'shell',
      params: { command: 'echo one; sleep 1; echo two' },
    });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    // The log as it streams, from yet another replica than the one the job was asked at.
    const third = [...live.values()].find((r) => r !== other)!;
    const stream = await fetch(`${third.url}/api/jobs/${job.body.id}/stream`, { headers: { cookie } });
    const text = await stream.text();
    assert.match(text, /one/);
    assert.match(text, /two/);
    assert.match(text, /"state":"succeeded"/);
  });

  test('a node without a link is 503 at once anywhere; a challenge answered at another replica gets a link password that is single-use across the cluster', async () => {
    // An identity of its own, claimed and never run: taking its link over disturbs no agent.
    const spare = await claimSpare();
    const row = { id: agentNodeId(spare.path) };
    // No replica holds its link: live data is 503 at once from any of them.
    for (const r of replicas) {
      const startedAt = Date.now();
      const res = await call(r.url, cookie, 'GET', `/api/nodes/${row.id}/facts`);
      assert.equal(res.status, 503);
      assert.ok(Date.now() - startedAt < 1000, 'at once');
    }
    const [r1, r2, r3] = replicas;
    const challenge = (await (await fetch(`${r1!.url}/api/v1/auth/node/${row.id}/challenge`)).json()) as {
      challenge: string;
    };
    const nonce = privateDecrypt(
      { key: agentKey(spare.path), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(challenge.challenge, 'base64'),
    );
    const answer = JSON.stringify({ agent_version: 'test', response: nonce.toString('base64') });
    const post = (url: string) =>
      fetch(`${url}/api/v1/auth/node/${row.id}/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: answer,
      });
    const issued = await post(r2!.url);
    assert.equal(issued.status, 201, 'a challenge from r1 is answered at r2');
    const { password } = (await issued.json()) as { password: string };
    assert.equal((await post(r3!.url)).status, 403, 'the same answer at r3 is refused');

    const basic = `Basic ${Buffer.from(`${row.id}:${password}`).toString('base64')}`;
    const upgrade = (url: string, authorization = basic) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/link`, {
          headers: { authorization },
        });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => undefined);
      });
    assert.equal(await upgrade(r3!.url), 101, 'the password opens a link at r3');
    assert.equal(await upgrade(r1!.url), 401, 'and is refused at r1 afterwards');

    // The node's signature on the upgrade: taken at any replica, once in the whole cluster.
    const at = Date.now();
    const random = randomBytes(18).toString('base64url');
    const signature = sign(
      'sha256',
      Buffer.from(linkSignatureMessage(row.id, at, random)),
      agentKey(spare.path),
    );
    const signed = `Signature ${Buffer.from(`${row.id}:${at}.${random}.${signature.toString('base64url')}`).toString('base64')}`;
    assert.equal(await upgrade(r2!.url, signed), 101, 'a signature opens a link at r2');
    assert.equal(await upgrade(r1!.url, signed), 401, 'and is refused at r1 afterwards');
    assert.equal(await upgrade(r3!.url, signed), 401, 'and at r3');
  });

  test('take-over and duplicate detection cross replicas: a newer link at another replica replaces the older one; the third take-over in a minute is refused', async () => {
    const spare = await claimSpare();
    const id = agentNodeId(spare.path);
    const key = agentKey(spare.path);
    /** Authenticate at `url` and open a link there; the first frame (or "closed") and the close code. */
    const open = async (url: string) => {
      const { challenge } = (await (await fetch(`${url}/api/v1/auth/node/${id}/challenge`)).json()) as {
        challenge: string;
      };
      const nonce = privateDecrypt(
        { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        Buffer.from(challenge, 'base64'),
      );
      const issued = (await (
        await fetch(`${url}/api/v1/auth/node/${id}/password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ agent_version: 'test', response: nonce.toString('base64') }),
        })
      ).json()) as { password: string };
      const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/link`, {
        headers: { authorization: `Basic ${Buffer.from(`${id}:${issued.password}`).toString('base64')}` },
      });
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      // Listening before the upgrade completes: a refusal can arrive with the upgrade's answer, and ws hands it
      // out as soon as the socket opens, before code awaiting 'open' runs.
      const first = new Promise<{ t: string; reason?: string }>((r) =>
        ws.once('message', (d) => r(JSON.parse((d as Buffer).toString()) as { t: string })),
      );
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      ws.send(JSON.stringify({ t: 'hello', protocol: 1, agent_version: 'test', facts: SIM_FACTS }));
      return {
        ws,
        closed,
        first: await Promise.race([first, closed.then(() => ({ t: 'closed', reason: '' }))]),
      };
    };
    const [r1, r2, r3] = replicas;
    const a = await open(r1!.url);
    assert.equal(a.first.t, 'welcome');
    const b = await open(r2!.url);
    assert.equal(b.first.t, 'welcome');
    assert.equal(await a.closed, 4001, 'the link at r1 is replaced by the one at r2');
    const c = await open(r3!.url);
    assert.equal(await b.closed, 4001, 'and that one by the link at r3');
    const d = await open(r1!.url);
    assert.equal(d.first.t, 'disconnect', 'the third take-over in a minute is refused');
    assert.match(String(d.first.reason), /duplicate identity suspected/);
    assert.equal(await d.closed, 4003);
    await waitFor(
      async () =>
        (await sql.query<{ d: number }>('select duplicate_suspected as d from nodes where id = $1', [id]))
          .rows[0]?.d === 1,
      'the node flagged as a suspected duplicate',
    );
    assert.equal(c.ws.readyState, WebSocket.OPEN, 'the holder keeps its link');
    c.ws.close();
    await waitFor(
      async () =>
        (await sql.query<{ status: string }>('select status from nodes where id = $1', [id])).rows[0]
          ?.status === 'offline',
      'the node offline once its last link closed',
    );
    // Out of the agents' way for the tests that follow.
    assert.equal((await call(balancer.url, cookie, 'DELETE', `/api/nodes/${id}`)).status, 204);
  });

  test('kill -9 of the replica running the periodic work: its agents move to the others, no duplicates, the running job ends with a result, the work goes on', async () => {
    const live = await byId();
    const view = (await call<ClusterView>(balancer.url, cookie, 'GET', '/api/cluster')).body;
    // The replica running the periodic work, when it holds links; otherwise the one holding the most. Counted from
    // the nodes' own link_replica (what the assertions below read), not the replicas' link counts, which may still
    // count the previous test's last link while it closes.
    const leaderOf = view.replicas.find((r) => r.leader)!.id;
    const linked = await waitFor(async () => {
      const all = await nodes();
      return all.some((n) => n.status === 'online' && n.link_replica) ? all : null;
    }, 'agents linked to the replicas');
    const heldBy = (id: string) =>
      linked.filter((n) => n.status === 'online' && n.link_replica === id).length;
    const leaderId =
      heldBy(leaderOf) > 0 ? leaderOf : [...view.replicas].sort((a, b) => heldBy(b.id) - heldBy(a.id))[0]!.id;
    killedLeader ||= leaderId === leaderOf;
    const leader = live.get(leaderId)!;
    let held = linked.filter((n) => n.status === 'online' && n.link_replica === leaderId);
    assert.ok(held.length > 0, 'the doomed replica holds links');
    const before = (await nodes()).length;

    const victim = held[0]!;
    const job = await call<{ id: string }>(balancer.url, cookie, 'POST', `/api/hosts/${victim.id}/jobs`, {
      type: 'shell',
      params: { command: 'sleep 3; echo survived' },
    });
    assert.equal(job.status, 201);
    await waitFor(
      async () =>
        (await call<{ state: string }>(balancer.url, cookie, 'GET', `/api/jobs/${job.body.id}`)).body
          .state === 'running',
      'the job to run',
    );
    held = (await nodes()).filter((n) => n.link_replica === leaderId);
    await leader.signal('SIGKILL');

    const rows = await waitFor(
      async () => {
        const r = await nodes();
        return r.every((n) => n.status === 'online' && n.link_replica !== leaderId) ? r : null;
      },
      "the killed replica's nodes online through the others",
      60_000,
    );
    assert.equal(rows.length, before, 'no duplicate nodes');
    const ended = await waitFor(
      async () => {
        const j = (
          await call<{ state: string; log: string; error: string | null }>(
            balancer.url,
            cookie,
            'GET',
            `/api/jobs/${job.body.id}`,
          )
        ).body;
        return ['succeeded', 'failed', 'lost', 'cancelled'].includes(j.state) ? j : null;
      },
      'the job to end',
      60_000,
    );
    assert.ok(
      ended.state === 'succeeded'
        ? /survived/.test(ended.log)
        : ended.state === 'lost' && Boolean(ended.error),
      `the job ended ${ended.state}: ${ended.error ?? ''}`,
    );
    // Another replica took the periodic work over: it declared the dead one lost and closed its link sessions.
    const after = await waitFor(
      async () => {
        const v = (await call<ClusterView>(balancer.url, cookie, 'GET', '/api/cluster')).body;
        return v.replicas.length === 2 && v.replicas.some((r) => r.leader) ? v : null;
      },
      'a new leader and the dead replica gone from the list',
      30_000,
    );
    assert.ok(!after.replicas.some((r) => r.id === leaderId));
    const stale = await sql.query<{ close_reason: string }>(
      'select close_reason from link_sessions where replica_id = $1',
      [leaderId],
    );
    assert.ok(stale.rows.length >= held.length);
    assert.ok(
      stale.rows.every((r) => r.close_reason !== null),
      'no session of the dead replica left open',
    );
  });

  test('a frozen replica: its nodes go offline with "server replica lost" when its lease runs out, then come back through the others', async () => {
    const live = await byId();
    const counts = new Map<string, number>();
    for (const n of await nodes()) counts.set(n.link_replica!, (counts.get(n.link_replica!) ?? 0) + 1);
    const view = (await call<ClusterView>(survivorUrl(live), cookie, 'GET', '/api/cluster')).body;
    const leaderOf = view.replicas.find((r) => r.leader)?.id;
    // The leader when the first kill spared it (it must die once), else the replica holding the most links.
    const frozenId =
      !killedLeader && leaderOf && counts.has(leaderOf)
        ? leaderOf
        : [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    killedLeader ||= frozenId === leaderOf;
    const frozen = live.get(frozenId)!;
    const survivor = [...live.values()].find((r) => r !== frozen)!;
    const events = await fetch(`${survivor.url}/api/events`, { headers: { cookie } });
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += Buffer.from(value).toString();
      }
    })();

    const stoppedAt = Date.now();
    await frozen.signal('SIGSTOP');
    const lost = await waitFor(
      async () => {
        const r = (await nodes()).filter(
          (n) => n.status === 'offline' && /server replica lost/.test(n.reason),
        );
        return r.length > 0 ? r : null;
      },
      'nodes of the frozen replica offline',
      30_000,
    );
    const tookMs = Date.now() - stoppedAt;
    assert.ok(tookMs < 4000 + 6000, `offline after ${tookMs} ms with a 4 s lease`);
    await waitFor(() => /server replica lost/.test(seen), 'the event on another replica', 10_000);
    // Its process dies for good; the agents' connections break and they reconnect to the survivor.
    await frozen.signal('SIGKILL');
    await waitFor(
      async () => (await nodes()).every((n) => n.status === 'online' && n.link_replica !== frozenId),
      'every node back online',
      60_000,
    );
    assert.equal((await nodes()).length, AGENTS, 'no duplicate nodes');
    assert.ok(lost.length > 0);
    assert.ok(killedLeader, 'the replica running the periodic work died in one of the two tests');
    await reader.cancel();
    await reading.catch(() => undefined);
  });
});
