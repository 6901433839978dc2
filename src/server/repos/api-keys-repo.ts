import type { Db } from '../db/database.ts';
import type { ApiKeysTable } from '../db/schema.ts';

/** Queries for API keys; only hashes of keys are stored. */
export function createApiKeysRepo(db: Db) {
  return {
    insert: (row: ApiKeysTable) => db.insertInto('api_keys').values(row).execute(),
    /** Keys with their owner's name, newest first; one user's keys, or all when `userId` is null. */
    list: (userId: string | null) => {
      let q = db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select([
          'api_keys.id',
          'api_keys.name',
          'api_keys.role',
          'api_keys.created_at',
          'api_keys.last_used_at',
          'api_keys.revoked_at',
          'api_keys.space_id',
          'api_keys.room_id',
          'api_keys.expires_at',
          'users.username as owner',
        ])
        .orderBy('api_keys.created_at', 'desc');
      if (userId !== null) q = q.where('api_keys.user_id', '=', userId);
      return q.execute();
    },
    find: (id: string) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    revoke: (id: string, at: number) =>
      db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute(),
    /** A key by its hash, with its owner's current role and state. */
    findByHash: (hash: string) =>
      db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select([
          'api_keys.id',
          'api_keys.role',
          'api_keys.revoked_at',
          'api_keys.last_used_at',
          'api_keys.space_id',
          'api_keys.room_id',
          'api_keys.expires_at',
          'users.oidc_groups',
          'users.id as user_id',
          'users.username',
          'users.role as user_role',
          'users.disabled',
        ])
        .where('api_keys.key_hash', '=', hash)
        .executeTakeFirst(),
    touch: (id: string, at: number) =>
      db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute(),
  };
}
export type ApiKeysRepo = ReturnType<typeof createApiKeysRepo>;
