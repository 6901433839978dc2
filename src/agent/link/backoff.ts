/** Reconnect delays: exponential with full jitter between min and the growing cap; reset after a stable link. */
export function createBackoff(
  opts: { base: number; minSeconds: number; maxSeconds: number },
  random: () => number = Math.random,
) {
  let attempt = 0;
  let params = { ...opts };
  return {
    /** Milliseconds to wait before the next attempt. */
    next(): number {
      const cap = Math.min(params.maxSeconds, params.minSeconds * params.base ** attempt);
      attempt++;
      return Math.round((params.minSeconds + random() * (cap - params.minSeconds)) * 1000);
    },
    reset(): void {
      attempt = 0;
    },
    /** The server tells every agent its backoff in /api/v1/env. */
    configure(p: { base: number; minSeconds: number; maxSeconds: number }): void {
      if (p.base >= 1 && p.minSeconds >= 0 && p.maxSeconds >= p.minSeconds) params = { ...p };
    },
    get attempt() {
      return attempt;
    },
  };
}
export type Backoff = ReturnType<typeof createBackoff>;
