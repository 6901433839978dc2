import type { Db } from '../db/database.ts';
import type { BackupPlansTable, SchedulesTable, SourceGroupsTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

/** The plans that could apply to a node, read at every link's welcome: built and compiled once (prepared.ts). */
const candidatesOfNode = prepared((db, p: { spaceId: string; nodeId: string }) =>
  db
    .selectFrom('backup_plans')
    .selectAll()
    .where('space_id', '=', p.spaceId)
    .where((eb) =>
      eb.or([
        eb('room_id', 'is', null),
        eb('room_id', 'in', eb.selectFrom('room_nodes').select('room_id').where('node_id', '=', p.nodeId)),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id'),
);

/** Backup plans, nodes' overrides of them, and the groups and schedules plans give nodes. */
export function createBackupPlansRepo(db: Db) {
  return {
    find: (id: string) => db.selectFrom('backup_plans').selectAll().where('id', '=', id).executeTakeFirst(),
    list: () => db.selectFrom('backup_plans').selectAll().orderBy('created_at').orderBy('id').execute(),
    insert: (row: BackupPlansTable) => db.insertInto('backup_plans').values(row).execute(),
    update: (id: string, set: Partial<Omit<BackupPlansTable, 'id'>>) =>
      db.updateTable('backup_plans').set(set).where('id', '=', id).execute(),
    delete: (id: string) => db.deleteFrom('backup_plans').where('id', '=', id).execute(),
    /** Move the plan's copy mark from `from` to `now`: true for the one caller that did it. */
    claimCopyRun: async (id: string, from: number | null, now: number) => {
      const r = await db
        .updateTable('backup_plans')
        .set({ copy_fired_at: now })
        .where('id', '=', id)
        .where((eb) => (from === null ? eb('copy_fired_at', 'is', null) : eb('copy_fired_at', '=', from)))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** The plans that could apply to a node (its space's, and its rooms'), oldest first: one statement. */
    candidatesOfNode: (spaceId: string, nodeId: string) => candidatesOfNode.rows(db, { spaceId, nodeId }),
    /** Nodes (not removed) of a space, or of one room of it. */
    nodesIn: async (spaceId: string, roomId: string | null) => {
      let q = db
        .selectFrom('nodes')
        .select(['nodes.id'])
        .where('nodes.space_id', '=', spaceId)
        .where('nodes.status', '!=', 'removed');
      if (roomId)
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('room_nodes')
              .select('room_nodes.node_id')
              .whereRef('room_nodes.node_id', '=', 'nodes.id')
              .where('room_nodes.room_id', '=', roomId),
          ),
        );
      return (await q.execute()).map((n) => n.id);
    },
    /** Nodes holding groups a plan gave them. */
    nodesWithPlan: async (planId: string) =>
      (await db.selectFrom('source_groups').select('node_id').where('plan_id', '=', planId).execute()).map(
        (r) => r.node_id,
      ),
    /** Everything the fleet's backup table is made of, in four reads. */
    async fleet() {
      const [nodes, status, groups, schedules] = await Promise.all([
        db
          .selectFrom('nodes')
          .select(['id', 'hostname', 'status', 'space_id', 'agent_kind', 'repo_location', 'repo_stats'])
          .where('status', '!=', 'removed')
          .orderBy('hostname')
          .execute(),
        db.selectFrom('backup_status').selectAll().execute(),
        db.selectFrom('source_groups').select(['id', 'node_id', 'plan_id']).execute(),
        db
          .selectFrom('schedules')
          .select(['node_id', 'cron', 'timezone', 'delay_seconds'])
          .where('action', '=', 'backup')
          .where('enabled', '=', 1)
          .execute(),
      ]);
      return { nodes, status, groups, schedules };
    },
    /** The repositories of these nodes and what restic last said of their size. */
    repositoriesOf: (nodeIds: string[]) =>
      nodeIds.length === 0
        ? Promise.resolve([])
        : db.selectFrom('nodes').select(['repo_location', 'repo_stats']).where('id', 'in', nodeIds).execute(),
    /** Restic jobs of these nodes that wait or run, oldest first. */
    activeJobs: (nodeIds: string[]) =>
      nodeIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('jobs')
            .innerJoin('nodes', 'nodes.id', 'jobs.node_id')
            .select([
              'jobs.id',
              'jobs.node_id',
              'nodes.hostname',
              'jobs.type',
              'jobs.state',
              'jobs.created_at',
            ])
            .where('jobs.node_id', 'in', nodeIds)
            .where('jobs.state', 'in', ['queued', 'running'])
            .where('jobs.type', 'like', 'restic.%')
            .orderBy('jobs.created_at')
            .limit(500)
            .execute(),
    findOverride: (nodeId: string) =>
      db.selectFrom('backup_plan_overrides').selectAll().where('node_id', '=', nodeId).executeTakeFirst(),
    setOverride: async (nodeId: string, spec: string | null, now: number) => {
      await db.deleteFrom('backup_plan_overrides').where('node_id', '=', nodeId).execute();
      if (spec !== null)
        await db
          .insertInto('backup_plan_overrides')
          .values({ node_id: nodeId, spec, updated_at: now })
          .execute();
    },
    managedGroups: (nodeId: string) =>
      db
        .selectFrom('source_groups')
        .selectAll()
        .where('node_id', '=', nodeId)
        .where('plan_id', 'is not', null)
        .execute(),
    /** Replace what plans give a node with these rows (none: the node has no plan). */
    async replaceManaged(nodeId: string, groups: SourceGroupsTable[], schedules: SchedulesTable[]) {
      await db
        .deleteFrom('schedules')
        .where('node_id', '=', nodeId)
        .where('plan_id', 'is not', null)
        .execute();
      const keep = groups.map((g) => g.id);
      let del = db.deleteFrom('source_groups').where('node_id', '=', nodeId).where('plan_id', 'is not', null);
      if (keep.length) del = del.where('id', 'not in', keep);
      await del.execute();
      for (const g of groups) {
        const { id, ...changed } = g;
        const set: Partial<SourceGroupsTable> = { ...changed };
        delete set.created_at;
        const updated = await db
          .updateTable('source_groups')
          .set(set)
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) await db.insertInto('source_groups').values(g).execute();
      }
      if (schedules.length) await db.insertInto('schedules').values(schedules).execute();
    },
  };
}
export type BackupPlansRepo = ReturnType<typeof createBackupPlansRepo>;
