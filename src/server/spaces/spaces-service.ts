import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { NodesRepo } from '../nodes/nodes-repo.ts';
import type { SpacesRepo } from './spaces-repo.ts';

/** Lower-case, dash-separated slug of a name. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

export const DEFAULT_ROOM_NAME = 'All nodes';

/** Spaces and rooms. */
export function createSpacesService(deps: { repo: SpacesRepo; nodes: NodesRepo; clock: Clock }) {
  const { repo, nodes, clock } = deps;

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
    defaultSpace: () => repo.firstSpace(),
    listSpaces: () => repo.listSpaces(),
    async getSpace(id: string) {
      const space = await repo.findSpace(id);
      if (!space) throw new AppError('NOT_FOUND', `space ${id} does not exist`);
      return space;
    },
    listRooms: (spaceId: string) => repo.listRooms(spaceId),
    getRoom: roomOrThrow,
    async createRoom(spaceId: string, name: string) {
      const slug = slugify(name);
      if (!slug) throw new AppError('VALIDATION_FAILED', 'a room name needs at least one letter or digit');
      const room = {
        id: randomUUID(),
        space_id: spaceId,
        name,
        slug,
        is_default: 0,
        created_at: clock.now(),
      };
      await repo.insertRoom(room);
      return room;
    },
    async renameRoom(id: string, name: string) {
      const room = await roomOrThrow(id);
      const slug = slugify(name);
      if (!slug) throw new AppError('VALIDATION_FAILED', 'a room name needs at least one letter or digit');
      await repo.updateRoom(id, { name, slug });
      return { ...room, name, slug };
    },
    async deleteRoom(id: string) {
      const room = await roomOrThrow(id);
      if (room.is_default)
        throw new AppError('CONFLICT', `"${room.name}" holds every node of the space and cannot be deleted`);
      await repo.deleteRoom(id);
      return room;
    },
    async addNode(roomId: string, nodeId: string) {
      const room = await roomOrThrow(roomId);
      const node = await nodes.findNode(nodeId);
      if (!node || node.status === 'removed')
        throw new AppError('NOT_FOUND', `node ${nodeId} does not exist`);
      if (node.space_id !== room.space_id)
        throw new AppError('VALIDATION_FAILED', 'the node belongs to another space');
      await repo.addNodeToRoom(roomId, nodeId);
      return { room, node };
    },
    async removeNode(roomId: string, nodeId: string) {
      const room = await roomOrThrow(roomId);
      if (room.is_default)
        throw new AppError('CONFLICT', `every node stays in "${room.name}"; remove the node itself instead`);
      await repo.removeNodeFromRoom(roomId, nodeId);
      return room;
    },
  };
}
export type SpacesService = ReturnType<typeof createSpacesService>;
