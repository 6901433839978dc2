import { randomUUID } from 'node:crypto';
import { roleAtLeast, type Role } from '../../protocol/api/roles.ts';
import type { UserActor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import type { AccessService } from './access-service.ts';
import type { Principal } from './auth-types.ts';
import { highestRole, narrowGrants, type Grants } from './grants.ts';

export const API_KEY_PREFIX = 'mak_';
/** last_used_at is written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;

/** What a new key is: its name, role (default: the owner's highest), scope and expiry. */
export interface NewApiKey {
  name: string;
  role?: Role;
  space_id?: string;
  room_id?: string;
  expires_at?: number;
}

/**
 * API keys for automation: bearer secrets bound to a user, with a role no higher than the user's, optionally limited
 * to a space or a room, and optionally expiring. A key acts with its owner's roles as they are at each use, capped
 * at its role and limited to its scope.
 */
export function createApiKeyService(deps: { store: Store; clock: Clock; access: AccessService }) {
  const { store, clock, access } = deps;
  const repo = store.repos.apiKeys;
  return {
    async create(owner: UserActor, ownerGrants: Grants, input: NewApiKey) {
      const highest = highestRole(ownerGrants);
      const keyRole = input.role ?? highest;
      if (!keyRole || !highest || !roleAtLeast(highest, keyRole))
        throw new AppError(
          'API_KEY_ROLE',
          `a ${highest ?? 'user without a role'} cannot make a ${keyRole} key`,
        );
      const scope = await access.keyScope(ownerGrants, keyRole, input);
      if (!scope.spaceId && !ownerGrants.global)
        throw new AppError(
          'API_KEY_ROLE',
          'your roles are in spaces or rooms: give the key the space_id or room_id it acts in',
        );
      if (input.expires_at !== undefined && input.expires_at <= clock.now())
        throw new AppError('VALIDATION_FAILED', 'expires_at is in the past');
      const key = newSecret(API_KEY_PREFIX);
      const row = {
        id: randomUUID(),
        user_id: owner.userId,
        name: input.name,
        key_hash: sha256Hex(key),
        role: keyRole,
        created_at: clock.now(),
        last_used_at: null,
        revoked_at: null,
        space_id: scope.spaceId,
        room_id: scope.roomId,
        expires_at: input.expires_at ?? null,
      };
      await store.transaction(async (r) => {
        await r.apiKeys.insert(row);
        await r.audit.record(
          owner,
          'api_key.created',
          { type: 'api_key', id: row.id },
          {
            name: input.name,
            role: keyRole,
            ...(scope.roomId ? { room_id: scope.roomId } : scope.spaceId ? { space_id: scope.spaceId } : {}),
            ...(row.expires_at ? { expires_at: row.expires_at } : {}),
          },
        );
      });
      return {
        id: row.id,
        key,
        name: input.name,
        role: keyRole,
        space_id: row.space_id,
        room_id: row.room_id,
        expires_at: row.expires_at,
        created_at: row.created_at,
      };
    },

    /** A user's own keys; every key for a global admin. */
    list: (viewer: UserActor, globalAdmin: boolean) => repo.list(globalAdmin ? null : viewer.userId),

    async revoke(viewer: UserActor, id: string, globalAdmin: boolean) {
      const k = await repo.find(id);
      if (!k || (!globalAdmin && k.user_id !== viewer.userId))
        throw new AppError('NOT_FOUND', `API key ${id} does not exist`);
      if (k.revoked_at !== null) throw new AppError('API_KEY_REVOKED', 'the API key is already revoked');
      await store.transaction(async (r) => {
        await r.apiKeys.revoke(id, clock.now());
        await r.audit.record(viewer, 'api_key.revoked', { type: 'api_key', id });
      });
    },

    /** The principal behind a bearer API key, or null (unknown, revoked, expired, or its owner disabled). */
    async authenticate(key: string): Promise<Principal | null> {
      const k = await repo.findByHash(sha256Hex(key));
      if (!k || k.revoked_at !== null || k.disabled) return null;
      const now = clock.now();
      if (k.expires_at != null && k.expires_at <= now) return null;
      if (!k.last_used_at || now - k.last_used_at > TOUCH_EVERY_MS) await repo.touch(k.id, now);
      const owner = await access.grantsOf({ id: k.user_id, role: k.user_role, oidc_groups: k.oidc_groups });
      const grants = narrowGrants(owner, k.role, { spaceId: k.space_id ?? null, roomId: k.room_id ?? null });
      return { userId: k.user_id, username: k.username, role: highestRole(grants), grants, via: 'api_key' };
    },
  };
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>;
