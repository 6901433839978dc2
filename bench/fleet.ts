// Fleet-scale hot paths, measured side by side with Mosquitto (the reference broker) in the same run.
// Usage: npx tsx bench/fleet.ts [--links 1000,5000,10000] [--pg postgres://...] [--checkout DIR] [--idle-seconds 30]
// Prints one JSON line per figure group. See bench/README.md.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command, MusterAgent } from './fleet-clients.ts';
import { call } from './http-call.ts';
import {
  ADMIN_PASSWORD,
  children,
  chunks,
  claim,
  client,
  CONCURRENCY_PER_PROCESS,
  freePort,
  idleCpu,
  musterLinks,
  PER_PROCESS,
  rate,
  round,
  settle,
  sleep,
  spawnClients,
  startMuster as startMusterIn,
  stopClients,
  stopProc,
  until,
  usage,
  type Clients,
} from './bench-kit.ts';

const { values: args } = parseArgs({
  options: {
    links: { type: 'string', default: '1000,5000,10000' },
    pg: { type: 'string', default: process.env.MUSTER_BENCH_PG_URL ?? '' },
    checkout: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    'idle-seconds': { type: 'string', default: '30' },
    claims: { type: 'string', default: '500' },
    'skip-plain': { type: 'boolean', default: false },
    /** Write CPU profiles of the Muster server here (the restart is then a clean stop, not a kill). */
    profile: { type: 'string', default: '' },
  },
});
const SIZES = args.links.split(',').map(Number);
const IDLE_S = Number(args['idle-seconds']);
const CLAIMS = Number(args.claims);
/** Claims not counted, made before each timed run. */
const WARM_UP_CLAIMS = 500;
const HEARTBEAT_S = 12;
const work = mkdtempSync(join(tmpdir(), 'muster-bench-'));
const results: Record<string, unknown>[] = [];

function print(figure: Record<string, unknown>) {
  results.push(figure);
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}
const startMuster = (dataDir: string, port: number, extra: string[] = []) =>
  startMusterIn({ checkout: args.checkout, profile: args.profile }, dataDir, port, extra);
const fleet: MusterAgent[] = [];

// ---- the servers ----------------------------------------------------------------------------------------------

function startMosquitto(tlsDir: string, tlsPort: number, plainPort: number): ChildProcess {
  const conf = join(work, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'user root',
      'persistence false',
      'log_dest none',
      'allow_anonymous true',
      `listener ${tlsPort} 127.0.0.1`,
      `cafile ${join(tlsDir, 'ca.pem')}`,
      `certfile ${join(tlsDir, 'server.pem')}`,
      `keyfile ${join(tlsDir, 'server-key.pem')}`,
      `listener ${plainPort} 127.0.0.1`,
      '',
    ].join('\n'),
  );
  const p = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  children.push(p);
  return p;
}

async function restartMosquitto(): Promise<ChildProcess> {
  await stopProc(mosquitto);
  const p = startMosquitto(join(dataDir, 'tls'), mqttTlsPort, mqttPlainPort);
  await sleep(500);
  return p;
}
// ---- HTTP ------------------------------------------------------------------------------------------------------

// ---- claims ----------------------------------------------------------------------------------------------------

// ---- links -----------------------------------------------------------------------------------------------------

function mqttLinks(port: number, ca: string | null, count: number): Clients {
  return spawnClients(
    chunks(Array.from({ length: count }), PER_PROCESS).map((part) => ({
      cmd: 'mqtt' as const,
      host: '127.0.0.1',
      port,
      ca,
      count: part.length,
      keepAlive: HEARTBEAT_S,
      concurrency: CONCURRENCY_PER_PROCESS,
    })),
  );
}
// ---- the run ---------------------------------------------------------------------------------------------------

const dataDir = join(work, 'muster');
const musterPort = await freePort();
let muster = await startMuster(dataDir, musterPort);
const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
const mqttTlsPort = await freePort();
const mqttPlainPort = await freePort();
let mosquitto = startMosquitto(join(dataDir, 'tls'), mqttTlsPort, mqttPlainPort);
/**
 * Resident memory each server gained since `base`, per link (KiB). Read soon after the connect and again once the
 * links were idle a while: the server's garbage collector gives back much of what the connect itself used only
 * after some time (Mosquitto has none).
 */
