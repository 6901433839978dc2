import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { NodeEventsTable } from '../db/schema.ts';
import { inRoom, olderThan, visibleNode, type Visible } from './query-parts.ts';

export interface EventFilter {
  limit: number;
  node_id?: string;
  room_id?: string;
  kind?: string;
  /** Only events of nodes in these spaces or rooms. */
  visibleTo?: Visible;
  before?: { at: number; id: string };
}

/** One event of a node (every link up and down writes one): built and compiled once (prepared.ts). */
const insertForNode = prepared(
  (db, e: Omit<NodeEventsTable, 'hostname' | 'space_id'> & { node_id: string }) =>
    db
      .insertInto('node_events')
      .columns(['id', 'at', 'node_id', 'hostname', 'space_id', 'kind', 'summary'])
      .expression((eb) =>
        eb
          .selectFrom('nodes')
          .select([
            eb.val(e.id).as('id'),
            eb.cast<number>(eb.val(e.at), 'bigint').as('at'),
            'nodes.id as node_id',
            'nodes.hostname',
            'nodes.space_id',
            eb.val(e.kind).as('kind'),
            eb.val(e.summary).as('summary'),
          ])
          .where('nodes.id', '=', e.node_id),
      ),
);

/** The events timeline: every state change of every node, newest first. */
export function createNodeEventsRepo(db: Db) {
  return {
    /** One event of a node, with the node's host name and space as they are now (nothing when it is unknown). */
    insertForNode: (e: Omit<NodeEventsTable, 'hostname' | 'space_id'> & { node_id: string }) =>
      insertForNode.run(db, e),
    list(f: EventFilter) {
      let q = db.selectFrom('node_events').selectAll();
      if (f.node_id) q = q.where('node_id', '=', f.node_id);
      if (f.kind) q = q.where('kind', '=', f.kind);
      const { room_id: room, before, visibleTo: v } = f;
      if (v) q = q.where((eb) => visibleNode(eb, 'node_events.node_id', v));
      if (room) q = q.where((eb) => inRoom(eb, 'node_events.node_id', room));
      if (before) q = q.where((eb) => olderThan(eb, 'node_events.at', 'node_events.id', before));
      return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    },
    prune: async (before: number) =>
      Number((await db.deleteFrom('node_events').where('at', '<', before).executeTakeFirst()).numDeletedRows),
  };
}
