// Node data through the link (docs/netdata.md): one chart of one node over the last hour, through Muster's agent
// and through a (simulated) stock Netdata agent's ACLK; a room view of 50 Netdata nodes; and what the contexts and
// alert streams of 1,000 Netdata agents cost the server while idle. Prints JSON lines.
//
//   npx tsx bench/node-data.ts [--agents 1000] [--room 50] [--queries 300] [--idle-seconds 60]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createHistory } from '../src/agent/collectors/history.ts';
import { certPin, formatPin } from '../src/protocol/pin.ts';
import {
  ADMIN_PASSWORD,
  children,
  client,
  freePort,
  idleCpu,
  keys,
  round,
  settle,
  sleep,
  startMuster,
  until,
  usage,
} from './bench-kit.ts';
import { call } from './http-call.ts';
import { netdataSim, type NetdataSim } from './netdata-sim.ts';

const { values: opt } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    room: { type: 'string', default: '50' },
    queries: { type: 'string', default: '300' },
    'idle-seconds': { type: 'string', default: '60' },
  },
});
const AGENTS = Number(opt.agents);
const ROOM = Number(opt.room);
const QUERIES = Number(opt.queries);
const IDLE = Number(opt['idle-seconds']);
const print = (o: object) => console.log(JSON.stringify(o));
const pct = (sorted: number[], p: number) =>
  round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!, 1);

const checkout = resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'muster-bench-data-'));
const port = await freePort();
const m = await startMuster({ checkout, profile: '' }, dataDir, port);
const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
const http = client(ca, 64);
const login = await call(http, `${m.url}/api/auth/login`, 'POST', {
  username: 'admin',
  password: ADMIN_PASSWORD,
});
const cookie = String(login.headers['set-cookie']).split(';')[0]!;
const api = (method: string, path: string, body?: unknown) =>
  call(http, `${m.url}${path}`, method, body, { cookie, 'x-requested-with': 'bench' });

