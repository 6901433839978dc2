import { sql, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The node that `nodeRef` names is in room `roomId` (lists that filter by room: nodes, alerts, events). */
export function inRoom<TB extends keyof Database>(
  eb: ExpressionBuilder<Database, TB>,
  nodeRef: 'nodes.id' | 'alerts.node_id' | 'node_events.node_id',
  roomId: string,
) {
  // References through sql.ref: the outer query's tables vary (TB), so names are checked by the unions above.
  return eb.exists(
    eb
      .selectFrom('room_nodes')
      .select(sql.lit(1).as('one'))
      .where(sql.ref<string>('room_nodes.node_id'), '=', sql.ref<string>(nodeRef))
      .where(sql.ref<string>('room_nodes.room_id'), '=', roomId),
  );
}

/** Where a principal's roles are: rows of nodes outside them are left out of lists. */
export interface Visible {
  spaceIds: string[];
  roomIds: string[];
}

/** The node that `nodeRef` names is in one of the spaces or rooms (false for none). */
export function visibleNode<TB extends keyof Database>(
  eb: ExpressionBuilder<Database, TB>,
  nodeRef: 'nodes.id' | 'alerts.node_id' | 'node_events.node_id' | 'backup_status.node_id',
  v: Visible,
) {
  const ref = sql.ref<string>(nodeRef);
  return eb.or([
    ...(v.spaceIds.length
      ? [sql<SqlBool>`${ref} in (select id from nodes where space_id in (${sql.join(v.spaceIds)}))`]
      : []),
    ...(v.roomIds.length
      ? [sql<SqlBool>`${ref} in (select node_id from room_nodes where room_id in (${sql.join(v.roomIds)}))`]
      : []),
    // Nothing else: no row (a literal, which every dialect binds).
    sql<SqlBool>`1 = 0`,
  ]);
}

/**
 * Rows older than a cursor in a list ordered newest first by a time and then an id: the next page after the row
 * (`at`, `id`) a page ended on.
 */
export function olderThan<TB extends keyof Database>(
  eb: ExpressionBuilder<Database, TB>,
  timeRef: 'alerts.since' | 'node_events.at',
  idRef: 'alerts.id' | 'node_events.id',
  cursor: { at: number; id: string },
) {
  const time = sql.ref<number>(timeRef);
  return eb.or([
    eb(time, '<', cursor.at),
    eb.and([eb(time, '=', cursor.at), eb(sql.ref<string>(idRef), '<', cursor.id)]),
  ]);
}
