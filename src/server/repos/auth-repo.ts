import type { Db } from '../db/database.ts';
import type { SessionsTable, UsersTable } from '../db/schema.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { AppError } from '../errors.ts';

/** Queries for users, sessions and API keys. */
export function createAuthRepo(db: Db) {
  return {
    findUserByUsername: (username: string) =>
      db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst(),
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
      try {
        await db.insertInto('users').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError('CONFLICT', `a user named ${row.username} already exists`);
        throw err;
      }
    },
    setPassword: (id: string, hash: string) =>
      db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute(),
    insertSession: (row: SessionsTable) => db.insertInto('sessions').values(row).execute(),
    findSession: (tokenHash: string) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.expires_at',
          'users.id as user_id',
          'users.username',
          'users.role',
          'users.disabled',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .executeTakeFirst(),
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
