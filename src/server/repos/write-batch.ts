import { databaseUnreachable, retryWhileUnreachable } from '../db/db-errors.ts';
import type { Repos, Store } from './store.ts';

/** Writes gathered into one transaction at most; more wait for the next. */
const MAX_BATCH = 1000;

interface Pending {
  write: (r: Repos) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for small, frequent writes (presence, link sessions, last seen): writes that arrive while a batch is
 * being committed go together into the next transaction. A lone write waits for no timer, so nothing gets slower
 * when it is quiet; a reconnect storm of thousands of links costs a few transactions instead of thousands.
 *
 * Each write resolves once its transaction has committed. When a batch fails, its writes are retried one by one,
 * so one bad write never takes the others down with it. While the database is unreachable (a restart, a dropped
 * connection) the batch is tried again, whole and first, with a growing wait: presence is recorded late, never lost.
 */
export function createWriteBatch(
  store: Store,
  opts: { sleep?: (ms: number) => Promise<void>; onUnreachable?: (why: string) => void } = {},
) {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let queue: Pending[] = [];
  let draining = false;

  /** Commit the batch; while the database is unreachable, the whole batch is tried again. */
  const commit = (batch: Pending[]) =>
    retryWhileUnreachable(() => commitOnce(batch), {
      sleep,
      ...(opts.onUnreachable ? { onRetry: opts.onUnreachable } : {}),
    });

  async function commitOnce(batch: Pending[]) {
    try {
      const results = await store.transaction(async (r) => {
        const out: unknown[] = [];
        for (const p of batch) out.push(await p.write(r));
        return out;
      });
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (databaseUnreachable(err)) throw err;
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const p of batch) await commit([p]);
    }
  }

  async function drain() {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      await commit(batch);
    }
    draining = false;
  }

  return {
    /** Run `write` in the next batch's transaction; resolves with its result after the commit. */
    write<T>(write: (r: Repos) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
        if (!draining) {
          draining = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
export type WriteBatch = ReturnType<typeof createWriteBatch>;
