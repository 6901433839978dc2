import type { Db } from '../db/database.ts';
import type { SchedulesTable, SourceGroupsTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

/** What a host's welcome reads on every link: built and compiled once (prepared.ts). */
const byNode = {
  groups: prepared((db, p: { nodeId: string }) =>
    db.selectFrom('source_groups').selectAll().where('node_id', '=', p.nodeId).orderBy('name'),
  ),
  schedules: prepared((db, p: { nodeId: string }) =>
    db.selectFrom('schedules').selectAll().where('node_id', '=', p.nodeId).orderBy('created_at'),
  ),
};

/** Queries for backup source groups and schedules, always scoped to their host. */
export function createSchedulesRepo(db: Db) {
  return {
    findGroup: (nodeId: string, id: string) =>
      db
        .selectFrom('source_groups')
        .selectAll()
        .where('id', '=', id)
        .where('node_id', '=', nodeId)
        .executeTakeFirst(),
    /** Whether the host has another group of this name. */
    groupNameTaken: async (nodeId: string, name: string, except?: string) => {
      let q = db
        .selectFrom('source_groups')
        .select('id')
        .where('node_id', '=', nodeId)
        .where('name', '=', name);
      if (except) q = q.where('id', '!=', except);
      return (await q.executeTakeFirst()) !== undefined;
    },
    listGroups: (nodeId: string) => byNode.groups.rows(db, { nodeId }),
    insertGroup: (row: SourceGroupsTable) => db.insertInto('source_groups').values(row).execute(),
    updateGroup: (id: string, set: Partial<SourceGroupsTable>) =>
      db.updateTable('source_groups').set(set).where('id', '=', id).execute(),
    deleteGroup: (id: string) => db.deleteFrom('source_groups').where('id', '=', id).execute(),
    schedulesUsingGroup: async (groupId: string) =>
      (await db.selectFrom('schedules').select('id').where('source_group_id', '=', groupId).execute()).map(
        (s) => s.id,
      ),

    findSchedule: (nodeId: string, id: string) =>
      db
        .selectFrom('schedules')
        .selectAll()
        .where('id', '=', id)
        .where('node_id', '=', nodeId)
        .executeTakeFirst(),
    listSchedules: (nodeId: string) => byNode.schedules.rows(db, { nodeId }),
    insertSchedule: (row: SchedulesTable) => db.insertInto('schedules').values(row).execute(),
    updateSchedule: (id: string, set: Partial<SchedulesTable>) =>
      db.updateTable('schedules').set(set).where('id', '=', id).execute(),
    deleteSchedule: (id: string) => db.deleteFrom('schedules').where('id', '=', id).execute(),
  };
}
export type SchedulesRepo = ReturnType<typeof createSchedulesRepo>;
