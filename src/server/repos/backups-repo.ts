import type { Db } from '../db/database.ts';
import type { BackupStatusTable } from '../db/schema.ts';

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
  };
}
export type BackupsRepo = ReturnType<typeof createBackupsRepo>;
