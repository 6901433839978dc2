// Three replicas on PostgreSQL + NATS behind nginx against one server on PostgreSQL, in the same run, with the
// same simulated agents (bench/fleet-clients.ts, spread over processes): links per replica, the time for every
// agent to be back after a replica is killed (a restart for the single server), and the round trip of a request
// that lands on a replica that does not hold the node's link. Run: npm run bench:cluster -- --agents 3000
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { usage } from './bench-kit.ts';
import { call } from './http-call.ts';

/** Resident memory of a process, MiB. */
const mib = (pid: number) => usage(pid).rssKiB / 1024;

/**
 * CPU seconds of every PostgreSQL process on the machine (its backends, and those that ended through the
 * postmaster's children's time): the database's share of a phase, as a difference.
 */
function postgresCpu(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
/** CPU seconds of the replicas given. */
const replicasCpu = (rs: Replica[]) =>
  rs.reduce((sum, r) => {
    try {
      return sum + usage(r.child.pid!).cpu;
    } catch {
      return sum;
    }
  }, 0);

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    'per-process': { type: 'string', default: '1000' },
    requests: { type: 'string', default: '2000' },
    pg: {
      type: 'string',
      default: process.env.MUSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    /** A NATS server to use; by default the benchmark starts its own (with monitoring, to count subscriptions). */
    nats: { type: 'string', default: '' },
    /** Leave out the single server (a fleet too large for one process's files). */
    'skip-single': { type: 'boolean', default: false },
    /** The simulated agents take any answer but 101 to a signed upgrade as a refusal (the agent before it told a proxy's 502-504 apart). */
    'any-answer-refuses': { type: 'boolean', default: false },
    /** Another checkout's server (its dist/ built), for before/after in the same harness. */
    checkout: { type: 'string', default: '' },
  },
});
const AGENTS = Number(args.agents);
const CLI = args.checkout ? { cli: join(args.checkout, 'bin/muster.js') } : {};
/** Links one replica can hold here: a process may have about 20,000 files open. */
const REPLICA_LINKS_MAX = 18_000;
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
    const n = i / PER_PROCESS;
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
      // Each agent from an address of its own (see fleet-clients), each process's in a /16 of its own.
      sourceNet: 1 + (n % 254),
      ...(args['any-answer-refuses'] ? { anyAnswerRefuses: true } : {}),
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