function memoryPerLink(base: { muster: number; mosquitto: number }, size: number) {
  const m = round((usage(muster.proc.pid!).rssKiB - base.muster) / size, 1);
  const q = round((usage(mosquitto.pid!).rssKiB - base.mosquitto) / size, 1);
  return { muster: m, mosquitto: q, ratio: round(m / Math.max(q, 0.1), 1) };
}
await sleep(500);
const version = spawnSync('mosquitto', ['-h']).stdout.toString().split('\n')[0];
print({
  figure: 'machine',
  cores: (await import('node:os')).cpus().length,
  load_average: loadavg().map((l) => round(l, 2)),
  reference: version,
  checkout: args.checkout,
});

const http0 = client(ca, 8);
const login = await call(http0, `${muster.url}/api/auth/login`, 'POST', {
  username: 'admin',
  password: ADMIN_PASSWORD,
});
const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
const token = muster.token!;

// Idle with no links at all, once the start-up work of its first half-minute is done (about 1 % of a core).
await sleep(30_000);
const [idleMuster0, idleMosquitto0] = await idleCpu([muster.proc.pid!, mosquitto.pid!], IDLE_S / 2);
print({
  figure: 'idle cpu, no links (% of a core)',
  muster: idleMuster0,
  mosquitto: idleMosquitto0,
  ratio: round(idleMuster0! / Math.max(idleMosquitto0!, 0.01), 1),
});

// Claims on an empty database (after 200 claims not counted, so that both runs meet a warm server).
await claim(muster, ca, token, WARM_UP_CLAIMS, null);
const claimsEmpty = await claim(muster, ca, token, CLAIMS, fleet);
print({ figure: 'claims, SQLite, empty database', claims: CLAIMS, concurrency: 20, ...claimsEmpty });

