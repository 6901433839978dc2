import { Cron } from 'croner';
import type { ScheduleSpec } from '../../protocol/schedules.ts';

import type { AgentClock } from '../clock.ts';

/** The clock schedules fire by (the agent's, shifted in tests). */
export type SchedulerClock = AgentClock;

/** Longest sleep between checks, so a clock that jumps (suspend, NTP) is noticed within a minute. */
const MAX_SLEEP_MS = 60_000;

/**
 * When the schedule fires next after `after` (ms), in its own time zone and `delay_seconds` after the cron time
 * (a plan's spread); null when never.
 */
export function nextFire(
  spec: Pick<ScheduleSpec, 'cron' | 'timezone'> & { delay_seconds?: number },
  after: number,
): number | null {
  const delay = (spec.delay_seconds ?? 0) * 1000;
  const next = new Cron(spec.cron, { timezone: spec.timezone, paused: true }).nextRun(
    new Date(after - delay),
  );
  return next ? next.getTime() + delay : null;
}

/**
 * Fires the schedules the server pushed, on the agent, whether or not the server is reachable.
 * Like cron, a run missed while the agent was not running is not made up later; a run still
 * going when its next time comes is not started twice (the overlap is logged).
 */
export function createScheduler(o: {
  clock: SchedulerClock;
  fire: (spec: ScheduleSpec, scheduledFor: number) => void;
  log: (level: 'info' | 'warn', msg: string) => void;
}) {
  let entries: { spec: ScheduleSpec; next: number | null }[] = [];
  let timer: unknown = null;

  function arm() {
    if (timer !== null) o.clock.clearTimeout(timer);
    timer = null;
    const soonest = Math.min(...entries.map((e) => e.next ?? Infinity));
    if (soonest === Infinity) return;
    const wait = Math.max(0, Math.min(MAX_SLEEP_MS, soonest - o.clock.now()));
    timer = o.clock.setTimeout(tick, wait);
  }

  function tick() {
    timer = null;
    const now = o.clock.now();
    for (const e of entries) {
      if (e.next === null || e.next > now) continue;
      const due = e.next;
      e.next = nextFire(e.spec, Math.max(now, due));
      try {
        o.fire(e.spec, due);
      } catch (err) {
        o.log('warn', `schedule ${e.spec.id} could not start: ${String(err)}`);
      }
    }
    arm();
  }

  return {
    /** Replace the schedules (from welcome or config.update). Invalid ones are skipped with a warning. */
    update(specs: ScheduleSpec[]): void {
      const now = o.clock.now();
      entries = [];
      for (const spec of specs) {
        if (!spec.enabled) continue;
        try {
          entries.push({ spec, next: nextFire(spec, now) });
        } catch (err) {
          o.log('warn', `schedule ${spec.id} ignored: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const soonest = Math.min(...entries.map((e) => e.next ?? Infinity));
      if (specs.length)
        o.log(
          'info',
          `${entries.length} of ${specs.length} schedules active${soonest < Infinity ? `; next run at ${new Date(soonest).toISOString()}` : ''}`,
        );
      arm();
    },
    /** Next fire time per schedule, for status output. */
    upcoming: () => entries.map((e) => ({ id: e.spec.id, next_at: e.next })),
    stop(): void {
      if (timer !== null) o.clock.clearTimeout(timer);
      timer = null;
      entries = [];
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