/** A private nats-server with JetStream and its monitoring port (subscriptions are counted there). */
async function privateNats(): Promise<{ url: string; subscriptions(): Promise<number>; pid: number }> {
  const port = await freePort();
  const monitor = await freePort();
  const dir = tempDir('muster-bench-nats-');
  cleanups.push(() => dir.remove());
  const p = spawn(
    'nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-js', '-sd', dir.path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(p);
  let out = '';
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await until('a private nats-server', () => /Server is ready/.test(out), 30);
  return {
    url: `nats://127.0.0.1:${port}`,
    pid: p.pid!,
    async subscriptions() {
      const r = await fetch(`http://127.0.0.1:${monitor}/subsz`);
      return ((await r.json()) as { num_subscriptions: number }).num_subscriptions;
    },
  };
}

/** GET a node's facts with the session cookie; the simulated agent answers any request. */
function facts(agent: http.Agent, url: string, cookie: string, id: string) {
  return call(agent, `${url}/api/nodes/${id}/facts`, 'GET', undefined, { cookie }).then((r) => {
    if (r.status !== 200) throw new Error(`facts: ${r.status} ${r.text}`);
  });
}

/** The single server's figures, for the ratios (none when it was left out). */
async function singleServer(masterKey: string) {
  const singleDb = await scratchDatabase(args.pg);
  cleanups.push(() => singleDb.drop());
  const singleDir = tempDir('muster-bench-single-');
  cleanups.push(() => singleDir.remove());
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
      ...CLI,
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
  const rtt = await latencies(REQUESTS, (i) =>
    facts(httpAgent, singleUrl, singleCookie, singleAgents[i % AGENTS]!.id),
  );
  print({ figure: 'single server: request round trip (facts)', requests: REQUESTS, ...rtt });
  await single.signal('SIGKILL');
  const restartAt = performance.now();
  single = await startSingle();
  children.push(single.child);
  await until('single: every agent back', () => singleLinks.linked() === AGENTS, 600);
  const back = (performance.now() - restartAt) / 1000;
  print({ figure: 'single server: every agent back after kill -9 and restart', seconds: round(back, 2) });
  await single.signal('SIGKILL');
  for (const c of children) if (c.exitCode === null && c !== single.child) c.kill('SIGKILL');
  await sleep(1000);
  return { rtt, back };
}

try {
  const masterKey = newMasterKey();
  const single = args['skip-single'] ? null : await singleServer(masterKey);

  // ---- three replicas behind nginx ----
  const nats = args.nats ? null : await privateNats();
  const natsUrl = args.nats || nats!.url;
  const db = await scratchDatabase(args.pg);
  cleanups.push(() => db.drop());
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const dirs = ['r1', 'r2', 'r3'].map((name) => {
    const dir = tempDir('muster-bench-replica-');
    cleanups.push(() => dir.remove());
    return { name, dir: dir.path };
  });
  const replicas: Replica[] = [];
  const start = (d: { name: string; dir: string }, replicaPort?: number) =>
    startReplica({
      name: d.name,
      db: db.url,
      nats: natsUrl,
      masterKey,
      publicUrl,
      dataDir: d.dir,
      // Started again under a fleet that keeps knocking, a replica may take a while to be ready.
      readyMs: 300_000,
      ...CLI,
      ...(replicaPort ? { port: replicaPort } : {}),
    }).then((r) => {
      children.push(r.child);
      return r;
    });
  for (const d of dirs) replicas.push(await start(d));
  const balancer = await startBalancer(
    replicas.map((r) => r.port),
    port,
    AGENTS * 3,
  );
  cleanups.push(() => balancer.stop());
  const subscriptionsBefore = nats ? await nats.subscriptions() : null;
  const memoryBefore = replicas.map((r) => mib(r.child.pid!));
  const claimedAt = performance.now();
  const agents = await claimAll(publicUrl, claimTokenOf(replicas), AGENTS);
  print({
    figure: 'cluster: claims through nginx',
    agents: AGENTS,
    per_second: Math.round(AGENTS / ((performance.now() - claimedAt) / 1000)),
  });
  const clusterLinks = links(publicUrl, agents);
  const up = await until('cluster: every agent linked', () => clusterLinks.linked() === AGENTS, 900);
  print({ figure: 'cluster: every agent linked through nginx', agents: AGENTS, seconds: round(up, 2) });
  const cookie = await signIn(publicUrl);
  type View = { self: string; replicas: { id: string; name: string; links: number }[] };
  const view = async () => (await api<View>(publicUrl, cookie, 'GET', '/api/cluster')).body;
  const reported = (n: number) => async () => {
    const v = await view();
    return v.replicas.length === n && v.replicas.reduce((k, r) => k + r.links, 0) === AGENTS;
  };
  await until('the replicas to report every link', reported(3), 120);
  const perReplica = (await view()).replicas;
  print({
    figure: 'cluster: links per replica',
    ...Object.fromEntries(perReplica.map((r) => [r.name, r.links])),
  });
  await sleep(5000);
  print({
    figure: 'cluster: memory per replica with every link up',
    ...Object.fromEntries(
      replicas.map((r, i) => [
        r.name,
        {
          rss_mib: round(mib(r.child.pid!)),
          kib_per_link: round(
            ((mib(r.child.pid!) - memoryBefore[i]!) * 1024) /
              (perReplica.find((x) => x.name === r.name)?.links ?? 1),
          ),
        },
      ]),
    ),
    ...(nats ? { nats_rss_mib: round(mib(nats.pid)) } : {}),
  });
  if (nats)
    print({
      figure: 'cluster: NATS subscriptions',
      before_links: subscriptionsBefore,
      with_every_link: await nats.subscriptions(),
      per_link: round(((await nats.subscriptions()) - subscriptionsBefore!) / AGENTS, 3),
    });

  // Which replica holds which node; requests go to another one.
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  cleanups.push(() => sql.end());
  const idOf = new Map<string, Replica>();
  const holders = async () => {
    idOf.clear();
    for (const r of replicas) idOf.set((await api<View>(r.url, cookie, 'GET', '/api/cluster')).body.self, r);
    return new Map(
      (await sql.query<{ id: string; link_replica: string }>('select id, link_replica from nodes')).rows.map(
        (r) => [r.id, r.link_replica],
      ),
    );
  };
  let holder = await holders();
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
    ...(single ? { ratio_p50_to_single: round(elsewhere.p50_ms / single.rtt.p50_ms, 2) } : {}),
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
  const onlineOnLive = async (dead: string[]) =>
    (
      await sql.query<{ n: number }>(
        "select count(*)::int as n from nodes where status = 'online' and not (link_replica = any($1))",
        [dead],
      )
    ).rows[0]!.n === AGENTS;
  /** Until every node is online on a live replica; if that never comes, what the others are, before giving up. */
  const settledOnLive = (dead: string[], timeoutS: number) =>
    until('every node online on a live replica', () => onlineOnLive(dead), timeoutS).catch(async (err) => {
      const { rows } = await sql.query(
        `select status, link_replica = any($1) as dead_replica, reason, count(*)::int as nodes from nodes
         where not (status = 'online' and not (link_replica = any($1))) group by 1, 2, 3 order by 4 desc limit 10`,
        [dead],
      );
      print({ figure: 'cluster: nodes not online on a live replica', groups: rows });
      throw err;
    });

  // Cold start of the whole cluster: every replica killed, then started again on its port.
  const before = [...idOf.keys()];
  const coldAt = performance.now();
  // Failed attempts are counted by the client processes from their start: each phase prints its own.
  const coldFailed = clusterLinks.failed();
  await Promise.all(replicas.map((r) => r.signal('SIGKILL')));
  await until('agents to notice', () => clusterLinks.linked() === 0, 60);
  const restartAt = performance.now();
  const coldPg = postgresCpu();
  await Promise.all(replicas.map(async (r, i) => (replicas[i] = await start(dirs[i]!, r.port))));
  const started = (performance.now() - restartAt) / 1000;
  await until('cluster: every agent back after a cold start', () => clusterLinks.linked() === AGENTS, 900);
  const coldBack = (performance.now() - restartAt) / 1000;
  // The new processes' whole CPU (their start included) and PostgreSQL's, per agent linked again.
  const coldCpu = { replicas: replicasCpu(replicas), postgres: postgresCpu() - coldPg };
  await settledOnLive(before, 300);
  print({
    figure: 'cluster: cold start (every replica killed, then started again)',
    replicas_started_seconds: round(started, 2),
    agents_back_seconds: round(coldBack, 2),
    database_settled_seconds: round((performance.now() - restartAt) / 1000, 2),
    from_the_kill_seconds: round((performance.now() - coldAt) / 1000, 2),
    replicas_cpu_ms_per_link: round((coldCpu.replicas / AGENTS) * 1000, 2),
    postgres_cpu_ms_per_link: round((coldCpu.postgres / AGENTS) * 1000, 2),
    failed_attempts: clusterLinks.failed() - coldFailed,
    ...Object.fromEntries(replicas.map((r) => [`${r.name}_rss_mib`, round(mib(r.child.pid!))])),
  });
  await until('the replicas to report every link', reported(3), 120);
  holder = await holders();

  // Kill the replica holding the most links; time until every agent is linked again, and until the database
  // shows every node online on a live replica. When the two others cannot hold every link (a process here may
  // have about 20,000 files open), the killed one is started again at once, as a supervisor would.
  const counts = (await view()).replicas;
  const doomedId = [...counts].sort((a, b) => b.links - a.links)[0]!.id;
  const doomed = idOf.get(doomedId)!;
  const held = counts.find((r) => r.id === doomedId)!.links;
  const restart = AGENTS / 2 > REPLICA_LINKS_MAX;
  const survivors = replicas.filter((r) => r !== doomed);
  const killCpu = { replicas: replicasCpu(survivors), postgres: postgresCpu() };
  const killedAt = performance.now();
  const killFailed = clusterLinks.failed();
  await doomed.signal('SIGKILL');
  if (restart) {
    const i = replicas.indexOf(doomed);
    replicas[i] = await start(dirs[i]!, doomed.port);
  }
  await until('agents to notice', () => clusterLinks.linked() < AGENTS, 30);
  await until('cluster: every agent back', () => clusterLinks.linked() === AGENTS, 600);
  const back = (performance.now() - killedAt) / 1000;
  // What taking the links back cost: the replicas that were up all along (and the one started again, whole).
  const killCpuMs = {
    replicas: (replicasCpu(replicas) - killCpu.replicas) * 1000,
    postgres: (postgresCpu() - killCpu.postgres) * 1000,
  };
  await settledOnLive([doomedId], 120);
  const settled = (performance.now() - killedAt) / 1000;
  print({
    figure: 'cluster: every agent back after kill -9 of one replica',
    replica_links: held,
    killed_replica_started_again: restart,
    agents_back_seconds: round(back, 2),
    database_settled_seconds: round(settled, 2),
    replicas_cpu_ms_per_link: round(killCpuMs.replicas / held, 2),
    postgres_cpu_ms_per_link: round(killCpuMs.postgres / held, 2),
    ...(single ? { ratio_to_single_restart: round(back / single.back, 2) } : {}),
    failed_attempts: clusterLinks.failed() - killFailed,
  });
  if (!restart) {
    await until('the dead replica declared lost and the others reporting every link', reported(2), 120);
    print({
      figure: 'cluster: links per replica once the dead one is declared lost',
      seconds_after_kill: round((performance.now() - killedAt) / 1000, 2),
      ...Object.fromEntries((await view()).replicas.map((r) => [r.name, r.links])),
    });
  }
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
}
process.exit(0);
