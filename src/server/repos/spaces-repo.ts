import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import type { RoomsTable, SpacesTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';

/** A room's own columns: selected, and grouped by when its nodes are counted. */
const ROOM_COLUMNS = [
  'rooms.id',
  'rooms.space_id',
  'rooms.name',
  'rooms.slug',
  'rooms.is_default',
  'rooms.created_at',
  'rooms.rules',
] as const;

/** Queries for spaces, memberships, rooms and room membership of nodes. */
export function createSpacesRepo(db: Db) {
  return {
    insertSpace: (row: SpacesTable) => db.insertInto('spaces').values(row).execute(),
    firstSpace: () =>
      db.selectFrom('spaces').selectAll().orderBy('created_at').orderBy('id').executeTakeFirst(),
    findSpace: (id: string) => db.selectFrom('spaces').selectAll().where('id', '=', id).executeTakeFirst(),
    listSpaces: () => db.selectFrom('spaces').selectAll().orderBy('created_at').execute(),
    addMember: (space_id: string, user_id: string, role: 'admin' | 'operator' | 'viewer') =>
      db.insertInto('space_members').values({ space_id, user_id, role }).execute(),
    async insertRoom(row: RoomsTable): Promise<void> {
      try {
        await db.insertInto('rooms').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError(
            'ROOM_SLUG_TAKEN',
            `a room with slug "${row.slug}" already exists in this space`,
          );
        throw err;
      }
    },
    /** A space's rooms, default first: a few rows, whatever the size of the fleet. */
    listRooms: (spaceId: string) =>
      db
        .selectFrom('rooms')
        .select(ROOM_COLUMNS)
        .where('rooms.space_id', '=', spaceId)
        .orderBy('rooms.is_default', 'desc')
        .orderBy('rooms.name')
        .execute(),
    /** The same with the number of nodes in each: counts every membership, so never on a hot path. */
    listRoomsWithCounts: (spaceId: string) =>
      db
        .selectFrom('rooms')
        .leftJoin('room_nodes', 'room_nodes.room_id', 'rooms.id')
        .select(ROOM_COLUMNS)
        .select((eb) => eb.fn.count<number>('room_nodes.node_id').as('node_count'))
        .where('rooms.space_id', '=', spaceId)
        .groupBy(ROOM_COLUMNS)
        .orderBy('rooms.is_default', 'desc')
        .orderBy('rooms.name')
        .execute(),
    /** Rooms by id (those a page of nodes is in), default first, then by name. */
    roomsByIds: (ids: string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('rooms')
            .select(['rooms.id', 'rooms.name', 'rooms.slug'])
            .where('rooms.id', 'in', ids)
            .orderBy('rooms.is_default', 'desc')
            .orderBy('rooms.name')
            .execute(),
    findRoom: (id: string) => db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst(),
    defaultRoom: (spaceId: string) =>
      db
        .selectFrom('rooms')
        .selectAll()
        .where('space_id', '=', spaceId)
        .where('is_default', '=', 1)
        .executeTakeFirst(),
    async updateRoom(id: string, set: { name?: string; slug?: string }): Promise<void> {
      try {
        await db.updateTable('rooms').set(set).where('id', '=', id).execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError(
            'ROOM_SLUG_TAKEN',
            `a room with slug "${set.slug ?? ''}" already exists in this space`,
          );
        throw err;
      }
    },
    deleteRoom: (id: string) => db.deleteFrom('rooms').where('id', '=', id).execute(),
    /** Put a node in a room by hand: a membership a rule made becomes a manual one (rules no longer take it out). */
    addNodeToRoom: (room_id: string, node_id: string) =>
      db
        .insertInto('room_nodes')
        .values({ room_id, node_id, by_rule: 0 })
        .onConflict((oc) => oc.columns(['room_id', 'node_id']).doUpdateSet({ by_rule: 0 }))
        .execute(),
    /** Put a node in a room because a rule of the room matches it (a manual membership stays manual). */
    addNodeByRule: (room_id: string, node_id: string) =>
      db
        .insertInto('room_nodes')
        .values({ room_id, node_id, by_rule: 1 })
        .onConflict((oc) => oc.doNothing())
        .execute(),
    /** A node's memberships, and which a rule made. */
    membershipsOf: (node_id: string) =>
      db.selectFrom('room_nodes').select(['room_id', 'by_rule']).where('node_id', '=', node_id).execute(),
    /** The rooms that carry rules (few: rules are made by hand). */
    roomsWithRules: () =>
      db.selectFrom('rooms').select(['id', 'space_id', 'name', 'rules']).where('rules', '!=', '[]').execute(),
    /** The nodes a room's rules put there. */
    ruleMembersOf: (room_id: string) =>
      db
        .selectFrom('room_nodes')
        .select('node_id')
        .where('room_id', '=', room_id)
        .where('by_rule', '=', 1)
        .execute(),
    setRoomRules: (id: string, rules: string) =>
      db.updateTable('rooms').set({ rules }).where('id', '=', id).execute(),
    setSpaceSettings: (id: string, settings: string) =>
      db.updateTable('spaces').set({ settings }).where('id', '=', id).execute(),
    /** Put a node in several rooms at once (rooms it is in already are left alone). */
    addNodeToRooms: (roomIds: string[], node_id: string) =>
      roomIds.length === 0
        ? Promise.resolve()
        : db
            .insertInto('room_nodes')
            .values(roomIds.map((room_id) => ({ room_id, node_id })))
            .onConflict((oc) => oc.doNothing())
            .execute()
            .then(() => undefined),
    /** Put a node in its space's default rooms, in one statement. */
    addNodeToDefaultRooms: (space_id: string, node_id: string) =>
      db
        .insertInto('room_nodes')
        .columns(['room_id', 'node_id'])
        .expression((eb) =>
          eb
            .selectFrom('rooms')
            .select((s) => ['rooms.id', s.val(node_id).as('node_id')])
            .where('rooms.space_id', '=', space_id)
            .where('rooms.is_default', '=', 1),
        )
        .onConflict((oc) => oc.doNothing())
        .execute()
        .then(() => undefined),
    removeNodeFromRoom: (room_id: string, node_id: string) =>
      db.deleteFrom('room_nodes').where('room_id', '=', room_id).where('node_id', '=', node_id).execute(),
  };
}
export type SpacesRepo = ReturnType<typeof createSpacesRepo>;