for (const size of SIZES) {
  // Grow the fleet to `size` claimed nodes (the claims are timed too).
  if (fleet.length < size) {
    const grow = await claim(muster, ca, token, size - fleet.length, fleet);
    print({ figure: `claims while growing the fleet to ${size}`, ...grow });
  }
  const agents = fleet.slice(0, size);
  // Fresh processes for each size: neither gives memory back to the system once its links are gone.
  await stopProc(muster.proc);
  muster = await startMuster(dataDir, musterPort);
  mosquitto = await restartMosquitto();
  await settle(muster.proc.pid!);
  const base = { muster: usage(muster.proc.pid!).rssKiB, mosquitto: usage(mosquitto.pid!).rssKiB };

  // First connect of the whole fleet, and Mosquitto's clients alongside.
  let t0 = performance.now();
  const links = musterLinks(muster, ca, agents);
  const firstConnect = await until(`${size} links`, () => links.linked() >= size, 600);
  const mqtt = mqttLinks(mqttTlsPort, ca, size);
  const mqttConnect = await until(`${size} MQTT clients`, () => mqtt.linked() >= size, 600);
  await sleep(5000);
  print({
    figure: `memory per idle TLS link at ${size} (KiB)`,
    ...memoryPerLink(base, size),
    muster_rss_mb: round(usage(muster.proc.pid!).rssKiB / 1024, 0),
    first_connect_seconds: round(firstConnect, 1),
    mosquitto_connect_seconds: round(mqttConnect, 1),
  });

  const [idleM, idleQ] = await idleCpu([muster.proc.pid!, mosquitto.pid!], IDLE_S);
  print({
    figure: `idle cpu at ${size} TLS links (% of a core)`,
    muster: idleM,
    mosquitto: idleQ,
    ratio: round(idleM! / Math.max(idleQ!, 0.01), 1),
  });
  print({
    figure: `memory per TLS link at ${size} (KiB), idle ${IDLE_S} s longer`,
    ...memoryPerLink(base, size),
  });

  // A request through the link (the API asks the agent for its facts) and the node list, while the fleet is up.
  const api = client(ca, 8);
  const auth = { cookie };
  const rtt: number[] = [];
  for (let i = 0; i < 300; i++) {
    const id = agents[Math.floor(Math.random() * agents.length)]!.id;
    const s = performance.now();
    const r = await call(api, `${muster.url}/api/nodes/${id}/facts`, 'GET', undefined, auth);
    if (r.status !== 200) throw new Error(`facts ${r.status} ${r.text}`);
    rtt.push(performance.now() - s);
  }
  rtt.sort((a, b) => a - b);
  const list = await rate(5, 8, async () => {
    const r = await call(api, `${muster.url}/api/nodes`, 'GET', undefined, auth);
    if (r.status !== 200) throw new Error(`list ${r.status}`);
  });
  const healthz = await rate(5, 8, async () => {
    await call(api, `${muster.url}/healthz`, 'GET');
  });
  // Every request a different first page (100 of them, more than the server keeps, each shifted by one node from
  // the next): each one read from the database, at the default page's cost.
  let page = 0;
  const listRead = await rate(5, 8, async () => {
    const offset = page++ % 100;
    const r = await call(api, `${muster.url}/api/nodes?offset=${offset}`, 'GET', undefined, auth);
    if (r.status !== 200) throw new Error(`list ${r.status}`);
  });
  t0 = performance.now();
  const exported = await call(api, `${muster.url}/api/nodes/export`, 'GET', undefined, auth);
  const exportMs = performance.now() - t0;
  print({
    figure: `node list and request round trip at ${size} nodes`,
    list_default_page_per_second: list,
    list_a_different_page_each_time_per_second: listRead,
    healthz_per_second: healthz,
    ratio_to_healthz: round(list / healthz, 2),
    export_all_ms: Math.round(exportMs),
    export_status: exported.status,
    export_bytes: exported.text.length,
    export_nodes: exported.status === 200 ? (JSON.parse(exported.text) as unknown[]).length : null,
    request_roundtrip_p50_ms: round(rtt[Math.floor(rtt.length / 2)]!, 2),
    request_roundtrip_p99_ms: round(rtt[Math.floor(rtt.length * 0.99)]!, 2),
  });
  api.destroy();

  // Reconnect storm, the reference first: every MQTT client drops and connects again at once.
  await stopClients(mqtt);
  await sleep(1000);
  const cpuQ0 = usage(mosquitto.pid!).cpu;
  const mqtt2 = mqttLinks(mqttTlsPort, ca, size);
  const mqttStorm = await until(`${size} MQTT reconnects`, () => mqtt2.linked() >= size, 600);
  const mqttStormCpu = usage(mosquitto.pid!).cpu - cpuQ0;
  await stopClients(mqtt2);

  // Then Muster: the server is killed and started again; every agent authenticates and links again.
  await stopProc(muster.proc, args.profile ? 'SIGTERM' : 'SIGKILL');
  await until('links to notice', () => links.linked() === 0, 60);
  muster = await startMuster(dataDir, musterPort);
  const failedBefore = links.failed();
  const cpuM0 = usage(muster.proc.pid!).cpu;
  const clientsCpu = () => links.procs.reduce((n, p) => n + usage(p.pid!).cpu, 0);
  const cpuC0 = clientsCpu();
  t0 = performance.now();
  const storm = await until(`${size} links back`, () => links.linked() >= size, 600);
  const stormCpu = usage(muster.proc.pid!).cpu - cpuM0;
  const stormClientCpu = clientsCpu() - cpuC0;
  await sleep(2000);
  const online = await call(client(ca, 1), `${muster.url}/api/nodes/export?status=online`, 'GET', undefined, {
    cookie,
  });
  print({
    figure: `reconnect storm, ${size} agents, link auth as the agent does it, TLS`,
    muster_links_per_second: Math.round(size / storm),
    muster_seconds: round(storm, 2),
    muster_server_cpu_ms_per_link: round((stormCpu / size) * 1000, 2),
    agents_cpu_ms_per_link: round((stormClientCpu / size) * 1000, 2),
    mosquitto_connects_per_second: Math.round(size / mqttStorm),
    mosquitto_cpu_ms_per_connect: round((mqttStormCpu / size) * 1000, 3),
    ratio: round(size / mqttStorm / (size / storm), 2),
    failed_attempts: links.failed() - failedBefore,
    linked_now: links.linked(),
    // The server's own count; null for a version without the export.
    online_on_server: online.status === 200 ? (JSON.parse(online.text) as unknown[]).length : null,
  });
  await stopClients(links);
  await sleep(2000);
}

