import { sql, type ExpressionBuilder } from 'kysely';
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
