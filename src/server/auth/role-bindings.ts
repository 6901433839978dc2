import { randomUUID } from 'node:crypto';
import type { Role } from '../../protocol/api/roles.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import type { AccessService } from './access-service.ts';

/** A role given to a user or to an identity provider's group: over everything, in a space, or in a room. */
export interface NewBinding {
  user_id?: string;
  oidc_group?: string;
  role: Role;
  space_id?: string;
  room_id?: string;
}

/** Role bindings made through the API (audited), listed beside those of the configuration's role map. */
export function createRoleBindings(deps: { store: Store; clock: Clock; access: AccessService }) {
  const { store, clock, access } = deps;
  const repo = store.repos.access;
  return {
    async list() {
      const rows = (await repo.list()).map((b) => ({
        id: b.id,
        user_id: b.user_id,
        username: b.username ?? null,
        oidc_group: b.oidc_group,
        role: b.role,
        space_id: b.space_id,
        room_id: b.room_id,
        source: 'api' as const,
        created_at: b.created_at,
      }));
      const config = access.configBindings().map((b, i) => ({
        id: `config:${i}`,
        user_id: null,
        username: null,
        oidc_group: b.group,
        role: b.role,
        // The configuration names rooms and spaces by id, slug or name; shown as written.
        space_id: b.space ?? null,
        room_id: b.room ?? null,
        source: 'config' as const,
        created_at: null,
      }));
      return [...rows, ...config];
    },
    async create(actor: Actor, b: NewBinding) {
      if (!b.user_id === !b.oidc_group)
        throw new AppError(
          'BINDING_INVALID',
          'a role binding names a user_id or an oidc_group (one of them)',
        );
      if (b.space_id && b.room_id)
        throw new AppError(
          'BINDING_INVALID',
          'a role binding is over everything, a space_id or a room_id (one)',
        );
      if (b.user_id && !(await store.repos.auth.findUserById(b.user_id)))
        throw new AppError('NOT_FOUND', `user ${b.user_id} does not exist`);
      if (b.room_id && !(await repo.roomSpace(b.room_id)))
        throw new AppError('NOT_FOUND', `room ${b.room_id} does not exist`);
      if (b.space_id && !(await repo.spaceExists(b.space_id)))
        throw new AppError('NOT_FOUND', `space ${b.space_id} does not exist`);
      const row = {
        id: randomUUID(),
        user_id: b.user_id ?? null,
        oidc_group: b.oidc_group ?? null,
        role: b.role,
        space_id: b.space_id ?? null,
        room_id: b.room_id ?? null,
        created_at: clock.now(),
      };
      await store.transaction(async (r) => {
        await r.access.insert(row);
        await r.audit.record(actor, 'role_binding.created', { type: 'role_binding', id: row.id }, { ...b });
      });
      const user = row.user_id ? await store.repos.auth.findUserById(row.user_id) : undefined;
      return { ...row, username: user?.username ?? null, source: 'api' as const };
    },
    async remove(actor: Actor, id: string) {
      if (id.startsWith('config:'))
        throw new AppError('BINDING_INVALID', 'this binding comes from --oidc-role-map: change it there');
      const b = await repo.find(id);
      if (!b) throw new AppError('NOT_FOUND', `role binding ${id} does not exist`);
      await store.transaction(async (r) => {
        await r.access.delete(id);
        await r.audit.record(
          actor,
          'role_binding.deleted',
          { type: 'role_binding', id },
          {
            user_id: b.user_id,
            oidc_group: b.oidc_group,
            role: b.role,
            space_id: b.space_id,
            room_id: b.room_id,
          },
        );
      });
    },
  };
}
export type RoleBindings = ReturnType<typeof createRoleBindings>;
