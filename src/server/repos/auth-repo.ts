import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SessionsTable, UsersTable } from '../db/schema.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { AppError } from '../errors.ts';

/** Queries for users, sessions and API keys. */
export function createAuthRepo(db: Db) {
  return {
    /** The user whose name is this one whatever its case (`Admin` is `admin`). */
    findUserByUsername: (username: string) =>
      db
        .selectFrom('users')
        .selectAll()
        .where(sql<string>`lower(username)`, '=', username.toLowerCase())
        .executeTakeFirst(),
    /** Count a failed sign-in of the user; the failures in a row so far. */
    async failedLogin(id: string, at: number): Promise<number> {
      const r = await db
        .updateTable('users')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), last_failed_at: at }))
        .where('id', '=', id)
        .returning('failed_logins')
        .executeTakeFirst();
      return Number(r?.failed_logins ?? 0);
    },
    /**
     * Take the one attempt a slowed-down account may have now: true (and its wait starts again) when its last failure
     * is at or before `notAfter`; false when another attempt took it first.
     */
    async takeAttempt(id: string, at: number, notAfter: number): Promise<boolean> {
      const r = await db
        .updateTable('users')
        .set({ last_failed_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_failed_at', 'is', null), eb('last_failed_at', '<=', notAfter)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    lockUser: (id: string, at: number) =>
      db
        .updateTable('users')
        .set({ locked_at: at })
        .where('id', '=', id)
        .where('locked_at', 'is', null)
        .execute(),
    /** Forget the user's failed sign-ins and lift a lock. */
    clearFailures: (id: string) =>
      db
        .updateTable('users')
        .set({ failed_logins: 0, last_failed_at: null, locked_at: null })
        .where('id', '=', id)
        .execute(),
    findUserById: (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    countUsers: async () => {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    listUsers: () => db.selectFrom('users').selectAll().orderBy('username').execute(),
    async insertUser(row: UsersTable): Promise<void> {
      const taken = await db
        .selectFrom('users')
        .select('username')
        .where(sql<string>`lower(username)`, '=', row.username.toLowerCase())
        .executeTakeFirst();
      if (taken)
        throw new AppError(
          'USERNAME_TAKEN',
          `a user named ${taken.username} already exists (names ignore case)`,
        );
      try {
        await db.insertInto('users').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError('USERNAME_TAKEN', `a user named ${row.username} already exists`);
        throw err;
      }
    },
    /** Set a password; `chosen`: by the user themself, so no change is asked of them any more. */
    setPassword: (id: string, hash: string, chosen: boolean) =>
      db
        .updateTable('users')
        .set(chosen ? { password_hash: hash, password_change_required: 0 } : { password_hash: hash })
        .where('id', '=', id)
        .execute(),
    insertSession: (row: SessionsTable) => db.insertInto('sessions').values(row).execute(),
    findSession: (tokenHash: string) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.created_at',
          'sessions.expires_at',
          'sessions.last_used_at',
          'sessions.restricted',
          'sessions.method',
          'users.id as user_id',
          'users.username',
          'users.role',
          'users.disabled',
          'users.oidc_groups',
          'users.password_change_required',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .executeTakeFirst(),
    sessionIdToken: async (tokenHash: string) =>
      (
        await db
          .selectFrom('sessions')
          .select('id_token')
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst()
      )?.id_token ?? null,
    touchSession: (id: string, at: number) =>
      db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).execute(),
    /** A user's sessions, most recently used first. */
    sessionsOf: (userId: string) =>
      db
        .selectFrom('sessions')
        .select([
          'id',
          'created_at',
          'expires_at',
          'last_used_at',
          'source_ip',
          'user_agent',
          'method',
          'restricted',
        ])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute(),
    findSessionById: (id: string) =>
      db.selectFrom('sessions').select(['id', 'user_id']).where('id', '=', id).executeTakeFirst(),
    deleteSessionById: (id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
    unrestrictSessions: (userId: string) =>
      db.updateTable('sessions').set({ restricted: 0 }).where('user_id', '=', userId).execute(),
    findUserByOidcSubject: (subject: string) =>
      db.selectFrom('users').selectAll().where('oidc_subject', '=', subject).executeTakeFirst(),
    setOidcGroups: (id: string, groups: string[]) =>
      db
        .updateTable('users')
        .set({ oidc_groups: JSON.stringify(groups) })
        .where('id', '=', id)
        .execute(),
    updateUser: (id: string, set: Partial<Pick<UsersTable, 'role' | 'disabled'>>) =>
      db.updateTable('users').set(set).where('id', '=', id).execute(),
    deleteSessionsOf: (userId: string) => db.deleteFrom('sessions').where('user_id', '=', userId).execute(),
    deleteSession: (tokenHash: string) =>
      db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute(),
    deleteExpiredSessions: (now: number) =>
      db.deleteFrom('sessions').where('expires_at', '<=', now).execute(),
  };
}
export type AuthRepo = ReturnType<typeof createAuthRepo>;
