import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistory } from './history.ts';
import { BATCH, counters, createMetricsCollector, HISTORY_SECONDS } from './metrics.ts';

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

test('a series that starts later has points only from its first value on', () => {
  let now = 5_000_000;
  const m = createMetricsCollector(() => now);
  for (let i = 0; i < 5; i++, now += 1000) m.sample();
  const { series } = m.query(['uptime_s', 'cpu.user'], 0, 100);
  assert.equal(series['uptime_s']!.length, 5);
  // A rate needs two readings: the CPU's shares start with the second sample.
  assert.deepEqual(
    series['cpu.user']!.map((p) => p[0]),
    [5_001_000, 5_002_000, 5_003_000, 5_004_000],
  );
});

test('the counters read from /proc: the CPU line, whole disks only, every interface but lo', () => {
  const files: Record<string, string> = {
    '/proc/stat':
      'cpu  25433 7 9954 445013 861 3 12 5 0 0\ncpu0 12000 0 5000 222000 400 0 6 0 0 0\nintr 1 2 3\n',
    '/proc/diskstats': [
      '   7       0 loop0 90 0 900 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
      ' 254       0 vda 112838 11813 6955586 155350 72311 46663 16892168 46832 0 17380 203424 0 0 0 0 0 0',
      ' 254       1 vda1 100 0 5000 10 20 0 3000 0 0 0 0 0 0 0 0 0 0',
      ' 259       0 nvme0n1 1 0 10 0 2 0 20 0 0 0 0',
      ' 259       1 nvme0n1p1 1 0 99 0 2 0 99 0 0 0 0',
      '   8      16 sdb 4 0 40 0 5 0 50 0 0 0 0 0 0 0',
      ' 253       0 dm-0 1 0 77 0 1 0 77 0 0 0 0',
      '',
    ].join('\n'),
    '/proc/net/dev': [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 1855759    5422    0    0    0     0          0         0  1855759    5422    0    0    0     0       0          0',
      '  eth0:1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0',
      'veth1a2b: 5 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0',
      '',
    ].join('\n'),
  };
  const c = counters((path) => files[path] ?? '', 42);
  assert.deepEqual(c, {
    at: 42,
    cpu: [25433, 7, 9954, 445013, 861, 3, 12, 5],
    disk: { read: (6955586 + 10 + 40) * 512, write: (16892168 + 20 + 50) * 512 },
    net: { rx: 1005, tx: 2007 },
  });
  assert.deepEqual(
    counters(() => '', 1),
    { at: 1, cpu: [], disk: { read: 0, write: 0 }, net: { rx: 0, tx: 0 } },
  );
});

test('seconds read wait for a batch, and every read of the data records them first', () => {
  let now = 2_000_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'muster-history-'));
  try {
    const history = createHistory({ dir, now: () => now });
    const m = createMetricsCollector(() => now, history);
    const uptimes = () =>
      history.query({ context: 'system.uptime', after: -60, before: 0, points: 60 })?.points.length ?? 0;
    for (let i = 0; i < 3; i++, now += 1000) m.sample();
    assert.equal(history.seriesCount(), 0, 'nothing parsed yet');
    assert.equal(uptimes(), 3, 'a query records the seconds waiting');
    for (let i = 0; i < 2; i++, now += 1000) m.sample();
    assert.equal(m.query(['uptime_s'], 0, 100).series['uptime_s']!.length, 5);
    assert.equal(uptimes(), 5);
    for (let i = 0; i < BATCH; i++, now += 1000) m.sample();
    assert.equal(
      history.contexts().find((c) => c.id === 'system.uptime')?.last_entry,
      Math.floor(now / 1000),
    );
    assert.equal(uptimes(), 5 + BATCH);
    m.sample();
    history.save();
    const saved = readFileSync(join(dir, 'history.bin'));
    const again = createHistory({ dir, now: () => now });
    assert.ok(saved.length > 0);
    assert.equal(
      again.query({ context: 'system.uptime', after: -60, before: 0, points: 60 })?.points.length,
      6 + BATCH,
      'what is saved includes the seconds that were waiting',
    );
    m.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
