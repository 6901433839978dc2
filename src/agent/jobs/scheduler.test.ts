import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScheduleSpec } from '../../protocol/schedules.ts';
import { createScheduler, type SchedulerClock } from './scheduler.ts';

/** A clock whose time only moves when told, with timers that fire as it passes them. */
function manualTime(startIso: string) {
  let now = Date.parse(startIso);
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: SchedulerClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(h) {
      timers = timers.filter((t) => t.id !== h);
    },
  };
  return {
    clock,
    /** Move time forward, running every timer that falls due on the way, in order. */
    advanceTo(iso: string) {
      const end = Date.parse(iso);
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = Math.max(now, t.at);
        t.fn();
      }
      now = end;
    },
    /** The clock leaps (the machine slept): timers due meanwhile run late, at the new time. */
    jumpTo(iso: string) {
      now = Date.parse(iso);
      this.advanceTo(iso);
    },
  };
}

const spec = (cron: string, timezone: string, id = 's1', delay_seconds = 0): ScheduleSpec => ({
  id,
  action: 'backup',
  cron,
  timezone,
  enabled: true,
  delay_seconds,
  group: {
    id: 'g1',
    name: 'etc',
    paths: ['/etc'],
    excludes: [],
    retention: {},
    tag: 'muster-etc',
    options: {},
  },
});

function record(startIso: string, specs: ScheduleSpec[]) {
  const time = manualTime(startIso);
  const fired: { id: string; at: string; firedAt: string }[] = [];
  const scheduler = createScheduler({
    clock: time.clock,
    log: () => undefined,
    fire: (s, at) =>
      fired.push({
        id: s.id,
        at: new Date(at).toISOString(),
        firedAt: new Date(time.clock.now()).toISOString(),
      }),
  });
  scheduler.update(specs);
  return { time, fired, scheduler };
}

test('a schedule fires at its minute in its own time zone, once per occurrence', () => {
  // 02:30 in Kathmandu (UTC+05:45) is 20:45 UTC the day before.
  const { time, fired } = record('2027-01-14T20:40:00Z', [spec('30 2 * * *', 'Asia/Kathmandu')]);
  time.advanceTo('2027-01-14T20:44:59.999Z');
  assert.deepEqual(fired, [], 'not a millisecond early');
  time.advanceTo('2027-01-16T00:00:00Z');
  assert.deepEqual(fired, [
    { id: 's1', at: '2027-01-14T20:45:00.000Z', firedAt: '2027-01-14T20:45:00.000Z' },
    { id: 's1', at: '2027-01-15T20:45:00.000Z', firedAt: '2027-01-15T20:45:00.000Z' },
  ]);
});

test("a plan's spread: a node's run starts its delay after each cron time, and the next run counts from the cron", () => {
  const { time, fired } = record('2027-01-14T01:59:00Z', [spec('0 2 * * *', 'UTC', 's1', 754)]);
  time.advanceTo('2027-01-14T02:12:33.999Z');
  assert.equal(fired.length, 0, 'not before its delay');
  time.advanceTo('2027-01-15T03:00:00Z');
  assert.deepEqual(
    fired.map((f) => f.at),
    ['2027-01-14T02:12:34.000Z', '2027-01-15T02:12:34.000Z'],
  );
});

test('daylight saving time moves the UTC instant, not the local time', () => {
  // Europe/Berlin switches to summer time on 2027-03-28.
  const { time, fired } = record('2027-03-27T00:00:00Z', [spec('0 9 * * *', 'Europe/Berlin')]);
  time.advanceTo('2027-03-29T00:00:00Z');
  assert.deepEqual(
    fired.map((f) => f.at),
    ['2027-03-27T08:00:00.000Z', '2027-03-28T07:00:00.000Z'],
  );
});

test('disabled schedules do not fire; an update replaces the set; a clock jump fires once, not per missed run', () => {
  const { time, fired, scheduler } = record('2027-01-01T00:00:00Z', [
    { ...spec('*/10 * * * *', 'UTC'), enabled: false },
  ]);
  time.advanceTo('2027-01-01T01:00:00Z');
  assert.equal(fired.length, 0);
  scheduler.update([spec('*/10 * * * *', 'UTC', 's2')]);
  time.advanceTo('2027-01-01T01:10:00Z');
  assert.deepEqual(
    fired.map((f) => f.at),
    ['2027-01-01T01:10:00.000Z'],
  );
  // The machine sleeps through five occurrences: one run on waking, then back on the grid.
  const { time: t2, fired: f2 } = record('2027-01-01T00:00:00Z', [spec('*/10 * * * *', 'UTC')]);
  t2.jumpTo('2027-01-01T00:55:00Z');
  assert.deepEqual(f2, [{ id: 's1', at: '2027-01-01T00:10:00.000Z', firedAt: '2027-01-01T00:55:00.000Z' }]);
  t2.advanceTo('2027-01-01T01:00:00Z');
  assert.deepEqual(
    f2.map((f) => f.firedAt),
    ['2027-01-01T00:55:00.000Z', '2027-01-01T01:00:00.000Z'],
  );
  scheduler.stop();
});
