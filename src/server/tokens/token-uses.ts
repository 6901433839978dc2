import { retryWhileUnreachable } from '../db/db-errors.ts';
import type { Store } from '../repos/store.ts';

/**
 * The uses of tokens that have no limit, counted after each claim has committed rather than inside it.
 *
 * Counting a use inside the claim's transaction locks the token's row until the commit, so the claims of a fleet's
 * rollout, which all name the space's one token, commit one after another on PostgreSQL however many arrive at
 * once. A token with no limit has nothing to check, so its uses are added after the claim: the uses asked for
 * while one addition is being written are summed into the next, one statement a token. A token with a limit is
 * still counted inside the claim (`admitNode`), where the last use is refused.
 *
 * `count` resolves once the use is written, so a claim answered has its use counted (a crash between the claim's
 * commit and the count's loses that use from the figure, not the claim). It never rejects: the claim stands
 * whatever becomes of the count, and a count that cannot be written is told to `warn`.
 */
export function createTokenUses(
  store: Store,
  warn: (msg: string, err: unknown) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
) {
  let pending = new Map<string, number>();
  let waiting: (() => void)[] = [];
  let writing = false;

  async function write() {
    while (pending.size > 0) {
      const counts = pending;
      const done = waiting;
      pending = new Map();
      waiting = [];
      for (const [id, n] of counts) {
        try {
          await retryWhileUnreachable(() => store.repos.tokens.addUses(id, n), { sleep });
        } catch (err) {
          warn(`${n} use(s) of token ${id} could not be counted`, err);
        }
      }
      for (const resolve of done) resolve();
    }
    writing = false;
  }

  return {
    /** Count one use of the token `id` (one with no limit); resolves once it is written. */
    count(id: string): Promise<void> {
      pending.set(id, (pending.get(id) ?? 0) + 1);
      const written = new Promise<void>((resolve) => waiting.push(resolve));
      if (!writing) {
        writing = true;
        void write();
      }
      return written;
    },
  };
}
export type TokenUses = ReturnType<typeof createTokenUses>;
