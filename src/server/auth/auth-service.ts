import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import { AppError } from '../errors.ts';
import { isUser, type Actor, type UserActor } from '../actor.ts';
import type { Repos, Store } from '../repos/store.ts';
import type { AccessService } from './access-service.ts';
import type { AuthPolicy, AuthPolicyService } from './auth-policy.ts';
import type { Principal, Role } from './auth-types.ts';
import { highestRole } from './grants.ts';
import type { SecondFactors } from './second-factors.ts';
import { createSignInGuard } from './sign-in-guard.ts';

/** Password sign-in: for everyone, for nobody (identity provider only), or for global admins only (break-glass). */
export type LocalLogin = 'on' | 'off' | 'admins';
/** How a session was opened. */
export type SignInMethod = 'password' | 'password+totp' | 'password+recovery_code' | 'passkey' | 'oidc';
/** Where a sign-in comes from. */
export interface SignInFrom {
  ip: string | null;
  userAgent: string | null;
}
/** Whether a session is still good at `now`: before its expiry, its lifetime, and its idle timeout. */
const alive = (
  s: { created_at: number; expires_at: number; last_used_at?: number | null },
  p: AuthPolicy,
  now: number,
) =>
  s.expires_at > now &&
  now - s.created_at < p.session_lifetime_hours * 3600_000 &&
  now - (s.last_used_at ?? s.created_at) < p.session_idle_minutes * 60_000;

/** last_used_at of a session is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

/** A new user: name, password and role (validated where it arrives: the API or the CLI). */
export interface NewUser {
  username: string;
  password: string;
  /** The role over the whole server; `none` for a user who is given roles in spaces or rooms. */
  role: Role | 'none';
}

const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export { LOCK_AFTER, SLOW_AFTER } from './sign-in-guard.ts';

