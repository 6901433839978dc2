import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import {
  agentNodeId,
  call,
  claimTokenOf,
  newMasterKey,
  privatePostgresMissing,
  scratchDatabase,
  signIn,
  startPrivatePostgres,
  startReplica,
  type PrivatePostgres,
  type Replica,
} from './cluster-helpers.ts';
import { freePort, spawnAgent, tempDir, waitFor, type AgentProcess } from './helpers.ts';

const pgUrl = process.env.MUSTER_TEST_PG_URL;
const natsUrl = process.env.MUSTER_TEST_NATS_URL;
const FAST = ['--heartbeat-seconds', '2', '--replica-lease-seconds', '4'];

interface Node {
  status: string;
  reason: string;
}

/** A server (single or replica) with one agent linked to it, on the database at `db`. */
async function serverWithAgent(
  dirs: { remove(): void }[],
  opts: { name: string; db: string; nats: string | null; agents?: number; masterKey?: string; port?: number },
) {
  const port = opts.port ?? (await freePort());
  const data = tempDir('muster-db-fault-');
  dirs.push(data);
  const server = await startReplica({
    name: opts.name,
    db: opts.db,
    nats: opts.nats,
    masterKey: opts.masterKey ?? newMasterKey(),
    publicUrl: `http://127.0.0.1:${port}`,
    dataDir: data.path,
    port,
    extra: FAST,
  });
  const cookie = await signIn(server.url);
  const agents: { proc: AgentProcess; id: string }[] = [];
  for (let i = 0; i < (opts.agents ?? 1); i++) {
    const dir = tempDir('muster-db-fault-agent-');
    dirs.push(dir);
    const proc = spawnAgent([
      '--state-dir',
      dir.path,
      '--url',
      server.url,
      '--token',
      claimTokenOf([server]),
      '--allow-shell-jobs',
    ]);
    await waitFor(() => existsSync(join(dir.path, 'cloud.d', 'claimed_id')), 'the agent to claim', 30_000);
    agents.push({ proc, id: agentNodeId(dir.path) });
  }
  const node = async (id: string) => (await call<Node>(server.url, cookie, 'GET', `/api/nodes/${id}`)).body;
  for (const a of agents)
    await waitFor(async () => (await node(a.id)).status === 'online', 'the agent online', 30_000);
  return { server, cookie, agents, node };
}

/** The open link sessions of a node, straight from the database. */
async function openSessions(db: string, nodeId: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    return (
      await c.query<{ id: string }>('select id from link_sessions where node_id = $1 and closed_at is null', [
        nodeId,
      ])
    ).rows.map((r) => r.id);
  } finally {
    await c.end();
  }
}

const alive = (r: Replica) => r.child.exitCode === null && r.child.signalCode === null;

/**
 * The database goes away under a running server: its connections are terminated, or PostgreSQL restarts. The server
 * stays up, says what is wrong, keeps its links, and recovers by itself with nothing acknowledged lost.
 */