/** Latencies (ms) of `n` requests in a row, sorted. */
async function latencies(n: number, path: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await api('GET', path);
    out.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text.slice(0, 300)}`);
  }
  return out.sort((a, b) => a - b);
}

// Muster's own agent, the real one, with an hour of history as if it had run that long (its file, written here).
const stateDir = mkdtempSync(join(tmpdir(), 'muster-bench-agent-'));
{
  const now = Date.now();
  const h = createHistory({ dir: stateDir, now: () => now });
  h.describe('system.cpu', {
    title: 'Total CPU utilization',
    units: 'percentage',
    family: 'cpu',
    chart_type: 'stacked',
    priority: 100,
  });
  const states = ['user', 'nice', 'system', 'iowait', 'irq', 'softirq', 'steal'];
  for (let t = now - 3600_000; t <= now; t += 1000)
    h.record(t, { 'system.cpu': Object.fromEntries(states.map((s, i) => [s, Math.random() * 10 + i])) });
  h.save();
}
const agentProc = spawn(
  process.execPath,
  [
    join(checkout, 'dist', 'muster-agent.mjs'),
    'run',
    '--local-api',
    '127.0.0.1:0',
    '--state-dir',
    stateDir,
    '--url',
    m.url,
    '--ca-pin',
    formatPin(certPin(ca)),
  ],
  { env: { ...process.env, MUSTER_CLAIM_TOKEN: m.token! }, stdio: 'ignore' },
);
children.push(agentProc);
await until(
  'the agent claimed',
  () => {
    try {
      return readFileSync(join(stateDir, 'cloud.d', 'claimed_id'), 'utf8').trim().length > 0;
    } catch {
      return false;
    }
  },
  60,
);
const musterNode = readFileSync(join(stateDir, 'cloud.d', 'claimed_id'), 'utf8').trim();
await sleep(5000);

const sims: NetdataSim[] = [];
const simOptions = (i: number) => ({
  url: m.url,
  ca,
  token: m.token!,
  key: keys[i % keys.length]!,
  agent: http,
  contexts: 200,
  alerts: 80,
  dimensions: 8,
});
sims.push(await netdataSim(simOptions(0)));
await sleep(1000);

const hour = (id: string) => `/api/nodes/${id}/data?context=system.cpu&after=-3600&points=300`;
const simHour = (id: string) => `/api/nodes/${id}/data?context=bench.context_0&after=-3600&points=300`;
for (const [agent, path] of [
  ['muster', hour(musterNode)],
  ['netdata (simulated)', simHour(sims[0]!.id)],
] as const) {
  await latencies(20, path);
  const l = await latencies(QUERIES, path);
  const floor = await latencies(QUERIES, `/api/nodes/${musterNode}`);
  const points = (JSON.parse((await api('GET', path)).text) as { points: unknown[] }).points.length;
  print({
    figure: 'chart query, one context, last hour',
    agent,
    points,
    p50_ms: pct(l, 50),
    p99_ms: pct(l, 99),
    reference: 'GET /api/nodes/{id} (no link), same run',
    reference_p50_ms: pct(floor, 50),
    ratio_p50: round(pct(l, 50) / pct(floor, 50), 2),
  });
}

// A room of ROOM Netdata nodes, one chart of each.
for (let i = sims.length; i < ROOM; i += 10)
  sims.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(10, ROOM - i) }, (_, k) => netdataSim(simOptions(i + k))),
    )),
  );
const spaceId = (JSON.parse((await api('GET', '/api/spaces')).text) as { id: string }[])[0]!.id;
const room = JSON.parse((await api('POST', `/api/spaces/${spaceId}/rooms`, { name: 'bench room' })).text) as {
  id: string;
};
for (const s of sims.slice(0, ROOM)) await api('PUT', `/api/rooms/${room.id}/nodes/${s.id}`);
const roomPath = `/api/rooms/${room.id}/data?context=bench.context_0&after=-3600&points=150&limit=${ROOM}`;
await latencies(3, roomPath);
const roomL = await latencies(40, roomPath);
const answered = (
  JSON.parse((await api('GET', roomPath)).text) as { nodes: { data: unknown }[] }
).nodes.filter((n) => n.data).length;
print({
  figure: 'room view',
  nodes: ROOM,
  answered,
  p50_ms: pct(roomL, 50),
  p95_ms: pct(roomL, 95),
  goal_p95_ms: 1000,
});

// AGENTS Netdata agents, their contexts and alerts streamed, then idle.
const linkStart = performance.now();
const cpuBeforeLinks = usage(m.proc.pid!).cpu;
for (let i = sims.length; i < AGENTS; i += 10)
  sims.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(10, AGENTS - i) }, (_, k) => netdataSim(simOptions(i + k))),
    )),
  );
await settle(m.proc.pid!);
print({
  figure: 'linked, snapshots of contexts and alerts taken in',
  agents: sims.length,
  seconds: round((performance.now() - linkStart) / 1000),
  server_cpu_ms_per_agent: round(
    ((usage(m.proc.pid!).cpu - cpuBeforeLinks) / (sims.length - ROOM)) * 1000,
    2,
  ),
});
await sleep(30_000);
// Windows with the links alone and with every agent streaming some context changes once a minute (spread over the
// minute), taken in turns so that the machine's noise falls on both.
const quiet: number[] = [];
const busy: number[] = [];
for (let w = 0; w < 3; w++) {
  quiet.push((await idleCpu([m.proc.pid!], IDLE / 3))[0]!);
  const streaming = setInterval(() => {
    const per = Math.max(1, Math.round(sims.length / 60));
    for (let k = 0; k < per; k++) sims[Math.floor(Math.random() * sims.length)]!.streamSome(5);
  }, 1000);
  busy.push((await idleCpu([m.proc.pid!], IDLE / 3))[0]!);
  clearInterval(streaming);
}
const median = (l: number[]) => [...l].sort((a, b) => a - b)[1]!;
print({
  figure: 'idle server CPU, Netdata agents linked and streaming',
  agents: sims.length,
  contexts_each: 200,
  alerts_each: 80,
  links_only_pct_core: quiet,
  streaming_pct_core: busy,
  streams_cost_pct_core: round(median(busy) - median(quiet), 2),
  goal_pct_core: 2,
});

for (const s of sims) s.close();
agentProc.kill('SIGTERM');
m.proc.kill('SIGTERM');
await sleep(500);
process.exit(0);
