/**
 * Time as the agent reads it, injected so that the link, the job journal and the schedules can be driven by a test
 * without waiting (the server's Clock and Timers are the same idea).
 */
export interface AgentClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The machine's clock. */
export const systemClock: AgentClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
