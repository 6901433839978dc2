import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetricsCollector, HISTORY_SECONDS } from './metrics.ts';

test('the history keeps the last hour, oldest first, once the ring has wrapped', () => {
  let now = 1_000_000;
  const m = createMetricsCollector(() => now);
  const total = HISTORY_SECONDS + 25;
  for (let i = 0; i < total; i++, now += 1000) m.sample();
  const all = m.query(['uptime_s'], 0, 100_000).series['uptime_s']!;
  assert.equal(all.length, HISTORY_SECONDS);
  assert.equal(all[0]![0], 1_000_000 + 25 * 1000, 'the 25 oldest samples were overwritten');
  assert.equal(all.at(-1)![0], 1_000_000 + (total - 1) * 1000);
  assert.ok(
    all.every((p, i) => i === 0 || p[0] > all[i - 1]![0]),
    'in time order across the wrap',
  );

  const after = now - 10_500;
  const recent = m.query(['uptime_s'], after, 100).series['uptime_s']!;
  assert.deepEqual(
    recent.map((p) => p[0]),
    Array.from({ length: 10 }, (_, i) => now - 10_000 + i * 1000),
  );
  const thinned = m.query(['uptime_s'], 0, 60).series['uptime_s']!;
  assert.ok(thinned.length <= 60 && thinned.length >= 59);
  assert.equal(thinned.at(-1)![0], all.at(-1)![0], 'thinning keeps the newest point');
  assert.deepEqual(m.query(['no.such.series'], 0, 10).series, {});
});
