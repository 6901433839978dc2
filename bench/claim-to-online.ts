// Time from `muster-agent claim` returning to the node showing online on the server, over real TLS on loopback.
// Usage: npx tsx bench/claim-to-online.ts [runs]   (prints JSON)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAgent, spawnAgent, startTestServer, tempDir, waitFor, connectArgs } from '../test/helpers.ts';

const runs = Number(process.argv[2] ?? 20);
const server = await startTestServer();
const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
const onlineAt = new Map<string, number>();
server.services.bus.subscribe((e) => {
  if (e.type === 'node.presence' && e.status === 'online') onlineAt.set(e.node_id, performance.now());
});

const samples: number[] = [];
const fromStart: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = tempDir('muster-bench-');
  const agent = spawnAgent(['--state-dir', dir.path]);
  await waitFor(() => readFileSync(join(dir.path, 'local-api.addr'), 'utf8'), 'local API');
  const startedAt = performance.now();
  const r = await runAgent(['claim', '--state-dir', dir.path, ...connectArgs(server, token)]);
  const returnedAt = performance.now();
  if (r.code !== 0) throw new Error(`claim failed: ${r.stderr}`);
  const id = readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim();
  const online = await waitFor(() => onlineAt.get(id), 'online', 15_000, 2);
  samples.push(online - returnedAt);
  fromStart.push(online - startedAt);
  await agent.stop();
  dir.remove();
}
await server.stop();

const round = (v: number) => Math.round(v * 10) / 10;
function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return {
    median_ms: round(median),
    p90_ms: round(q(0.9)),
    min_ms: round(sorted[0]!),
    max_ms: round(sorted[sorted.length - 1]!),
  };
}
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'claim-returned-to-online',
    runs,
    claim_returned_to_online: stats(samples),
    claim_started_to_online: stats(fromStart),
    samples_ms: samples.map(round),
    note: 'negative means the node was online before the claim command had exited',
  })}\n`,
);
