import { z } from 'zod';
import { role as roleSchema, roleAtLeast, type Role } from '../../protocol/api/roles.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import {
  grant,
  higher,
  isGlobal,
  roleInRoom,
  roleInSpace,
  roleOnNode,
  seesSpace,
  type Grants,
} from './grants.ts';

/** One role an identity provider's group gives: over everything, in a space, or in a room (by id, slug or name). */
const roleMapEntry = z
  .object({ role: roleSchema, space: z.string().min(1).optional(), room: z.string().min(1).optional() })
  .strict();
/** `--oidc-role-map`: group (or claim value) → one role or several. */
export const roleMapSchema = z.record(z.string().min(1), z.union([roleMapEntry, z.array(roleMapEntry)]));
export type RoleMap = z.infer<typeof roleMapSchema>;
export type RoleMapEntry = z.infer<typeof roleMapEntry>;

/** What a route's `:id` names, to judge the caller's role on it. */
export type Scope = 'global' | 'any' | 'node' | 'room' | 'space' | 'job' | 'alert' | 'plan';

/** A user as grants are computed for them. */
export interface GrantsSubject {
  id: string;
  role: Role | 'none';
  oidc_groups?: string | null;
}

const groupsOf = (u: GrantsSubject): string[] => {
  try {
    const g: unknown = JSON.parse(u.oidc_groups ?? '[]');
    return Array.isArray(g) ? g.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/**
 * Who holds which role where: a user's own global role, their role bindings and those of their identity provider's
 * groups (from the API and from `--oidc-role-map`), and the role a principal has on a node, room, space, job, alert or
 * backup plan. What a principal may not see is answered as absent (404), not as forbidden.
 */
export function createAccessService(deps: { store: Store; roleMap?: RoleMap }) {
  const repo = deps.store.repos.access;
  const roleMap = deps.roleMap ?? {};
  const mapEntries = (groups: string[]): RoleMapEntry[] =>
    groups.flatMap((g) => {
      const e = roleMap[g];
      return e === undefined ? [] : Array.isArray(e) ? e : [e];
    });

  /** The config's role map entries, resolved to the rooms and spaces they name (unknown names give nothing). */
  async function resolveMapped(entries: RoleMapEntry[]) {
    const roomRefs = entries.flatMap((e) => (e.room ? [e.room] : []));
    const spaceRefs = entries.flatMap((e) => (e.space ? [e.space] : []));
    const rooms = roomRefs.length ? await repo.roomsNamed(roomRefs) : [];
    const spaces = spaceRefs.length ? await repo.spacesNamed(spaceRefs) : [];
    const named = (ref: string, r: { id: string; slug: string; name: string }) =>
      r.id === ref || r.slug === ref || r.name === ref;
    const out: { role: Role; spaceId: string | null; roomId: string | null }[] = [];
    for (const e of entries) {
      const inSpaces = e.space ? spaces.filter((s) => named(e.space!, s)).map((s) => s.id) : null;
      if (e.room) {
        for (const r of rooms)
          if (named(e.room, r) && (!inSpaces || inSpaces.includes(r.space_id)))
            out.push({ role: e.role, spaceId: r.space_id, roomId: r.id });
      } else if (inSpaces) for (const id of inSpaces) out.push({ role: e.role, spaceId: id, roomId: null });
      else out.push({ role: e.role, spaceId: null, roomId: null });
    }
    return out;
  }

  async function grantsOf(user: GrantsSubject): Promise<Grants> {
    const groups = groupsOf(user);
    const g = {
      global: user.role === 'none' ? null : user.role,
      spaces: new Map<string, Role>(),
      rooms: new Map<string, { role: Role; spaceId: string }>(),
    };
    for (const b of await repo.bindingsOf(user.id, groups)) {
      if (b.room_id && !b.room_space_id) continue; // its room was deleted
      grant(g, b.role, { spaceId: b.room_id ? b.room_space_id : b.space_id, roomId: b.room_id });
    }
    const mapped = mapEntries(groups);
    if (mapped.length > 0) for (const m of await resolveMapped(mapped)) grant(g, m.role, m);
    return g;
  }

  /** The caller's role on a node; null when the node does not exist or the caller holds nothing on it. */
  async function onNode(g: Grants, nodeId: string): Promise<Role | null> {
    const rows = await repo.nodePlace(nodeId);
    if (rows.length === 0) return null;
    return roleOnNode(
      g,
      rows[0]!.space_id,
      rows.flatMap((r) => (r.room_id ? [r.room_id] : [])),
    );
  }

  /** Whether the grants reach anything below the global role (only then must a resource's place be looked up). */
  const scoped = (g: Grants) => g.spaces.size > 0 || g.rooms.size > 0;

  return {
    grantsOf,
    onNode,
    /**
     * The caller's role on what a route's `:id` names (null: absent, or nothing held on it). A principal whose roles
     * are all global needs no look-up: the route finds a missing thing itself.
     */
    async roleOn(g: Grants, scope: Scope, id: string | undefined): Promise<Role | null> {
      if (scope === 'global') return g.global;
      if (!scoped(g) || id === undefined) return g.global;
      switch (scope) {
        case 'node':
          return higher(g.global, await onNode(g, id));
        case 'room': {
          const spaceId = await repo.roomSpace(id);
          return spaceId ? roleInRoom(g, id, spaceId) : g.global;
        }
        case 'space':
          if (!(await repo.spaceExists(id))) return g.global;
          // Someone with a room in the space sees the space itself (its name, their rooms).
          return roleInSpace(g, id) ?? (seesSpace(g, id) ? 'viewer' : null);
        case 'job': {
          const nodeId = await repo.jobNode(id);
          return nodeId ? higher(g.global, await onNode(g, nodeId)) : g.global;
        }
        case 'alert': {
          const a = await repo.alertPlace(id);
          if (!a) return g.global;
          if (a.node_id) return higher(g.global, await onNode(g, a.node_id));
          return a.space_id ? roleInSpace(g, a.space_id) : g.global;
        }
        case 'plan': {
          const p = await repo.planPlace(id);
          if (!p) return g.global;
          if (p.room_id) return roleInRoom(g, p.room_id, p.space_id);
          // A plan of the whole space covers the rooms' nodes too: their people see it.
          return roleInSpace(g, p.space_id) ?? (seesSpace(g, p.space_id) ? 'viewer' : null);
        }
        default:
          return g.global;
      }
    },
    /** The nodes a principal sees; null for all (a global role). */
    async visibleNodes(g: Grants): Promise<ReadonlySet<string> | null> {
      if (isGlobal(g)) return null;
      return new Set(await repo.nodesIn([...g.spaces.keys()], [...g.rooms.keys()]));
    },
    /** The nodes on which a principal holds at least `min`; null for all (a global role of at least `min`). */
    async nodesWith(g: Grants, min: Role): Promise<ReadonlySet<string> | null> {
      if (g.global && roleAtLeast(g.global, min)) return null;
      const spaces = [...g.spaces].filter(([, r]) => roleAtLeast(r, min)).map(([id]) => id);
      const rooms = [...g.rooms].filter(([, r]) => roleAtLeast(r.role, min)).map(([id]) => id);
      return new Set(await repo.nodesIn(spaces, rooms));
    },
    /** The role map of the configuration, as bindings (shown beside the API's, not deletable). */
    configBindings: () =>
      Object.entries(roleMap).flatMap(([group, e]) =>
        (Array.isArray(e) ? e : [e]).map((x) => ({ group, ...x })),
      ),
    /** The ids of the rooms and spaces a key's scope names, checked against its owner's roles. */
    async keyScope(
      owner: Grants,
      role: Role,
      scope: { space_id?: string; room_id?: string },
    ): Promise<{ spaceId: string | null; roomId: string | null }> {
      if (scope.room_id) {
        const spaceId = await repo.roomSpace(scope.room_id);
        const held = spaceId ? roleInRoom(owner, scope.room_id, spaceId) : null;
        if (!spaceId || !held) throw new AppError('NOT_FOUND', `room ${scope.room_id} does not exist`);
        if (!roleAtLeast(held, role))
          throw new AppError('API_KEY_ROLE', `you are ${held} in that room: a ${role} key cannot be made`);
        return { spaceId, roomId: scope.room_id };
      }
      if (scope.space_id) {
        const held = (await repo.spaceExists(scope.space_id)) ? roleInSpace(owner, scope.space_id) : null;
        if (!held && !seesSpace(owner, scope.space_id))
          throw new AppError('NOT_FOUND', `space ${scope.space_id} does not exist`);
        return { spaceId: scope.space_id, roomId: null };
      }
      return { spaceId: null, roomId: null };
    },
  };
}
export type AccessService = ReturnType<typeof createAccessService>;
