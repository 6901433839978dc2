import { randomUUID } from 'node:crypto';
import type { RoomView } from '../../protocol/api/views.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { RoomsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';

/** Lower-case, dash-separated slug of a name. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** A room's slug from its name; a name without a letter or digit has none and is refused. */
function roomSlug(name: string): string {
  const slug = slugify(name);
  if (!slug) throw new AppError('VALIDATION_FAILED', 'a room name needs at least one letter or digit');
  return slug;
}

export const DEFAULT_ROOM_NAME = 'All nodes';

/** Spaces and rooms. */
export function createSpacesService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const repo = store.repos.spaces;
  const nodes = store.repos.nodes;

  async function getSpace(id: string) {
    const space = await repo.findSpace(id);
    if (!space) throw new AppError('NOT_FOUND', `space ${id} does not exist`);
    return space;
  }

  async function roomOrThrow(id: string) {
    const room = await repo.findRoom(id);
    if (!room) throw new AppError('NOT_FOUND', `room ${id} does not exist`);
    return room;
  }

  return {
    /** First run: the default space with its "All nodes" room, its admin as member. Idempotent. */
    async ensureDefaultSpace(adminUserId: string | null) {
      const existing = await repo.firstSpace();
      if (existing) return { space: existing, created: false };
      const now = clock.now();
      const space = { id: randomUUID(), name: 'Default', slug: 'default', created_at: now };
      await repo.insertSpace(space);
      await repo.insertRoom({
        id: randomUUID(),
        space_id: space.id,
        name: DEFAULT_ROOM_NAME,
        slug: 'all-nodes',
        is_default: 1,
        created_at: now,
      });
      if (adminUserId) await repo.addMember(space.id, adminUserId, 'admin');
      return { space, created: true };
    },
    listSpaces: () => repo.listSpaces(),
    getSpace,
    /** The space named by id, or the default one. */
    async spaceOrDefault(id: string | undefined) {
      if (id) return getSpace(id);
      const s = await repo.firstSpace();
      if (!s) throw new AppError('NOT_FOUND', 'no space exists yet');
      return s;
    },
    /** A room named by id, or by slug within the given (or default) space; unknown names stay as given. */
    async roomIdOf(spaceId: string | undefined, room: string) {
      const space = spaceId ?? (await repo.firstSpace())?.id;
      const rooms = space ? await repo.listRooms(space) : [];
      return rooms.find((r) => r.id === room || r.slug === room)?.id ?? room;
    },
    listRooms: (spaceId: string) => repo.listRooms(spaceId),
    async roomViews(spaceId: string) {
      await getSpace(spaceId);
      return (await repo.listRoomsWithCounts(spaceId)).map(presentRoom);
    },
    async createRoom(actor: Actor, spaceId: string, name: string) {
      await getSpace(spaceId);
      const slug = roomSlug(name);
      const room = {
        id: randomUUID(),
        space_id: spaceId,
        name,
        slug,
        is_default: 0,
        created_at: clock.now(),
      };
      await store.transaction(async (r) => {
        await r.spaces.insertRoom(room);
        await r.audit.record(actor, 'room.created', { type: 'room', id: room.id }, { name });
      });
      return presentRoom(room);
    },
    getRoom: async (id: string) => presentRoom(await roomOrThrow(id)),
    async renameRoom(actor: Actor, id: string, name: string) {
      const room = await roomOrThrow(id);
      const slug = roomSlug(name);
      await store.transaction(async (r) => {
        await r.spaces.updateRoom(id, { name, slug });
        await r.audit.record(actor, 'room.renamed', { type: 'room', id }, { from: room.name, to: name });
      });
      return presentRoom({ ...room, name, slug });
    },
    async deleteRoom(actor: Actor, id: string) {
      const room = await roomOrThrow(id);
      if (room.is_default)
        throw new AppError(
          'DEFAULT_ROOM',
          `"${room.name}" holds every node of the space and cannot be deleted`,
        );
      await store.transaction(async (r) => {
        await r.spaces.deleteRoom(id);
        await r.audit.record(actor, 'room.deleted', { type: 'room', id }, { name: room.name });
      });
    },
    async addNode(actor: Actor, roomId: string, nodeId: string) {
      const room = await roomOrThrow(roomId);
      const node = await nodes.findNode(nodeId);
      if (!node || node.status === 'removed')
        throw new AppError('NOT_FOUND', `node ${nodeId} does not exist`);
      if (node.space_id !== room.space_id)
        throw new AppError('VALIDATION_FAILED', 'the node belongs to another space');
      await store.transaction(async (r) => {
        await r.spaces.addNodeToRoom(roomId, nodeId);
        await r.audit.record(
          actor,
          'room.node_added',
          { type: 'node', id: nodeId },
          { room_id: roomId, room: room.name },
        );
      });
      return { room, node };
    },
    async removeNode(actor: Actor, roomId: string, nodeId: string) {
      const room = await roomOrThrow(roomId);
      if (room.is_default)
        throw new AppError(
          'DEFAULT_ROOM',
          `every node stays in "${room.name}"; remove the node itself instead`,
        );
      await store.transaction(async (r) => {
        await r.spaces.removeNodeFromRoom(roomId, nodeId);
        await r.audit.record(
          actor,
          'room.node_removed',
          { type: 'node', id: nodeId },
          { room_id: roomId, room: room.name },
        );
      });
      return room;
    },
  };
}
/** A room as the API shows it, with how many nodes it holds. */
export function presentRoom(r: RoomsTable & { node_count?: number | string }): RoomView {
  return {
    id: r.id,
    space_id: r.space_id,
    name: r.name,
    slug: r.slug,
    is_default: r.is_default === 1,
    created_at: r.created_at,
    node_count: Number(r.node_count ?? 0),
    rules: JSON.parse(r.rules ?? '[]') as Record<string, string>[],
  };
}
export type SpacesService = ReturnType<typeof createSpacesService>;
