// Request round trip server -> agent -> server with N connected simulated agents.
// Usage: npx tsx bench/request-roundtrip.ts [agents=1000] [sequential=2000] [concurrent=20000] [in_flight=200]
// Prints one JSON line. Agents are spread over child processes (at most 2,500 links each).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mintEnrollmentBody } from '../src/server/tokens/enrollment-service.ts';
import { startTestServer } from '../test/helpers.ts';

const [agents = 1000, sequential = 2000, concurrent = 20000, inFlight = 200] = process.argv
  .slice(2)
  .map(Number);
const PER_PROCESS = 2500;

const server = await startTestServer({ flags: { claimPerMinute: 1e6, linkAuthPerMinute: 1e6 } });
const { services, database } = server;
const admin = await database.db
  .selectFrom('users')
  .select('id')
  .where('username', '=', 'admin')
  .executeTakeFirstOrThrow();

// Enrolled identities (bearer tokens): the same path `muster-agent enroll` takes, minus the HTTP hop.
let t0 = performance.now();
const identities: { id: string; token: string }[] = [];
for (let i = 0; i < agents; i++) {
  const hostname = `sim-${i}`;
  const minted = await services.enrollment.mint(
    { kind: 'user', userId: admin.id, username: 'admin', role: 'admin', ip: null },
    server.spaceId,
    mintEnrollmentBody.parse({ hostname }),
  );
  const r = await services.enroll.enroll(
    { token: minted.token, hostname, os: 'linux', arch: 'x64', agent_version: 'sim' },
    null,
  );
  identities.push({ id: r.host_id, token: r.agent_token });
}
const enrolSeconds = (performance.now() - t0) / 1000;

t0 = performance.now();
const children = [];
for (let i = 0; i < identities.length; i += PER_PROCESS) {
  const child = fork(fileURLToPath(new URL('./sim-agents.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(
    new Promise<{ ready: number; failed: number }>((resolve) => {
      child.once('message', (m) => resolve(m as { ready: number; failed: number }));
      child.send({ url: server.url, ca: server.ca, agents: identities.slice(i, i + PER_PROCESS) });
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
  await services.hub.request(pick(), 'ping', { at: s }, 30_000);
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
