// Request round trip server -> agent -> server with N connected simulated agents.
// Usage: npx tsx bench/request-roundtrip.ts [agents=1000] [sequential=2000] [concurrent=20000] [in_flight=200]
// Prints one JSON line. Agents are spread over child processes (at most 1,000 links each, bench/fleet-clients.ts).
import { fork } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../test/helpers.ts';
import type { Command, MusterAgent, Report } from './fleet-clients.ts';

const [agents = 1000, sequential = 2000, concurrent = 20000, inFlight = 200] = process.argv
  .slice(2)
  .map(Number);
const PER_PROCESS = 1000;

const server = await startTestServer({ flags: { claimPerMinute: 1e6, linkAuthPerMinute: 1e6 } });
const { services } = server;

// Claimed nodes, as `muster-agent claim` makes them (the simulated machines share a few keys).
let t0 = performance.now();
const token = (await services.tokens.getSpaceToken(server.spaceId)).token;
const keys = Array.from({ length: 8 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
const identities: MusterAgent[] = [];
for (let i = 0; i < agents; i++) {
  const id = randomUUID();
  const key = keys[i % keys.length]!;
  await services.claims.claimNode(
    id,
    {
      node: { id, hostname: `sim-${i}` },
      token,
      publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    null,
  );
  identities.push({ id, key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
}
const enrolSeconds = (performance.now() - t0) / 1000;

// The same simulated agents as the fleet benchmark: full link authentication, then they answer every request.
t0 = performance.now();
const children = [];
for (let i = 0; i < identities.length; i += PER_PROCESS) {
  const child = fork(fileURLToPath(new URL('./fleet-clients.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(
    new Promise<{ ready: number; failed: number }>((resolve) => {
      child.on('message', (r: Report) => {
        if (r.kind === 'done') resolve({ ready: r.linked, failed: r.failed });
      });
      child.send({
        cmd: 'muster',
        url: server.url,
        ca: server.ca,
        agents: identities.slice(i, i + PER_PROCESS),
        concurrency: 100,
      } satisfies Command);
    }),
  );
}
const ready = await Promise.all(children);
const connectSeconds = (performance.now() - t0) / 1000;
const connected = services.hub.count();
const failed = ready.reduce((n, r) => n + r.failed, 0);

const pick = () => identities[Math.floor(Math.random() * identities.length)]!.id;
async function timed(): Promise<number> {
  const s = performance.now();
  await services.sessions.requestRaw(pick(), 'ping', { at: s }, 30_000);
  return performance.now() - s;
}
function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
  return { count: values.length, p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: q(1) };
}

for (let i = 0; i < 200; i++) await timed(); // warm-up
const one: number[] = [];
for (let i = 0; i < sequential; i++) one.push(await timed());

const many: number[] = [];
let left = concurrent;
t0 = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (left-- > 0) many.push(await timed());
  }),
);
const concurrentSeconds = (performance.now() - t0) / 1000;

process.stdout.write(
  `${JSON.stringify({
    benchmark: 'request-roundtrip',
    agents,
    connected,
    failed_to_connect: failed,
    processes: children.length,
    enrol_seconds: Math.round(enrolSeconds * 10) / 10,
    connect_seconds: Math.round(connectSeconds * 10) / 10,
    one_at_a_time: stats(one),
    concurrent: {
      in_flight: inFlight,
      ...stats(many),
      requests_per_second: Math.round(many.length / concurrentSeconds),
    },
    server_rss_mb: Math.round(process.memoryUsage().rss / 1e6),
  })}\n`,
);
await server.stop();
process.exit(0);
