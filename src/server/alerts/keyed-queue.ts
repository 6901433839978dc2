/**
 * Work queued by key: the work of one key runs one after the other, in the order it was queued (a failure does not
 * stop what follows); different keys run side by side.
 */
export function createKeyedQueue() {
  const chains = new Map<string, Promise<unknown>>();
  return function inOrder<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (chains.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = next.catch(() => undefined);
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return next;
  };
}
