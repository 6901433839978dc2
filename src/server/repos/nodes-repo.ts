import type { Db } from '../db/database.ts';
import type { NodeSecretsTable, NodesTable } from '../db/schema.ts';

export interface NodeFilter {
  spaceId?: string;
  roomId?: string;
  status?: NodesTable['status'];
  q?: string;
  includeRemoved?: boolean;
  limit: number;
  offset: number;
}

/** Queries for nodes, their secrets and their rooms. */
export function createNodesRepo(db: Db) {
  return {
    findNode: (id: string) => db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst(),
    findByBearerHash: (hash: string) =>
      db
        .selectFrom('node_secrets')
        .innerJoin('nodes', 'nodes.id', 'node_secrets.node_id')
        .select(['nodes.id', 'nodes.status'])
        .where('node_secrets.bearer_hash', '=', hash)
        .executeTakeFirst(),
    /** A node this token enrolled with this key that never connected: a retried enroll finds it. */
    findPendingEnrollment: (tokenId: string, publicKey: string) =>
      db
        .selectFrom('nodes')
        .innerJoin('node_secrets', 'node_secrets.node_id', 'nodes.id')
        .select(['nodes.id', 'nodes.hostname'])
        .where('nodes.token_id', '=', tokenId)
        .where('nodes.status', '=', 'pending')
        .where('node_secrets.public_key', '=', publicKey)
        .executeTakeFirst(),
    setBearerHash: (id: string, hash: string) =>
      db.updateTable('node_secrets').set({ bearer_hash: hash }).where('node_id', '=', id).execute(),
    findSecrets: (id: string) =>
      db.selectFrom('node_secrets').selectAll().where('node_id', '=', id).executeTakeFirst(),
    insertNode: (row: NodesTable) => db.insertInto('nodes').values(row).execute(),
    insertSecrets: (row: NodeSecretsTable) => db.insertInto('node_secrets').values(row).execute(),
    deleteSecrets: (id: string) => db.deleteFrom('node_secrets').where('node_id', '=', id).execute(),
    update: (id: string, set: Partial<Omit<NodesTable, 'id'>>) =>
      db.updateTable('nodes').set(set).where('id', '=', id).execute(),
    /** Presence changes never bring a removed node back; false when nothing was updated. */
    async updatePresence(id: string, set: Partial<Omit<NodesTable, 'id'>>): Promise<boolean> {
      const r = await db
        .updateTable('nodes')
        .set(set)
        .where('id', '=', id)
        .where('status', '!=', 'removed')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Nodes the server thought online when it stopped: their links are gone now. */
    markAllOnlineOffline: (now: number, reason: string) =>
      db
        .updateTable('nodes')
        .set({ status: 'offline', since: now, reason })
        .where('status', '=', 'online')
        .execute(),
    list(f: NodeFilter) {
      let q = db.selectFrom('nodes').selectAll('nodes');
      if (f.spaceId) q = q.where('nodes.space_id', '=', f.spaceId);
      if (f.status) q = q.where('nodes.status', '=', f.status);
      else if (!f.includeRemoved) q = q.where('nodes.status', '!=', 'removed');
      if (f.roomId) {
        const roomId = f.roomId;
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('room_nodes')
              .select('room_nodes.node_id')
              .whereRef('room_nodes.node_id', '=', 'nodes.id')
              .where('room_nodes.room_id', '=', roomId),
          ),
        );
      }
      if (f.q)
        q = q.where((eb) =>
          eb(eb.fn('lower', ['nodes.hostname']), 'like', `%${f.q!.toLowerCase().replace(/[%_\\]/g, '')}%`),
        );
      return q.orderBy('nodes.hostname').orderBy('nodes.id').limit(f.limit).offset(f.offset).execute();
    },
    roomsOf: (nodeIds: string[]) =>
      nodeIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('room_nodes')
            .innerJoin('rooms', 'rooms.id', 'room_nodes.room_id')
            .select(['room_nodes.node_id', 'rooms.id', 'rooms.name', 'rooms.slug'])
            .where('room_nodes.node_id', 'in', nodeIds)
            .orderBy('rooms.is_default', 'desc')
            .orderBy('rooms.name')
            .execute(),
    insertLinkSession: (row: {
      id: string;
      node_id: string;
      opened_at: number;
      remote_addr: string | null;
      agent_version: string | null;
    }) =>
      db
        .insertInto('link_sessions')
        .values({ ...row, closed_at: null, close_reason: null })
        .execute(),
    closeLinkSession: (id: string, closed_at: number, close_reason: string) =>
      db.updateTable('link_sessions').set({ closed_at, close_reason }).where('id', '=', id).execute(),
  };
}
export type NodesRepo = ReturnType<typeof createNodesRepo>;
