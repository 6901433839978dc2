import { ROLES, type Role } from '../../protocol/api/roles.ts';

/**
 * The roles a principal holds: over the whole server (`global`), in spaces, and in rooms (each room with the space it
 * belongs to). A role held somewhere covers everything inside it: a space role covers its rooms and their nodes; a
 * node's role is the highest of the global role, its space's and its rooms'.
 */
export interface Grants {
  global: Role | null;
  spaces: ReadonlyMap<string, Role>;
  rooms: ReadonlyMap<string, { role: Role; spaceId: string }>;
}

export const NO_GRANTS: Grants = { global: null, spaces: new Map(), rooms: new Map() };

const rank = (r: Role | null | undefined) => (r ? ROLES.indexOf(r) : -1);
/** The higher of two roles (null: none). */
export const higher = (a: Role | null | undefined, b: Role | null | undefined): Role | null =>
  rank(a) >= rank(b) ? (a ?? null) : (b ?? null);
/** The lower of two roles (null when either is none). */
export const lower = (a: Role | null | undefined, b: Role | null | undefined): Role | null =>
  !a || !b ? null : rank(a) <= rank(b) ? a : b;

/** Whether the grants cover everything (a global role). */
export const isGlobal = (g: Grants) => g.global !== null;

/** The highest role held anywhere: what a route's role gate compares with. */
export function highestRole(g: Grants): Role | null {
  let best = g.global;
  for (const r of g.spaces.values()) best = higher(best, r);
  for (const r of g.rooms.values()) best = higher(best, r.role);
  return best;
}

/** The role in a space: the global role or the space's. */
export const roleInSpace = (g: Grants, spaceId: string): Role | null =>
  higher(g.global, g.spaces.get(spaceId));

/** The role in a room: the global role, its space's, or the room's own. */
export const roleInRoom = (g: Grants, roomId: string, spaceId: string): Role | null =>
  higher(roleInSpace(g, spaceId), g.rooms.get(roomId)?.role);

/** The role on a node of this space in these rooms. */
export function roleOnNode(g: Grants, spaceId: string, roomIds: Iterable<string>): Role | null {
  let best = roleInSpace(g, spaceId);
  for (const id of roomIds) best = higher(best, g.rooms.get(id)?.role);
  return best;
}

/** Whether the principal sees anything of a space: a role in it or in one of its rooms. */
export function seesSpace(g: Grants, spaceId: string): boolean {
  if (roleInSpace(g, spaceId)) return true;
  for (const r of g.rooms.values()) if (r.spaceId === spaceId) return true;
  return false;
}

/** Add a role held somewhere to grants being built. */
export function grant(
  into: {
    global: Role | null;
    spaces: Map<string, Role>;
    rooms: Map<string, { role: Role; spaceId: string }>;
  },
  role: Role,
  where: { spaceId?: string | null; roomId?: string | null },
): void {
  if (where.roomId && where.spaceId) {
    const had = into.rooms.get(where.roomId)?.role;
    into.rooms.set(where.roomId, { role: higher(had, role)!, spaceId: where.spaceId });
  } else if (where.spaceId) into.spaces.set(where.spaceId, higher(into.spaces.get(where.spaceId), role)!);
  else into.global = higher(into.global, role);
}

/**
 * What an API key may do: its owner's grants, capped at the key's role and limited to the key's space or room (a key
 * never outranks its owner, even after the owner was demoted).
 */
export function narrowGrants(
  owner: Grants,
  cap: Role,
  scope: { spaceId: string | null; roomId: string | null },
): Grants {
  if (scope.roomId && scope.spaceId) {
    const role = lower(cap, roleInRoom(owner, scope.roomId, scope.spaceId));
    return {
      global: null,
      spaces: new Map(),
      rooms: role ? new Map([[scope.roomId, { role, spaceId: scope.spaceId }]]) : new Map(),
    };
  }
  if (scope.spaceId) {
    const spaceId = scope.spaceId;
    const rooms = new Map<string, { role: Role; spaceId: string }>();
    for (const [id, r] of owner.rooms) {
      const role = r.spaceId === spaceId ? lower(cap, r.role) : null;
      if (role) rooms.set(id, { role, spaceId });
    }
    const role = lower(cap, roleInSpace(owner, spaceId));
    return { global: null, spaces: role ? new Map([[spaceId, role]]) : new Map(), rooms };
  }
  const spaces = new Map<string, Role>();
  for (const [id, r] of owner.spaces) spaces.set(id, lower(cap, r)!);
  const rooms = new Map<string, { role: Role; spaceId: string }>();
  for (const [id, r] of owner.rooms) rooms.set(id, { role: lower(cap, r.role)!, spaceId: r.spaceId });
  return { global: lower(cap, owner.global), spaces, rooms };
}