// Claims again, now on a database holding the whole fleet: a fresh server, as for the empty one, so that only
// the database differs (a server that just let 10,000 links go is busy with its heap for a while).
await stopProc(muster.proc);
muster = await startMuster(dataDir, musterPort);
await settle(muster.proc.pid!);
await claim(muster, ca, token, WARM_UP_CLAIMS, null);
const claimsFull = await claim(muster, ca, token, CLAIMS, null);
print({
  figure: `claims, SQLite, database holding ${fleet.length} nodes`,
  claims: CLAIMS,
  ...claimsFull,
  ratio_to_empty: round(claimsFull.per_second / claimsEmpty.per_second, 2),
});

// Presence: one agent frozen (SIGSTOP) and one that stops cleanly.
async function offlineAfter(act: (c: Clients) => Promise<void>): Promise<number> {
  const [one] = await claimOne();
  const c = musterLinks(muster, ca, [one!]);
  await until('one link', () => c.linked() === 1, 60);
  const api = client(ca, 1);
  const t0 = performance.now();
  await act(c);
  for (;;) {
    const r = await call(api, `${muster.url}/api/nodes/${one!.id}`, 'GET', undefined, { cookie });
    if ((JSON.parse(r.text) as { status: string }).status === 'offline') break;
    await sleep(5);
  }
  const s = (performance.now() - t0) / 1000;
  api.destroy();
  await stopClients(c);
  return s;
}
async function claimOne(): Promise<MusterAgent[]> {
  const out: MusterAgent[] = [];
  await claim(muster, ca, token, 1, out);
  return out;
}
const frozen = await offlineAfter(async (c) => void c.procs[0]!.kill('SIGSTOP'));
const clean = await offlineAfter(async (c) => void c.procs[0]!.send({ cmd: 'close' } satisfies Command));
print({
  figure: 'presence',
  frozen_agent_offline_seconds: round(frozen, 1),
  clean_close_offline_ms: Math.round(clean * 1000),
  heartbeat_seconds: HEARTBEAT_S,
});

// Plain links (--tls off): memory per link against Mosquitto's plain listener.
if (!args['skip-plain']) {
  const size = SIZES[SIZES.length - 1]!;
  await stopProc(muster.proc);
  muster = await startMuster(dataDir, musterPort, ['--tls', 'off']);
  mosquitto = await restartMosquitto();
  await settle(muster.proc.pid!);
  const base = { muster: usage(muster.proc.pid!).rssKiB, mosquitto: usage(mosquitto.pid!).rssKiB };
  const links = musterLinks(muster, null, fleet.slice(0, size));
  await until(`${size} plain links`, () => links.linked() >= size, 600);
  const mqtt = mqttLinks(mqttPlainPort, null, size);
  await until(`${size} plain MQTT clients`, () => mqtt.linked() >= size, 600);
  await sleep(5000);
  print({ figure: `memory per idle plain link at ${size} (KiB)`, ...memoryPerLink(base, size) });
  await sleep(IDLE_S * 1000);
  print({
    figure: `memory per plain link at ${size} (KiB), idle ${IDLE_S} s longer`,
    ...memoryPerLink(base, size),
  });
  await stopClients(links);
  await stopClients(mqtt);
}

// Claims on PostgreSQL, in a database of their own.
if (args.pg) {
  const name = `muster_bench_${process.pid}`;
  const admin = new URL(args.pg);
  execFileSync('psql', [args.pg, '-qc', `create database ${name}`]);
  admin.pathname = `/${name}`;
  const pgDir = join(work, 'muster-pg');
  const pgServer = await startMuster(pgDir, await freePort(), ['--db', admin.toString()]);
  const pgCa = readFileSync(join(pgDir, 'tls', 'ca.pem'), 'utf8');
  await claim(pgServer, pgCa, pgServer.token!, WARM_UP_CLAIMS, null);
  const r = await claim(pgServer, pgCa, pgServer.token!, CLAIMS, null);
  print({ figure: 'claims, PostgreSQL, empty database', claims: CLAIMS, concurrency: 20, ...r });
  await stopProc(pgServer.proc);
  execFileSync('psql', [args.pg, '-qc', `drop database ${name}`]);
}

for (const c of children) await stopProc(c, args.profile ? 'SIGTERM' : 'SIGKILL');
rmSync(work, { recursive: true, force: true });
process.exit(0);
