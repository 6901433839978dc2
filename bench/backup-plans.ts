// Backups for a fleet (docs/backups.md): what it takes to give N claimed nodes backups, one host at a time (a
// repository, a source group and a schedule each: three requests per node) against one plan for their room, and how
// fast the fleet's Backups table answers for them beside the node list in the same run. Prints JSON lines.
//
//   npx tsx bench/backup-plans.ts [--nodes 200] [--reads 50]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ADMIN_PASSWORD,
  children,
  client,
  freePort,
  keys,
  pool,
  round,
  startMuster,
  usage,
} from './bench-kit.ts';
import { call } from './http-call.ts';

const { values: opt } = parseArgs({
  options: { nodes: { type: 'string', default: '200' }, reads: { type: 'string', default: '50' } },
});
const NODES = Number(opt.nodes);
const READS = Number(opt.reads);
const print = (o: object) => console.log(JSON.stringify(o));

const checkout = resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'muster-bench-data-'));
const m = await startMuster({ checkout, profile: '' }, dataDir, await freePort());
const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
const http = client(ca, 16);
const login = await call(http, `${m.url}/api/auth/login`, 'POST', {
  username: 'admin',
  password: ADMIN_PASSWORD,
});
const cookie = String(login.headers['set-cookie']).split(';')[0]!;
const api = async (method: string, path: string, body?: unknown) => {
  const r = await call(http, `${m.url}${path}`, method, body, { cookie, 'x-requested-with': 'bench' });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
};
const spaceId = (JSON.parse((await api('GET', '/api/spaces')).text) as { id: string }[])[0]!.id;

/** A room of `n` claimed nodes (never linked: what is measured is the server's side). */
async function roomOf(name: string, n: number) {
  const room = JSON.parse((await api('POST', `/api/spaces/${spaceId}/rooms`, { name })).text) as {
    id: string;
  };
  const ids: string[] = [];
  await pool(n, 20, async (i) => {
    const id = randomUUID();
    const r = await call(http, `${m.url}/api/v1/spaces/nodes/${id}`, 'PUT', {
      node: { id, hostname: `${name}-${i}` },
      token: m.token,
      rooms: [room.id],
      publicKey: keys[i % keys.length]!.publicPem,
    });
    if (r.status !== 204 && r.status !== 200) throw new Error(`claim: ${r.status} ${r.text}`);
    ids.push(id);
  });
  return { room: room.id, ids };
}

// Before: each host by hand, as a script would do it (its schedule needs the repository initialised by the node's
// agent, which does not run here: a third request per node, not made).
const perHost = await roomOf('by-hand', NODES);
let requests = 0;
let cpu0 = usage(m.proc.pid!).cpu;
let t0 = performance.now();
await pool(perHost.ids.length, 8, async (i) => {
  const id = perHost.ids[i]!;
  await api('PUT', `/api/hosts/${id}/repository`, {
    repo_url: `/srv/restic/by-hand-${i}`,
    repo_password: `pw-${i}-0123456789`,
  });
  await api('POST', `/api/hosts/${id}/source-groups`, {
    name: 'data',
    paths: ['/srv'],
    retention: { keep_daily: 7 },
  });
  requests += 2;
});
const byHand = {
  seconds: round((performance.now() - t0) / 1000, 2),
  cpu_s: round(usage(m.proc.pid!).cpu - cpu0, 2),
};

// After: one plan for the room.
const planned = await roomOf('planned', NODES);
cpu0 = usage(m.proc.pid!).cpu;
t0 = performance.now();
await api('POST', '/api/backup-plans', {
  name: 'fleet',
  room_id: planned.room,
  paths: ['/srv'],
  schedule: { cron: '0 2 * * *', spread_minutes: 60 },
  retention: { keep_daily: 7, keep_weekly: 4 },
  repository: { template: '/srv/restic/{hostname}' },
});
const plan = {
  seconds: round((performance.now() - t0) / 1000, 2),
  cpu_s: round(usage(m.proc.pid!).cpu - cpu0, 2),
};
print({
  figure: 'give N nodes backups',
  nodes: NODES,
  by_hand: {
    requests,
    ...byHand,
    note: 'a repository and a source group per node; its schedule is a third, once the node has initialised the repository',
  },
  one_plan: { requests: 1, ...plan },
});

/** Latencies (ms) of `n` reads of a path, sorted. */
async function latencies(path: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t = performance.now();
    await api('GET', path);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}
const p = (s: number[], q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!, 1);
const fleet = await latencies('/api/backups');
const list = await latencies('/api/nodes?limit=1000');
print({
  figure: 'the Backups table',
  nodes: NODES * 2,
  backups_p50_ms: p(fleet, 0.5),
  backups_p95_ms: p(fleet, 0.95),
  reference_node_list_p50_ms: p(list, 0.5),
  ratio_p50: round(p(fleet, 0.5) / p(list, 0.5), 2),
});
for (const c of children) c.kill();
process.exit(0);