describe('trust: a server that survives its database', () => {
  const dirs: { remove(): void }[] = [];
  const servers: Replica[] = [];
  const agents: AgentProcess[] = [];
  const cleanup: (() => Promise<void> | void)[] = [];

  after(async () => {
    for (const a of agents) await a.stop();
    for (const s of servers) await s.signal('SIGTERM');
    for (const c of cleanup) await c();
    for (const d of dirs) d.remove();
  });

  test(
    'fault: every PostgreSQL backend of a running server (single, and a cluster replica) is terminated, three times → both stay up, keep their links and serve again',
    { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' },
    async () => {
      const runs: { db: string; s: Awaited<ReturnType<typeof serverWithAgent>> }[] = [];
      for (const nats of natsUrl ? [null, natsUrl] : [null]) {
        const db = await scratchDatabase(pgUrl!);
        cleanup.push(() => db.drop());
        const s = await serverWithAgent(dirs, { name: nats ? 'replica' : 'single', db: db.url, nats });
        servers.push(s.server);
        agents.push(...s.agents.map((a) => a.proc));
        runs.push({ db: db.url, s });
      }
      const before = await Promise.all(runs.map((r) => openSessions(r.db, r.s.agents[0]!.id)));
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      try {
        for (let i = 0; i < 3; i++) {
          for (const r of runs) {
            const name = new URL(r.db).pathname.slice(1);
            const killed = await admin.query(
              'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
              [name],
            );
            assert.ok(killed.rowCount! > 0, 'the server had connections to terminate');
          }
          await new Promise((r) => setTimeout(r, 300));
          // Each server connects again for the next round.
          for (const r of runs)
            await waitFor(
              async () => (await fetch(`${r.s.server.url}/readyz`)).ok,
              'ready between rounds',
            ).catch((err: unknown) => {
              // What the server said is the cause.
              throw new Error(`${(err as Error).message}\n${r.s.server.output().slice(-4000)}`);
            });
        }
      } finally {
        await admin.end();
      }
      for (const [i, r] of runs.entries()) {
        const {
          server,
          cookie,
          agents: [a],
        } = r.s;
        assert.ok(alive(server), `${server.name} is still running:\n${server.output()}`);
        await waitFor(async () => (await fetch(`${server.url}/readyz`)).ok, `${server.name} ready again`);
        assert.equal((await call(server.url, cookie, 'GET', '/api/nodes')).status, 200);
        assert.equal((await r.s.node(a!.id)).status, 'online');
        assert.deepEqual(
          await openSessions(r.db, a!.id),
          before[i],
          `${server.name}: the same link, never dropped\n${server.output().slice(-3000)}\n${a!.proc.output().slice(-2000)}`,
        );
        assert.match(server.output(), /a PostgreSQL connection was lost \(57P01/);
      }
    },
  );

  test(
    'fault: PostgreSQL itself stops for longer than a replica lease, then starts again → 503 with the cause meanwhile, links stay up, a job that ended and an agent that left during the outage are recorded',
    { skip: privatePostgresMissing() || (natsUrl ? false : 'needs MUSTER_TEST_NATS_URL') },
    async () => {
      const postgres: PrivatePostgres = await startPrivatePostgres();
      cleanup.push(() => postgres.remove());
      const masterKey = newMasterKey();
      const port = await freePort();
      const first = await serverWithAgent(dirs, {
        name: 'pg1',
        db: postgres.url,
        nats: natsUrl!,
        agents: 2,
        masterKey,
        port,
      });
      const data = tempDir('muster-db-fault-');
      dirs.push(data);
      const second = await startReplica({
        name: 'pg2',
        db: postgres.url,
        nats: natsUrl!,
        masterKey,
        publicUrl: first.server.url,
        dataDir: data.path,
        extra: FAST,
      });
      servers.push(first.server, second);
      agents.push(...first.agents.map((a) => a.proc));
      const { server, cookie, node } = first;
      const [stays, leaves] = first.agents;
      const sessions = await openSessions(postgres.url, stays!.id);
      const job = await call<{ id: string }>(server.url, cookie, 'POST', `/api/hosts/${stays!.id}/jobs`, {
        type: 'shell',
        params: { command: 'sleep 3; echo finished-during-the-outage' },
      });
      assert.equal(job.status, 201);
      await waitFor(
        async () =>
          (await call<{ state: string }>(server.url, cookie, 'GET', `/api/jobs/${job.body.id}`)).body
            .state === 'running',
        'the job to run',
      );

      postgres.stop();
      const down = Date.now();
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(((await ready.json()) as { message: string }).message, /the database does not answer \(/);
      const started = Date.now();
      const list = await call<{ code: string; message: string }>(server.url, cookie, 'GET', '/api/nodes');
      assert.equal(list.status, 503, JSON.stringify(list.body));
      assert.match(list.body.message, /the database is unreachable/);
      assert.ok(Date.now() - started < 7000, 'an answer, not a hang');
      await leaves!.proc.stop();
      // Down for longer than a replica lease (4 s here), so that no replica could renew its own.
      await new Promise((r) => setTimeout(r, Math.max(0, 9000 - (Date.now() - down))));
      assert.ok(alive(server) && alive(second), 'both replicas are still running');
      postgres.start();

      await waitFor(async () => (await fetch(`${server.url}/readyz`)).ok, 'ready again', 20_000);
      await waitFor(
        async () => (await fetch(`${second.url}/readyz`)).ok,
        'the other replica ready again',
        20_000,
      );
      await waitFor(
        async () => (await node(leaves!.id)).status === 'offline',
        'the departed agent offline',
        20_000,
      );
      const ended = await waitFor(
        async () => {
          const j = (
            await call<{ state: string; log: string }>(server.url, cookie, 'GET', `/api/jobs/${job.body.id}`)
          ).body;
          return j.state === 'succeeded' ? j : null;
        },
        'the job that ended during the outage to be recorded',
        20_000,
      );
      assert.match(ended.log, /finished-during-the-outage/);
      // Wait past another lease: nobody may declare the replicas lost for the outage.
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal((await node(stays!.id)).status, 'online');
      assert.deepEqual(await openSessions(postgres.url, stays!.id), sessions, 'the same link throughout');
      const cluster = await call<{ replicas: unknown[] }>(server.url, cookie, 'GET', '/api/cluster');
      assert.equal(cluster.body.replicas.length, 2, 'both replicas still in the cluster');
      assert.doesNotMatch(server.output(), /lost its lease/);
    },
  );
});
