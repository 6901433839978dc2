import type { Db } from '../db/database.ts';
import type { RoleBindingsTable } from '../db/schema.ts';

/** Queries for role bindings and for where a node, room, job or alert sits (to judge a principal's role on it). */
export function createAccessRepo(db: Db) {
  return {
    /** The bindings of a user, directly or through one of their groups, each room binding with its room's space. */
    bindingsOf: (userId: string, groups: string[]) =>
      db
        .selectFrom('role_bindings')
        .leftJoin('rooms', 'rooms.id', 'role_bindings.room_id')
        .select([
          'role_bindings.role',
          'role_bindings.space_id',
          'role_bindings.room_id',
          'rooms.space_id as room_space_id',
        ])
        .where((eb) =>
          groups.length > 0
            ? eb.or([eb('role_bindings.user_id', '=', userId), eb('role_bindings.oidc_group', 'in', groups)])
            : eb('role_bindings.user_id', '=', userId),
        )
        .execute(),
    list: () =>
      db
        .selectFrom('role_bindings')
        .leftJoin('users', 'users.id', 'role_bindings.user_id')
        .selectAll('role_bindings')
        .select('users.username')
        .orderBy('role_bindings.created_at')
        .execute(),
    find: (id: string) => db.selectFrom('role_bindings').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: RoleBindingsTable) => db.insertInto('role_bindings').values(row).execute(),
    delete: (id: string) => db.deleteFrom('role_bindings').where('id', '=', id).execute(),
    deleteForRoom: (roomId: string) => db.deleteFrom('role_bindings').where('room_id', '=', roomId).execute(),
    /** A node's space and rooms (no rows: no such node). */
    nodePlace: (nodeId: string) =>
      db
        .selectFrom('nodes')
        .leftJoin('room_nodes', 'room_nodes.node_id', 'nodes.id')
        .select(['nodes.space_id', 'room_nodes.room_id'])
        .where('nodes.id', '=', nodeId)
        .execute(),
    roomSpace: async (roomId: string) =>
      (await db.selectFrom('rooms').select('space_id').where('id', '=', roomId).executeTakeFirst())?.space_id,
    spaceExists: async (spaceId: string) =>
      !!(await db.selectFrom('spaces').select('id').where('id', '=', spaceId).executeTakeFirst()),
    jobNode: async (jobId: string) =>
      (await db.selectFrom('jobs').select('node_id').where('id', '=', jobId).executeTakeFirst())?.node_id,
    alertPlace: (alertId: string) =>
      db.selectFrom('alerts').select(['node_id', 'space_id']).where('id', '=', alertId).executeTakeFirst(),
    planPlace: (planId: string) =>
      db
        .selectFrom('backup_plans')
        .select(['space_id', 'room_id'])
        .where('id', '=', planId)
        .executeTakeFirst(),
    /** The nodes in these spaces or rooms. */
    async nodesIn(spaceIds: string[], roomIds: string[]): Promise<string[]> {
      const ids = new Set<string>();
      if (spaceIds.length > 0)
        for (const r of await db.selectFrom('nodes').select('id').where('space_id', 'in', spaceIds).execute())
          ids.add(r.id);
      if (roomIds.length > 0)
        for (const r of await db
          .selectFrom('room_nodes')
          .select('node_id')
          .where('room_id', 'in', roomIds)
          .execute())
          ids.add(r.node_id);
      return [...ids];
    },
    /** Rooms named by id, slug or name (within a space given by id, slug or name, when given). */
    roomsNamed: (refs: string[]) =>
      db
        .selectFrom('rooms')
        .innerJoin('spaces', 'spaces.id', 'rooms.space_id')
        .select([
          'rooms.id',
          'rooms.slug',
          'rooms.name',
          'rooms.space_id',
          'spaces.slug as space_slug',
          'spaces.name as space_name',
        ])
        .where((eb) =>
          eb.or([eb('rooms.id', 'in', refs), eb('rooms.slug', 'in', refs), eb('rooms.name', 'in', refs)]),
        )
        .execute(),
    spacesNamed: (refs: string[]) =>
      db
        .selectFrom('spaces')
        .select(['id', 'slug', 'name'])
        .where((eb) => eb.or([eb('id', 'in', refs), eb('slug', 'in', refs), eb('name', 'in', refs)]))
        .execute(),
  };
}
export type AccessRepo = ReturnType<typeof createAccessRepo>;
