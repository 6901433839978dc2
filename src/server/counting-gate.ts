/**
 * How many of something each key (an address, a user) holds at once, up to `limit`: `take` answers null when the
 * key holds its most, else a release that gives the place back (safe to call more than once).
 */
export function countingGate(limit: number) {
  const held = new Map<string, number>();
  return {
    take(key: string): (() => void) | null {
      const n = held.get(key) ?? 0;
      if (n >= limit) return null;
      held.set(key, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left > 0) held.set(key, left);
        else held.delete(key);
      };
    },
  };
}
