// Three replicas on PostgreSQL + NATS behind nginx against one server on PostgreSQL, in the same run, with the
// same simulated agents (bench/fleet-clients.ts, spread over processes): links per replica, the time for every
// agent to be back after a replica is killed (a restart for the single server), and the round trip of a request
// that lands on a replica that does not hold the node's link. Run: npm run bench:cluster -- --agents 3000
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  call as api,
  claimTokenOf,
  newMasterKey,
  scratchDatabase,
  signIn,
  startBalancer,
  startReplica,
  type Replica,
} from '../test/cluster-helpers.ts';
import { freePort, tempDir } from '../test/helpers.ts';
import type { Command, MusterAgent, Report } from './fleet-clients.ts';
import { call } from './http-call.ts';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    'per-process': { type: 'string', default: '1000' },
    requests: { type: 'string', default: '2000' },
    pg: {
      type: 'string',
      default: process.env.MUSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    nats: { type: 'string', default: process.env.MUSTER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222' },
  },
});
const AGENTS = Number(args.agents);
const PER_PROCESS = Number(args['per-process']);
const REQUESTS = Number(args.requests);
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(figure)}\n`);

const keys = Array.from({ length: 8 }, () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
});

/** Claim `count` simulated machines through `url`, 20 at a time. */
async function claimAll(url: string, token: string, count: number): Promise<MusterAgent[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const out: MusterAgent[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < count) {
        const i = next++;
        const id = randomUUID();
        const key = keys[i % keys.length]!;
        const r = await call(agent, `${url}/api/v1/spaces/nodes/${id}`, 'PUT', {
          node: { id, hostname: `bench-${id.slice(0, 8)}` },
          token,
          publicKey: key.publicPem,
        });
        if (r.status !== 204 && r.status !== 200) throw new Error(`claim: ${r.status} ${r.text}`);
        out.push({ id, key: key.privatePem });
      }
    }),
  );
  agent.destroy();
  return out;
}

interface Clients {
  linked(): number;
  failed(): number;
}
function links(url: string, agents: MusterAgent[]): Clients {
  const state: { linked: number; failed: number }[] = [];
  for (let i = 0; i < agents.length; i += PER_PROCESS) {
    const s = { linked: 0, failed: 0 };
    state.push(s);
    const p = fork(fileURLToPath(new URL('./fleet-clients.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(p);
    p.on('message', (r: Report) => Object.assign(s, r));
    p.send({
      cmd: 'muster',
      url,
      ca: null,
      agents: agents.slice(i, i + PER_PROCESS),
      concurrency: 50,
    } satisfies Command);
  }
  return {
    linked: () => state.reduce((n, s) => n + s.linked, 0),
    failed: () => state.reduce((n, s) => n + s.failed, 0),
  };
}
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutS: number,
): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutS * 1000) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
  return (performance.now() - t0) / 1000;
}

/** p50 and p99 (ms) of `count` calls of `fn`, 10 at a time. */
async function latencies(count: number, fn: (i: number) => Promise<void>) {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await fn(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return {
    p50_ms: round(times[Math.floor(times.length * 0.5)]!, 2),
    p99_ms: round(times[Math.floor(times.length * 0.99)]!, 2),
  };
}

/** GET a node's facts with the session cookie; the simulated agent answers any request. */
function facts(agent: http.Agent, url: string, cookie: string, id: string) {
  return call(agent, `${url}/api/nodes/${id}/facts`, 'GET', undefined, { cookie }).then((r) => {
    if (r.status !== 200) throw new Error(`facts: ${r.status} ${r.text}`);
  });
}

try {
  // ---- a single server on PostgreSQL ----
  const singleDb = await scratchDatabase(args.pg);
  cleanups.push(() => singleDb.drop());
  const singleDir = tempDir('muster-bench-single-');
  cleanups.push(() => singleDir.remove());
  const masterKey = newMasterKey();
  const singlePort = await freePort();
  const startSingle = () =>
    startReplica({
      name: 'single',
      db: singleDb.url,
      nats: null,
      masterKey,
      publicUrl: `http://127.0.0.1:${singlePort}`,
      dataDir: singleDir.path,
      port: singlePort,
    });
  let single = await startSingle();
  children.push(single.child);
  const singleUrl = `http://127.0.0.1:${singlePort}`;
  const singleAgents = await claimAll(singleUrl, claimTokenOf([single]), AGENTS);
  const singleLinks = links(singleUrl, singleAgents);
  const singleUp = await until('single: every agent linked', () => singleLinks.linked() === AGENTS, 600);
  print({ figure: 'single server: every agent linked', agents: AGENTS, seconds: round(singleUp, 2) });
  const singleCookie = await signIn(singleUrl);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const singleRtt = await latencies(REQUESTS, (i) =>
    facts(httpAgent, singleUrl, singleCookie, singleAgents[i % AGENTS]!.id),
  );
  print({ figure: 'single server: request round trip (facts)', requests: REQUESTS, ...singleRtt });
  await single.signal('SIGKILL');
  const restartAt = performance.now();
  single = await startSingle();
  children.push(single.child);
  await until('single: every agent back', () => singleLinks.linked() === AGENTS, 600);
  const singleBack = (performance.now() - restartAt) / 1000;
  print({
    figure: 'single server: every agent back after kill -9 and restart',
    seconds: round(singleBack, 2),
  });
  await single.signal('SIGKILL');
  for (const c of children) if (c.exitCode === null && c !== single.child) c.kill('SIGKILL');
  await sleep(1000);

  // ---- three replicas behind nginx ----
  const db = await scratchDatabase(args.pg);
  cleanups.push(() => db.drop());
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const replicas: Replica[] = [];
  for (const name of ['r1', 'r2', 'r3']) {
    const dir = tempDir('muster-bench-replica-');
    cleanups.push(() => dir.remove());
    const r = await startReplica({
      name,
      db: db.url,
      nats: args.nats,
      masterKey,
      publicUrl,
      dataDir: dir.path,
    });
    children.push(r.child);
    replicas.push(r);
  }
  const balancer = await startBalancer(
    replicas.map((r) => r.port),
    port,
    AGENTS * 3,
  );
  cleanups.push(() => balancer.stop());
  const agents = await claimAll(publicUrl, claimTokenOf(replicas), AGENTS);
  const clusterLinks = links(publicUrl, agents);
  const up = await until('cluster: every agent linked', () => clusterLinks.linked() === AGENTS, 600);
  print({ figure: 'cluster: every agent linked through nginx', agents: AGENTS, seconds: round(up, 2) });
  const cookie = await signIn(publicUrl);
  type View = { self: string; replicas: { id: string; name: string; links: number }[] };
  const view = async () => (await api<View>(publicUrl, cookie, 'GET', '/api/cluster')).body;
  await until(
    'the replicas to report every link',
    async () => (await view()).replicas.reduce((n, r) => n + r.links, 0) === AGENTS,
    60,
  );
  print({
    figure: 'cluster: links per replica',
    ...Object.fromEntries((await view()).replicas.map((r) => [r.name, r.links])),
  });

  // Which replica holds which node; requests go to another one.
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  cleanups.push(() => sql.end());
  const idOf = new Map<string, Replica>();
  for (const r of replicas) idOf.set((await api<View>(r.url, cookie, 'GET', '/api/cluster')).body.self, r);
  const holder = new Map(
    (await sql.query<{ id: string; link_replica: string }>('select id, link_replica from nodes')).rows.map(
      (r) => [r.id, r.link_replica],
    ),
  );
  const direct = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const elsewhere = await latencies(REQUESTS, (i) => {
    const id = agents[i % AGENTS]!.id;
    const other = replicas.find((r) => idOf.get(holder.get(id)!) !== r)!;
    return facts(direct, other.url, cookie, id);
  });
  print({
    figure: 'cluster: request round trip (facts) at a replica that does not hold the link',
    requests: REQUESTS,
    ...elsewhere,
    ratio_p50_to_single: round(elsewhere.p50_ms / singleRtt.p50_ms, 2),
  });
  const local = await latencies(REQUESTS, (i) => {
    const id = agents[i % AGENTS]!.id;
    return facts(direct, idOf.get(holder.get(id)!)!.url, cookie, id);
  });
  print({
    figure: 'cluster: request round trip (facts) at the replica holding the link',
    requests: REQUESTS,
    ...local,
  });

  // Kill the replica holding the most links; time until every agent is linked again, and until the database
  // shows every node online on a live replica.
  const counts = (await view()).replicas;
  const doomedId = [...counts].sort((a, b) => b.links - a.links)[0]!.id;
  const doomed = idOf.get(doomedId)!;
  const held = counts.find((r) => r.id === doomedId)!.links;
  const killedAt = performance.now();
  await doomed.signal('SIGKILL');
  await until('agents to notice', () => clusterLinks.linked() < AGENTS, 30);
  await until('cluster: every agent back', () => clusterLinks.linked() === AGENTS, 600);
  const back = (performance.now() - killedAt) / 1000;
  await until(
    'every node online on a live replica',
    async () =>
      (
        await sql.query<{ n: number }>(
          "select count(*)::int as n from nodes where status = 'online' and link_replica <> $1",
          [doomedId],
        )
      ).rows[0]!.n === AGENTS,
    120,
  );
  const settled = (performance.now() - killedAt) / 1000;
  print({
    figure: 'cluster: every agent back after kill -9 of one replica',
    replica_links: held,
    agents_back_seconds: round(back, 2),
    database_settled_seconds: round(settled, 2),
    ratio_to_single_restart: round(back / singleBack, 2),
    failed_attempts: clusterLinks.failed(),
  });
  await until(
    'the dead replica declared lost and the others reporting every link',
    async () => {
      const v = await view();
      return v.replicas.length === 2 && v.replicas.reduce((n, r) => n + r.links, 0) === AGENTS;
    },
    120,
  );
  print({
    figure: 'cluster: links per replica once the dead one is declared lost',
    seconds_after_kill: round((performance.now() - killedAt) / 1000, 2),
    ...Object.fromEntries((await view()).replicas.map((r) => [r.name, r.links])),
  });
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
}
process.exit(0);
