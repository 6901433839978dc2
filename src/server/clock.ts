/** Time source, injected so heartbeat and expiry logic can be tested without waiting. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
