import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { roleAtLeast, type Principal, type Role } from './auth-types.ts';

export const API_KEY_PREFIX = 'mak_';
/** last_used_at is written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;

/** API keys for automation: bearer secrets bound to a user, with a role no higher than the user's. */
export function createApiKeyService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async create(owner: Principal, name: string, role: Role | undefined) {
      const keyRole = role ?? owner.role;
      if (!roleAtLeast(owner.role, keyRole))
        throw new AppError('FORBIDDEN', `a ${owner.role} cannot make a ${keyRole} key`);
      const key = newSecret(API_KEY_PREFIX);
      const row = {
        id: randomUUID(),
        user_id: owner.userId,
        name,
        key_hash: sha256Hex(key),
        role: keyRole,
        created_at: clock.now(),
        last_used_at: null,
        revoked_at: null,
      };
      await db.insertInto('api_keys').values(row).execute();
      return { id: row.id, key, name, role: keyRole, created_at: row.created_at };
    },

    async list(viewer: Principal) {
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
          'users.username as owner',
        ])
        .orderBy('api_keys.created_at', 'desc');
      if (viewer.role !== 'admin') q = q.where('api_keys.user_id', '=', viewer.userId);
      return q.execute();
    },

    async revoke(viewer: Principal, id: string) {
      const k = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (!k || (viewer.role !== 'admin' && k.user_id !== viewer.userId))
        throw new AppError('NOT_FOUND', `API key ${id} does not exist`);
      if (k.revoked_at !== null) throw new AppError('CONFLICT', 'the API key is already revoked');
      await db.updateTable('api_keys').set({ revoked_at: clock.now() }).where('id', '=', id).execute();
      return k;
    },

    /** The principal behind a bearer API key, or null. */
    async authenticate(key: string): Promise<Principal | null> {
      const k = await db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select([
          'api_keys.id',
          'api_keys.role',
          'api_keys.revoked_at',
          'api_keys.last_used_at',
          'users.id as user_id',
          'users.username',
          'users.role as user_role',
          'users.disabled',
        ])
        .where('api_keys.key_hash', '=', sha256Hex(key))
        .executeTakeFirst();
      if (!k || k.revoked_at !== null || k.disabled) return null;
      const now = clock.now();
      if (!k.last_used_at || now - k.last_used_at > TOUCH_EVERY_MS)
        await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', k.id).execute();
      // A key never outranks its owner, even after the owner was demoted.
      const role = roleAtLeast(k.user_role, k.role) ? k.role : k.user_role;
      return { userId: k.user_id, username: k.username, role, via: 'api_key' };
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;
