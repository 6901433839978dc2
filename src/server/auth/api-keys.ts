import { randomUUID } from 'node:crypto';
import { roleAtLeast, type Role } from '../../protocol/api/roles.ts';
import type { UserActor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import type { Principal } from './auth-types.ts';

export const API_KEY_PREFIX = 'mak_';
/** last_used_at is written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;

/** API keys for automation: bearer secrets bound to a user, with a role no higher than the user's. */
export function createApiKeyService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const repo = store.repos.apiKeys;
  return {
    async create(owner: UserActor, name: string, role: Role | undefined) {
      const keyRole = role ?? owner.role;
      if (!roleAtLeast(owner.role, keyRole))
        throw new AppError('API_KEY_ROLE', `a ${owner.role} cannot make a ${keyRole} key`);
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
      await store.transaction(async (r) => {
        await r.apiKeys.insert(row);
        await r.audit.record(
          owner,
          'api_key.created',
          { type: 'api_key', id: row.id },
          { name, role: keyRole },
        );
      });
      return { id: row.id, key, name, role: keyRole, created_at: row.created_at };
    },

    /** A user's own keys; every key for an admin. */
    list: (viewer: UserActor) => repo.list(viewer.role === 'admin' ? null : viewer.userId),

    async revoke(viewer: UserActor, id: string) {
      const k = await repo.find(id);
      if (!k || (viewer.role !== 'admin' && k.user_id !== viewer.userId))
        throw new AppError('NOT_FOUND', `API key ${id} does not exist`);
      if (k.revoked_at !== null) throw new AppError('API_KEY_REVOKED', 'the API key is already revoked');
      await store.transaction(async (r) => {
        await r.apiKeys.revoke(id, clock.now());
        await r.audit.record(viewer, 'api_key.revoked', { type: 'api_key', id });
      });
    },

    /** The principal behind a bearer API key, or null. */
    async authenticate(key: string): Promise<Principal | null> {
      const k = await repo.findByHash(sha256Hex(key));
      if (!k || k.revoked_at !== null || k.disabled) return null;
      const now = clock.now();
      if (!k.last_used_at || now - k.last_used_at > TOUCH_EVERY_MS) await repo.touch(k.id, now);
      // A key never outranks its owner, even after the owner was demoted.
      const role = roleAtLeast(k.user_role, k.role) ? k.role : k.user_role;
      return { userId: k.user_id, username: k.username, role, via: 'api_key' };
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;
