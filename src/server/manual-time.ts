import type { Clock, Timers } from './clock.ts';

/**
 * A clock and timers that move only when told, for unit tests: `advance(ms)` runs every timer that falls due, in
 * order. Not used by the server itself.
 */
export function manualTime(start = 1_700_000_000_000) {
  let now = start;
  let nextId = 1;
  const due = new Map<number, { at: number; fn: () => void; every: number | null }>();
  const clock: Clock = { now: () => now };
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      due.set(id, { at: now + ms, fn, every: null });
      return id;
    },
    setInterval: (fn, ms) => {
      const id = nextId++;
      due.set(id, { at: now + ms, fn, every: ms });
      return id;
    },
    clearTimeout: (h) => void due.delete(h as number),
    clearInterval: (h) => void due.delete(h as number),
  };
  return {
    clock,
    timers,
    /** Move time forward, running what falls due on the way. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        const [id, t] = next;
        now = t.at;
        if (t.every) t.at += t.every;
        else due.delete(id);
        t.fn();
      }
      now = until;
    },
    /** Timers waiting to fire. */
    pending: () => due.size,
  };
}
