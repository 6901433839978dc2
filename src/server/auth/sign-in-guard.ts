import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { UsersTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';

/** Failed sign-ins in a row after which an account waits between attempts. */
export const SLOW_AFTER = 5;
/** Failed sign-ins in a row after which an account is locked until an admin unlocks it. */
export const LOCK_AFTER = 20;
/** The wait after `failures` failures in a row: 1 s after the fifth, doubling, at most 5 minutes. */
const slowDownMs = (failures: number) => Math.min(1000 * 2 ** (failures - SLOW_AFTER), 5 * 60_000);

/**
 * Password guessing against one account, from any address: from the SLOW_AFTER-th failure in a row the account takes
 * no attempt (right or wrong) until a growing wait has passed (429 with Retry-After); at LOCK_AFTER it is locked
 * until an admin unlocks it. Every refusal is audited as `auth.login_failed`.
 */
export function createSignInGuard(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const repo = store.repos.auth;

  async function refused(
    user: UsersTable | null,
    username: string,
    anonymous: Actor,
    why: string,
  ): Promise<void> {
    await store.repos.audit.record(anonymous, 'auth.login_failed', null, {
      username: username.slice(0, 200),
      reason: why,
    });
    // Only a wrong password for an existing account counts towards its lock.
    if (!user) return;
    const n = await repo.failedLogin(user.id, clock.now());
    if (n >= LOCK_AFTER)
      await store.transaction(async (r) => {
        await r.auth.lockUser(user.id, clock.now());
        await r.audit.record(
          anonymous,
          'user.locked',
          { type: 'user', id: user.id },
          { username: user.username, failed_logins: n },
        );
      });
  }

  return {
    /** Before the password is checked: a locked account, or one that must wait, is refused (and audited). */
    async admit(user: UsersTable | undefined, username: string, anonymous: Actor): Promise<void> {
      if (user?.locked_at) {
        await refused(null, username, anonymous, 'locked');
        throw new AppError(
          'ACCOUNT_LOCKED',
          `this account is locked after ${LOCK_AFTER} failed sign-ins; an admin unlocks it (Users page, or POST /api/users/{id}/unlock)`,
        );
      }
      const failures = user?.failed_logins ?? 0;
      if (!user || failures < SLOW_AFTER) return;
      const now = clock.now();
      const pause = slowDownMs(failures);
      const waitMs = pause - (now - (user.last_failed_at ?? 0));
      // One attempt per wait, even from a burst of concurrent ones: the first takes it, the rest wait.
      if (waitMs > 0 || !(await repo.takeAttempt(user.id, now, now - pause))) {
        await refused(null, username, anonymous, 'slowed down');
        throw new AppError(
          'RATE_LIMITED',
          `too many failed sign-ins for this account; try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
          { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
        );
      }
    },
    /** The sign-in failed: audited; a wrong password of an existing account (`user`) counts towards its lock. */
    refused,
  };
}