/** Users, passwords and login sessions. */
export function createAuthService(deps: {
  store: Store;
  clock: Clock;
  /** Told after any user's password changed (the server removes the first admin's initial password file). */
  onPasswordChanged?: (username: string) => void;
  access: AccessService;
  policy: AuthPolicyService;
  factors: SecondFactors;
  localLogin?: LocalLogin;
}) {
  const { store, clock, access, policy, factors } = deps;
  const localLogin = deps.localLogin ?? 'on';
  const repo = store.repos.auth;
  // Verifying against a real hash for unknown users keeps login time the same whether or not the name exists.
  const dummyHash = argon2.hash('not-a-real-password', ARGON2);
  const guard = createSignInGuard({ store, clock });

  /**
   * A new login session for a user, living `lifetimeHours` (the policy's, read before the caller's transaction);
   * returns the raw token for the cookie (only its hash is stored).
   */
  async function startSession(
    r: Repos,
    lifetimeHours: number,
    userId: string,
    from: SignInFrom,
    method: SignInMethod,
    restricted = false,
    idToken: string | null = null,
  ): Promise<string> {
    const token = newSecret('mss_');
    const now = clock.now();
    await r.auth.insertSession({
      id: randomUUID(),
      user_id: userId,
      token_hash: sha256Hex(token),
      created_at: now,
      expires_at: now + lifetimeHours * 3600_000,
      source_ip: from.ip,
      user_agent: from.userAgent?.slice(0, 300) ?? null,
      last_used_at: now,
      method,
      restricted: restricted ? 1 : 0,
      id_token: idToken,
    });
    return token;
  }

  /** Whether the policy wants a second factor of this user (local sign-in; the identity provider has its own). */
  async function needsSecondFactor(user: { id: string; role: Role | 'none' }): Promise<boolean> {
    const p = await policy.get();
    if (p.second_factor === 'off') return false;
    if (p.second_factor === 'admins') {
      const g = await access.grantsOf(user);
      if (highestRole(g) !== 'admin') return false;
    }
    return !(await factors.hasAny(user.id));
  }

  /** Open a session for a user proved another way (a passkey, the identity provider); audited as a sign-in. */
  async function signInAs(
    userId: string,
    method: SignInMethod,
    from: SignInFrom,
    idToken: string | null = null,
  ) {
    const user = await repo.findUserById(userId);
    if (!user || user.disabled) throw new AppError('UNAUTHENTICATED', 'this account is disabled or gone');
    if (user.locked_at)
      throw new AppError(
        'ACCOUNT_LOCKED',
        'this account is locked after failed sign-ins; an admin unlocks it',
      );
    const actor: Actor = { kind: 'user', userId: user.id, username: user.username, role: null, ip: from.ip };
    // Read before the transaction: SQLite has one connection, which the transaction holds.
    const lifetime = (await policy.get()).session_lifetime_hours;
    const token = await store.transaction(async (r) => {
      await r.audit.record(actor, 'auth.login', null, { username: user.username, method });
      return startSession(r, lifetime, user.id, from, method, false, idToken);
    });
    return { token, principal: await principalOf(user, method, false) };
  }

  /** The principal a new session of this user is: their roles as a request of it will see them. */
  async function principalOf(
    user: {
      id: string;
      username: string;
      role: Role | 'none';
      oidc_groups?: string | null;
      password_change_required?: number;
    },
    method: SignInMethod,
    restricted: boolean,
  ): Promise<Principal> {
    const grants = await access.grantsOf(user);
    return {
      userId: user.id,
      username: user.username,
      role: highestRole(grants),
      grants,
      via: 'session',
      method,
      restricted,
      passwordChangeRequired: user.password_change_required === 1,
    };
  }

  return {
    async createUser(
      actor: Actor,
      input: NewUser,
      opts: { passwordChangeRequired?: boolean } = {},
    ): Promise<{ id: string; username: string; role: Role | 'none' }> {
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
          password_change_required: opts.passwordChangeRequired ? 1 : 0,
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
    async login(username: string, password: string, from: SignInFrom, code?: string) {
      const user = await repo.findUserByUsername(username);
      const anonymous: Actor = { kind: 'anonymous', ip: from.ip };
      await guard.admit(user, username, anonymous);
      const ok = await argon2.verify(user?.password_hash ?? (await dummyHash), password);
      if (!user || !ok || user.disabled) {
        await guard.refused(user && !ok ? user : null, username, anonymous, 'wrong user name or password');
        throw new AppError('UNAUTHENTICATED', 'wrong user name or password');
      }
      if (localLogin !== 'on') {
        const g = await access.grantsOf(user);
        if (localLogin === 'off' || g.global !== 'admin')
          throw new AppError(
            'LOCAL_LOGIN_OFF',
            localLogin === 'off'
              ? 'sign-in with a password is off on this server; use the identity provider'
              : 'sign-in with a password is kept for admins on this server; use the identity provider',
          );
      }
      let method: SignInMethod = 'password';
      const passkeys = await store.repos.factors.passkeysOf(user.id);
      if (user.totp_secret_enc || passkeys.length > 0) {
        const methods = [
          ...(user.totp_secret_enc ? ['totp', 'recovery code'] : []),
          ...(passkeys.length ? ['passkey'] : []),
        ];
        if (code === undefined || !user.totp_secret_enc)
          throw new AppError(
            'SECOND_FACTOR_REQUIRED',
            `this account has a second factor: ${user.totp_secret_enc ? 'send the password again with "totp" (a code from the app or a recovery code)' : 'sign in with the passkey'}; methods: ${methods.join(', ')}`,
          );
        const proved = await factors.verifyCode(user, code);
        if (!proved) {
          // A wrong code counts like a wrong password: slowed down, then locked.
          await guard.refused(user, username, anonymous, 'wrong second factor');
          throw new AppError('SECOND_FACTOR_INVALID', 'the code is wrong or was used already');
        }
        method = proved === 'totp' ? 'password+totp' : 'password+recovery_code';
      }
      const restricted = method === 'password' && (await needsSecondFactor(user));
      const failures = user.failed_logins ?? 0;
      const actor: Actor = {
        kind: 'user',
        userId: user.id,
        username: user.username,
        role: null,
        ip: from.ip,
      };
      // Read before the transaction: SQLite has one connection, which the transaction holds.
      const lifetime = (await policy.get()).session_lifetime_hours;
      const token = await store.transaction(async (r) => {
        if (failures > 0) await r.auth.clearFailures(user.id);
        // The second factor's use is in the record: the method names it (a recovery code included).
        await r.audit.record(actor, 'auth.login', null, { username: user.username, method });
        return startSession(r, lifetime, user.id, from, method, restricted);
      });
      return { token, principal: await principalOf(user, method, restricted) };
    },

    signInAs,

    /** Lift a user's sign-in lock and forget their failures (an admin's call, audited). */
    async unlockUser(actor: Actor, id: string) {
      await store.transaction(async (r) => {
        const user = await r.auth.findUserById(id);
        if (!user) throw new AppError('NOT_FOUND', `user ${id} does not exist`);
        await r.auth.clearFailures(id);
        await r.audit.record(actor, 'user.unlocked', { type: 'user', id }, { username: user.username });
      });
    },

    /** The principal behind a session token, or null when it is unknown, expired or idle too long. */
    async authenticateSession(token: string): Promise<Principal | null> {
      const s = await repo.findSession(sha256Hex(token));
      if (!s || s.disabled) return null;
      const now = clock.now();
      const p = await policy.get();
      const lastUse = s.last_used_at ?? s.created_at;
      if (!alive(s, p, now)) {
        await repo.deleteSession(sha256Hex(token));
        return null;
      }
      if (now - lastUse > TOUCH_EVERY_MS) await repo.touchSession(s.session_id, now);
      const grants = await access.grantsOf({ id: s.user_id, role: s.role, oidc_groups: s.oidc_groups });
      return {
        userId: s.user_id,
        username: s.username,
        role: highestRole(grants),
        grants,
        via: 'session',
        sessionId: s.session_id,
        method: s.method ?? 'password',
        restricted: s.restricted === 1,
        passwordChangeRequired: s.password_change_required === 1,
      };
    },

    /** A user's sessions; `current` marks the one asking. */
    async sessionsOf(userId: string, current?: string) {
      const now = clock.now();
      const p = await policy.get();
      return (await repo.sessionsOf(userId))
        .filter((s) => alive(s, p, now))
        .map((s) => ({
          id: s.id,
          created_at: s.created_at,
          last_used_at: s.last_used_at ?? s.created_at,
          expires_at: Math.min(s.expires_at, s.created_at + p.session_lifetime_hours * 3600_000),
          address: s.source_ip,
          device: s.user_agent ?? null,
          method: s.method ?? 'password',
          current: s.id === current,
        }));
    },

    /** End a session: one's own, or anyone's for a global admin (audited). */
    async endSession(actor: UserActor, id: string, asAdmin: boolean) {
      const s = await repo.findSessionById(id);
      if (!s || (s.user_id !== actor.userId && !asAdmin))
        throw new AppError('NOT_FOUND', `session ${id} does not exist`);
      await store.transaction(async (r) => {
        await r.auth.deleteSessionById(id);
        await r.audit.record(
          actor,
          'auth.session_ended',
          { type: 'user', id: s.user_id },
          { session_id: id },
        );
      });
    },

    /**
     * End a session; `actor` (its user, when it was valid) is recorded as signing out. Returns the provider's ID token
     * of a session opened through it (for its end-session endpoint).
     */
    logout: (token: string, actor: UserActor | null) =>
      store.transaction(async (r) => {
        const idToken = await r.auth.sessionIdToken(sha256Hex(token));
        await r.auth.deleteSession(sha256Hex(token));
        if (actor) await r.audit.record(actor, 'auth.logout', null, { username: actor.username });
        return idToken;
      }),
    sweepSessions: async () => {
      await repo.deleteExpiredSessions(clock.now());
      await store.repos.factors.pruneChallenges(clock.now());
    },
    listUsers: async () =>
      (await repo.listUsers()).map(
        ({ id, username, role, disabled, locked_at, created_at, oidc_subject }) => ({
          id,
          username,
          role,
          disabled: disabled === 1,
          sso: oidc_subject != null,
          locked: locked_at != null,
          created_at,
        }),
      ),
    countUsers: () => repo.countUsers(),
    findUserByUsername: (username: string) => repo.findUserByUsername(username),
    /** Change role or disabled flag; disabling ends the user's sessions. */
    async updateUser(actor: Actor, id: string, set: { role?: Role | 'none'; disabled?: boolean }) {
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
        // (the route lets only global admins through; this guards other callers)
        throw new AppError('FORBIDDEN', "only admins set another user's password");
      }
      const hash = await argon2.hash(password, ARGON2);
      // Read before the transaction: SQLite has one connection, which the transaction holds.
      const lifetime = (await policy.get()).session_lifetime_hours;
      const token = await store.transaction(async (r) => {
        await r.auth.setPassword(userId, hash, own || actor.kind === 'system');
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
        return own
          ? startSession(
              r,
              lifetime,
              userId,
              { ip: 'ip' in actor ? actor.ip : null, userAgent: null },
              'password',
            )
          : null;
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
