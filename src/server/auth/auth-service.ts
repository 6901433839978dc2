import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import { AppError } from '../errors.ts';
import { isUser, type Actor, type UserActor } from '../actor.ts';
import type { Repos, Store } from '../repos/store.ts';
import { SESSION_TTL_MS, type Principal, type Role } from './auth-types.ts';
import { createSignInGuard } from './sign-in-guard.ts';

/** A new user: name, password and role (validated where it arrives: the API or the CLI). */
export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export { LOCK_AFTER, SLOW_AFTER } from './sign-in-guard.ts';

/** Users, passwords and login sessions. */
export function createAuthService(deps: {
  store: Store;
  clock: Clock;
  /** Told after any user's password changed (the server removes the first admin's initial password file). */
  onPasswordChanged?: (username: string) => void;
}) {
  const { store, clock } = deps;
  const repo = store.repos.auth;
  // Verifying against a real hash for unknown users keeps login time the same whether or not the name exists.
  const dummyHash = argon2.hash('not-a-real-password', ARGON2);
  const guard = createSignInGuard({ store, clock });

  /** A new login session for a user; returns the raw token for the cookie (only its hash is stored). */
  async function startSession(r: Repos, userId: string, sourceIp: string | null): Promise<string> {
    const token = newSecret('mss_');
    const now = clock.now();
    await r.auth.insertSession({
      id: randomUUID(),
      user_id: userId,
      token_hash: sha256Hex(token),
      created_at: now,
      expires_at: now + SESSION_TTL_MS,
      source_ip: sourceIp,
    });
    return token;
  }

  return {
    async createUser(actor: Actor, input: NewUser): Promise<{ id: string; username: string; role: Role }> {
      const id = randomUUID();
      const password_hash = await argon2.hash(input.password, ARGON2);
      await store.transaction(async (r) => {
        await r.auth.insertUser({
          id,
          username: input.username,
          password_hash,
          role: input.role,
          disabled: 0,
          created_at: clock.now(),
        });
        if (actor.kind !== 'system')
          await r.audit.record(
            actor,
            'user.created',
            { type: 'user', id },
            { username: input.username, role: input.role },
          );
      });
      return { id, username: input.username, role: input.role };
    },

    /**
     * Check a user name (any case) and password; on success returns the raw session token for the cookie. Failures
     * count per account from any address: from the SLOW_AFTER-th on, the account takes no attempt (right or wrong)
     * until a growing wait has passed (429 with Retry-After); at LOCK_AFTER it is locked until an admin unlocks it.
     */
    async login(username: string, password: string, sourceIp: string | null) {
      const user = await repo.findUserByUsername(username);
      const anonymous: Actor = { kind: 'anonymous', ip: sourceIp };
      await guard.admit(user, username, anonymous);
      const ok = await argon2.verify(user?.password_hash ?? (await dummyHash), password);
      if (!user || !ok || user.disabled) {
        await guard.refused(user && !ok ? user : null, username, anonymous, 'wrong user name or password');
        throw new AppError('UNAUTHENTICATED', 'wrong user name or password');
      }
      const failures = user.failed_logins ?? 0;
      const actor: Actor = {
        kind: 'user',
        userId: user.id,
        username: user.username,
        role: user.role,
        ip: sourceIp,
      };
      const token = await store.transaction(async (r) => {
        if (failures > 0) await r.auth.clearFailures(user.id);
        await r.audit.record(actor, 'auth.login', null, { username: user.username });
        return startSession(r, user.id, sourceIp);
      });
      return { token, user: { id: user.id, username: user.username, role: user.role } };
    },

    /** Lift a user's sign-in lock and forget their failures (an admin's call, audited). */
    async unlockUser(actor: Actor, id: string) {
      await store.transaction(async (r) => {
        const user = await r.auth.findUserById(id);
        if (!user) throw new AppError('NOT_FOUND', `user ${id} does not exist`);
        await r.auth.clearFailures(id);
        await r.audit.record(actor, 'user.unlocked', { type: 'user', id }, { username: user.username });
      });
    },

    /** The principal behind a session token, or null when it is unknown or expired. */
    async authenticateSession(token: string): Promise<Principal | null> {
      const s = await repo.findSession(sha256Hex(token));
      if (!s || s.disabled) return null;
      if (s.expires_at <= clock.now()) {
        await repo.deleteSession(sha256Hex(token));
        return null;
      }
      return { userId: s.user_id, username: s.username, role: s.role, via: 'session' };
    },

    /** End a session; `actor` (its user, when it was valid) is recorded as signing out. */
    logout: (token: string, actor: UserActor | null) =>
      store.transaction(async (r) => {
        await r.auth.deleteSession(sha256Hex(token));
        if (actor) await r.audit.record(actor, 'auth.logout', null, { username: actor.username });
      }),
    sweepSessions: () => repo.deleteExpiredSessions(clock.now()),
    listUsers: async () =>
      (await repo.listUsers()).map(({ id, username, role, disabled, locked_at, created_at }) => ({
        id,
        username,
        role,
        disabled: disabled === 1,
        locked: locked_at != null,
        created_at,
      })),
    countUsers: () => repo.countUsers(),
    findUserByUsername: (username: string) => repo.findUserByUsername(username),
    /** Change role or disabled flag; disabling ends the user's sessions. */
    async updateUser(actor: Actor, id: string, set: { role?: Role; disabled?: boolean }) {
      if (isUser(actor, id) && (set.role !== undefined || set.disabled === true))
        throw new AppError('SELF_DEMOTION', 'admins cannot demote or disable themselves; ask another admin');
      const after = await store.transaction(async (r) => {
        const before = await r.auth.findUserById(id);
        if (!before) throw new AppError('NOT_FOUND', `user ${id} does not exist`);
        await r.auth.updateUser(id, {
          ...(set.role !== undefined ? { role: set.role } : {}),
          ...(set.disabled !== undefined ? { disabled: set.disabled ? 1 : 0 } : {}),
        });
        if (set.disabled) await r.auth.deleteSessionsOf(id);
        const target = { type: 'user', id };
        if (set.role !== undefined && set.role !== before.role)
          await r.audit.record(actor, 'user.role_changed', target, { from: before.role, to: set.role });
        if (set.disabled !== undefined && set.disabled !== (before.disabled === 1))
          await r.audit.record(actor, set.disabled ? 'user.disabled' : 'user.enabled', target);
        return (await r.auth.findUserById(id))!;
      });
      return {
        id: after.id,
        username: after.username,
        role: after.role,
        disabled: after.disabled === 1,
        locked: after.locked_at != null,
        created_at: after.created_at,
      };
    },
    /**
     * Set a user's password and end every session of theirs. Users changing their own give the current one; an
     * admin resetting someone else's (or `muster user passwd` on the server's machine, as the system) does not.
     * For a user changing their own, returns a fresh session token so the browser they used stays signed in.
     */
    async changePassword(
      actor: Actor,
      userId: string,
      password: string,
      opts: { current?: string } = {},
    ): Promise<{ token: string | null }> {
      const user = await repo.findUserById(userId);
      if (!user) throw new AppError('NOT_FOUND', `user ${userId} does not exist`);
      const own = isUser(actor, userId);
      if (own) {
        if (opts.current === undefined || !(await argon2.verify(user.password_hash, opts.current)))
          throw new AppError('WRONG_PASSWORD', 'the current password is wrong');
      } else if ((actor.kind === 'user' || actor.kind === 'api_key') && actor.role !== 'admin') {
        throw new AppError('FORBIDDEN', "only admins set another user's password");
      }
      const hash = await argon2.hash(password, ARGON2);
      const token = await store.transaction(async (r) => {
        await r.auth.setPassword(userId, hash);
        await r.auth.deleteSessionsOf(userId);
        // A new password set for the user (by an admin, or on the server's machine) also lifts a lock.
        if (!own) await r.auth.clearFailures(userId);
        await r.audit.record(
          actor,
          own ? 'user.password_changed' : 'user.password_reset',
          {
            type: 'user',
            id: userId,
          },
          { username: user.username },
        );
        return own ? startSession(r, userId, 'ip' in actor ? actor.ip : null) : null;
      });
      deps.onPasswordChanged?.(user.username);
      return { token };
    },
    /** Whether `password` is the user's current one (the server checks the first admin's initial password). */
    async passwordIs(username: string, password: string): Promise<boolean> {
      const user = await repo.findUserByUsername(username);
      return !!user && (await argon2.verify(user.password_hash, password));
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
