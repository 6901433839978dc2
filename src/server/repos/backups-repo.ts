import { visibleNode, type Visible } from './query-parts.ts';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { BackupStatusTable } from '../db/schema.ts';

/** Groups that fell overdue in (after, upTo]: the periodic alert check reads it every second, built once. */
const fellDue = prepared((db, p: { after: number; upTo: number; limit: number }) =>
  db
    .selectFrom('backup_status')
    .innerJoin('nodes', 'nodes.id', 'backup_status.node_id')
    .leftJoin('source_groups', 'source_groups.id', 'backup_status.source_group_id')
    .select([
      'backup_status.node_id',
      'backup_status.source_group_id',
      'backup_status.due_at',
      'backup_status.last_success_at',
      'source_groups.name as group_name',
    ])
    .where('backup_status.due_at', '>', p.after)
    .where('backup_status.due_at', '<=', p.upTo)
    .where('nodes.status', '!=', 'removed')
    .orderBy('backup_status.due_at')
    .limit(p.limit),
);

/** Queries for how each node's backups stand, per source group. */
export function createBackupsRepo(db: Db) {
  return {
    listFor: (nodeId: string) =>
      db.selectFrom('backup_status').selectAll().where('node_id', '=', nodeId).execute(),
    find: (nodeId: string, groupId: string) =>
      db
        .selectFrom('backup_status')
        .selectAll()
        .where('node_id', '=', nodeId)
        .where('source_group_id', '=', groupId)
        .executeTakeFirst(),
    insert: (row: BackupStatusTable) => db.insertInto('backup_status').values(row).execute(),
    update: (nodeId: string, groupId: string, set: Partial<BackupStatusTable>) =>
      db
        .updateTable('backup_status')
        .set(set)
        .where('node_id', '=', nodeId)
        .where('source_group_id', '=', groupId)
        .execute(),
    /** Rows of groups that no longer exist go; backups outside any group ('') stay. */
    deleteExcept: (nodeId: string, keep: string[]) =>
      db
        .deleteFrom('backup_status')
        .where('node_id', '=', nodeId)
        .where('source_group_id', 'not in', ['', ...keep])
        .execute(),
    /** The soonest time one of the node's groups falls overdue, onto the node (the list filters by it). */
    async setNodeDue(nodeId: string) {
      const row = await db
        .selectFrom('backup_status')
        .select((eb) => eb.fn.min<number | null>('due_at').as('due'))
        .where('node_id', '=', nodeId)
        .executeTakeFirst();
      const due = row?.due ?? null;
      await db
        .updateTable('nodes')
        .set({ backup_due_at: due === null ? null : Number(due) })
        .where('id', '=', nodeId)
        .execute();
    },
    /** Every row with its node's host name and its group's name, for the metrics scrape. */
    all: () =>
      db
        .selectFrom('backup_status')
        .innerJoin('nodes', 'nodes.id', 'backup_status.node_id')
        .leftJoin('source_groups', 'source_groups.id', 'backup_status.source_group_id')
        .select([
          'backup_status.node_id',
          'nodes.hostname',
          'source_groups.name as group_name',
          'backup_status.source_group_id',
          'backup_status.last_success_at',
          'backup_status.due_at',
        ])
        .where('nodes.status', '!=', 'removed')
        .execute(),
    /** Groups that fell overdue in (after, upTo], through the due-time index: what changed, not the fleet. */
    fellDue: (after: number, upTo: number, limit: number) => fellDue.rows(db, { after, upTo, limit }),
    /** Source groups by health, and the bytes their last successful backups read (the home page). */
    async summary(now: number, v?: Visible) {
      const row = await db
        .selectFrom('backup_status')
        .innerJoin('nodes', 'nodes.id', 'backup_status.node_id')
        .select([
          sql<number>`count(*)`.as('total'),
          sql<number>`sum(case when backup_status.due_at is not null and backup_status.due_at <= ${now} then 1 else 0 end)`.as(
            'overdue',
          ),
          sql<number>`sum(case when backup_status.last_failure_at is not null and (backup_status.last_success_at is null or backup_status.last_failure_at > backup_status.last_success_at) then 1 else 0 end)`.as(
            'failing',
          ),
          sql<number>`coalesce(sum(backup_status.bytes_total), 0)`.as('bytes'),
        ])
        .where('nodes.status', '!=', 'removed')
        .$if(!!v, (q) => q.where((eb) => visibleNode(eb, 'backup_status.node_id', v!)))
        .executeTakeFirst();
      return {
        total: Number(row?.total ?? 0),
        overdue: Number(row?.overdue ?? 0),
        failing: Number(row?.failing ?? 0),
        bytes: Number(row?.bytes ?? 0),
      };
    },
  };
}
export type BackupsRepo = ReturnType<typeof createBackupsRepo>;
