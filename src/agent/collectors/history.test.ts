import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHistory, MAX_SERIES } from './history.ts';

const META = { title: 'Load', units: 'load', family: 'load', chart_type: 'line', priority: 1 };
const START = 1_800_000_000; // a multiple of 900: tiers' buckets start with it

test('tiers: seconds for an hour, minute averages for two days, quarter hours beyond; the newest point is kept', () => {
  let now = START * 1000;
  const h = createHistory({ dir: null, now: () => now });
  h.describe('system.load', META);
  // Three hours of one sample a second: the value is the minute of the hour.
  for (let s = 0; s < 3 * 3600; s++, now += 1000)
    h.record(now, { 'system.load': { load1: Math.floor(s / 60) % 60 } });
  now -= 1000;
  const hour = h.query({ context: 'system.load', after: -599, before: 0, points: 600 })!;
  assert.equal(hour.update_every, 1);
  assert.equal(hour.points.length, 600);
  assert.equal(hour.points.at(-1)![0], START + 3 * 3600 - 1, 'ends with the latest second');

  const day = h.query({ context: 'system.load', after: -2 * 3600, before: 0, points: 1000 })!;
  assert.equal(day.update_every, 60, 'older than an hour: the minute tier');
  assert.deepEqual(day.points[0], [START + 3600, 0], 'each minute is the average of its seconds');
  assert.deepEqual(day.points[1], [START + 3660, 1]);

  const thin = h.query({ context: 'system.load', after: -599, before: 0, points: 10 })!;
  assert.equal(thin.points.length, 10);
  assert.equal(thin.update_every, 60, 'ten points of ten minutes: each the average of a minute');
  assert.equal(h.query({ context: 'no.such', after: -60, before: 0, points: 10 }), null);
});

test('saved and loaded again: a restart keeps the history; a damaged file is started over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-history-'));
  try {
    let now = START * 1000;
    const a = createHistory({ dir, now: () => now });
    a.describe('system.load', META);
    for (let s = 0; s < 120; s++, now += 1000) a.record(now, { 'system.load': { load1: s, load5: 2 * s } });
    a.save();
    const b = createHistory({ dir, now: () => now });
    b.describe('system.load', META);
    const again = b.query({ context: 'system.load', after: -200, before: 0, points: 200 })!;
    assert.deepEqual(again.labels, ['time', 'load1', 'load5']);
    assert.equal(again.points.length, 120);
    assert.deepEqual(again.points[5], [START + 5, 5, 10]);
    assert.ok(b.contexts()[0]!.first_entry! <= START);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('series are bounded: a node with many mounts keeps the first ones', () => {
  const h = createHistory({ dir: null, now: () => START * 1000 });
  h.describe('disk.space', { ...META, units: '% used' });
  const many = Object.fromEntries(Array.from({ length: MAX_SERIES + 50 }, (_, i) => [`/m${i}`, i]));
  h.record(START * 1000, { 'disk.space': many });
  assert.equal(h.seriesCount(), MAX_SERIES);
});
