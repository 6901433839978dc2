// Alert evaluation at fleet scale: a full reconnect storm of the whole fleet with the default rules and without any,
// the notifications it sends (none expected), and the time from a node going offline to its webhook arriving.
// Usage: npx tsx bench/alerts.ts [--nodes 10000] [--samples 20] [--checkout DIR]
// Prints one JSON line per figure group. See bench/README.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command, MusterAgent } from './fleet-clients.ts';
import {
  ADMIN_PASSWORD,
  children,
  claim,
  client,
  freePort,
  musterLinks,
  round,
  settle,
  sleep,
  startMuster,
  stopClients,
  stopProc,
  until,
  usage,
  type Muster,
} from './bench-kit.ts';
import { call } from './http-call.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '20' },
    checkout: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    /** How long a node must stay offline before it alerts in the storm rounds (the default rule's 300). */
    'for-seconds': { type: 'string', default: '300' },
  },
});
const NODES = Number(args.nodes);
const SAMPLES = Number(args.samples);
const FOR_S = Number(args['for-seconds']);
const work = mkdtempSync(join(tmpdir(), 'muster-bench-alerts-'));
const where = { checkout: args.checkout, profile: '' };
const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(figure)}\n`);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

// A webhook receiver in this process: it notes when each notification arrived and which nodes it names.
const received: { at: number; state: string; nodes: string[] }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as {
      state: string;
      alerts: { node_id: string | null }[];
    };
    received.push({
      at: performance.now(),
      state: body.state,
      nodes: body.alerts.map((a) => a.node_id ?? ''),
    });
    res.end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const dataDir = join(work, 'muster');
const port = await freePort();
let muster: Muster = await startMuster(where, dataDir, port);
const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
print({
  figure: 'machine',
  cores: (await import('node:os')).cpus().length,
  load_average: loadavg().map((l) => round(l, 2)),
});

const api = client(ca, 8);
let cookie = '';
async function signIn() {
  const r = await call(api, `${muster.url}/api/auth/login`, 'POST', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  cookie = String(r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
}
const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const r = await call(api, `${muster.url}${path}`, method, body, { cookie });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return (r.text ? JSON.parse(r.text) : null) as T;
};
await signIn();
const channel = await json<{ id: string }>('POST', '/api/notification-channels', {
  name: 'bench hook',
  type: 'webhook',
  config: { url: hookUrl, secret: 'bench webhook secret' },
});
const rules = await json<{ id: string; kind: string }[]>('GET', '/api/alert-rules');
const offlineRule = rules.find((r) => r.kind === 'node_offline')!;
const setRules = async (enabled: boolean, forSeconds: number) => {
  for (const r of rules)
    await json('PATCH', `/api/alert-rules/${r.id}`, {
      enabled,
      ...(r.id === offlineRule.id ? { for_seconds: forSeconds, channel_ids: [channel.id] } : {}),
    });
};

// The fleet, plus the nodes the latency samples take offline one by one.
const fleet: MusterAgent[] = [];
const claims = await claim(muster, ca, muster.token!, NODES + SAMPLES, fleet);
print({ figure: `claims of ${NODES + SAMPLES} nodes`, ...claims });
const agents = fleet.slice(0, NODES);
const spares = fleet.slice(NODES);

const links = musterLinks(muster, ca, agents);
const firstConnect = await until(`${NODES} links`, () => links.linked() >= NODES, 900);
print({ figure: `first connect of ${NODES} links`, seconds: round(firstConnect, 1) });

/** node_offline alerts still waiting their `for` (read from the database: the API lists alerts that fired). */
async function pendingAlerts(): Promise<number> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dataDir, 'muster.db'), { readonly: true });
  try {
    return (
      db
        .prepare("select count(*) as n from alerts where state = 'pending' and kind = 'node_offline'")
        .get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

/** Stop the server, start it again on the same data, and time the whole fleet coming back; CPU of the new server. */
async function restartStorm(label: string) {
  await settle(muster.proc.pid!);
  received.splice(0);
  await stopProc(muster.proc);
  const t0 = performance.now();
  muster = await startMuster(where, dataDir, port);
  const cpu0 = usage(muster.proc.pid!).cpu;
  await until(`${NODES} links after the restart`, () => links.linked() >= NODES, 900);
  const relinked = (performance.now() - t0) / 1000;
  await settle(muster.proc.pid!);
  const cpu = usage(muster.proc.pid!).cpu - cpu0;
  await signIn();
  // Once every link is back, no node_offline alert may be left waiting (nothing can fire later) or firing.
  const waiting = await json<{ alerts: unknown[] }>(
    'GET',
    '/api/alerts?state=firing&kind=node_offline&limit=500',
  );
  const pending = await pendingAlerts();
  await sleep(10_000);
  print({
    figure: `restart storm of ${NODES} links, ${label}`,
    relinked_seconds: round(relinked, 1),
    server_cpu_seconds: round(cpu, 2),
    server_cpu_ms_per_link: round((cpu / NODES) * 1000, 3),
    notifications: received.length,
    alerts_firing: waiting.alerts.length,
    alerts_waiting_their_for: pending,
  });
  return cpu;
}

await setRules(true, FOR_S);
const withRules = await restartStorm(`default rules (node offline after ${FOR_S} s, to a webhook)`);
await setRules(false, FOR_S);
const withoutRules = await restartStorm('every rule disabled');
print({
  figure: 'storm cost of alert evaluation',
  with_rules_cpu_seconds: round(withRules, 2),
  without_rules_cpu_seconds: round(withoutRules, 2),
  ratio: round(withRules / Math.max(withoutRules, 0.01), 2),
});

// Latency, the fleet idle: one node at a time drops its link (a clean close), rule `for` 0.
await setRules(true, 0);
const delays: number[] = [];
for (const spare of spares) {
  const one = musterLinks(muster, ca, [spare]);
  await until('the sample linked', () => one.linked() >= 1, 60);
  await sleep(300);
  received.splice(0);
  const t0 = performance.now();
  one.procs[0]!.send({ cmd: 'close' } satisfies Command);
  await until(
    'its notification',
    () => received.some((r) => r.state === 'firing' && r.nodes.includes(spare.id)),
    60,
  );
  delays.push(received.find((r) => r.nodes.includes(spare.id))!.at - t0);
  await stopClients(one);
}
delays.sort((a, b) => a - b);
print({
  figure: `offline to webhook, fleet of ${NODES} idle, rule for 0 s (ms)`,
  samples: delays.length,
  p50: round(pct(delays, 0.5), 0),
  p99: round(pct(delays, 0.99), 0),
  max: round(delays.at(-1)!, 0),
});

await stopClients(links);
for (const c of children) await stopProc(c, 'SIGKILL');
receiver.close();
rmSync(work, { recursive: true, force: true });
process.exit(0);
