import type { Clock } from '../clock.ts';
import type { Store } from './store.ts';

/**
 * Answers kept while the database and the clock's second stay the same: a hundred browsers polling the same
 * page of a large fleet cost one read a second, not a hundred, and never see anything older than the last
 * committed write. The mark is taken before the read, so a write committed during the read only makes the next
 * request read again. Concurrent requests for the same answer share one read. At most `size` answers are kept,
 * the oldest going first; when the database gives no mark, every request reads.
 */
export function createReadCache<T>(deps: { store: Store; clock: Clock; size: number }) {
  const kept = new Map<string, { mark: string; second: number; value: Promise<T> }>();
  return async function read(key: string, load: () => Promise<T>): Promise<T> {
    const mark = await deps.store.changeMark();
    if (mark === null) return load();
    const second = Math.floor(deps.clock.now() / 1000);
    const hit = kept.get(key);
    if (hit && hit.mark === mark && hit.second === second) return hit.value;
    const value = load();
    kept.delete(key);
    if (kept.size >= deps.size) kept.delete(kept.keys().next().value!);
    const entry = { mark, second, value };
    kept.set(key, entry);
    value.catch(() => {
      if (kept.get(key) === entry) kept.delete(key);
    });
    return value;
  };
}
