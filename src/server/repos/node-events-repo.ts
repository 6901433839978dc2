import type { Db } from '../db/database.ts';
import type { NodeEventsTable } from '../db/schema.ts';

export interface EventFilter {
  limit: number;
  node_id?: string;
  room_id?: string;
  kind?: string;
  before?: { at: number; id: string };
}

/** The events timeline: every state change of every node, newest first. */
export function createNodeEventsRepo(db: Db) {
  return {
    insert: (rows: NodeEventsTable[]) =>
      rows.length === 0 ? Promise.resolve() : db.insertInto('node_events').values(rows).execute(),
    list(f: EventFilter) {
      let q = db.selectFrom('node_events').selectAll();
      if (f.node_id) q = q.where('node_id', '=', f.node_id);
      if (f.kind) q = q.where('kind', '=', f.kind);
      if (f.room_id) {
        const room = f.room_id;
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('room_nodes')
              .select('room_nodes.node_id')
              .whereRef('room_nodes.node_id', '=', 'node_events.node_id')
              .where('room_nodes.room_id', '=', room),
          ),
        );
      }
      if (f.before) {
        const { at, id } = f.before;
        q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
      }
      return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    },
    prune: async (before: number) =>
      Number((await db.deleteFrom('node_events').where('at', '<', before).executeTakeFirst()).numDeletedRows),
  };
}
