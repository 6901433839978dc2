import type { Db } from '../db/database.ts';
import type { JobState, JobsTable, JobLogsTable } from '../db/schema.ts';

/** Queries for jobs and their stored output. */
export function createJobsRepo(db: Db) {
  return {
    insert: (row: JobsTable) => db.insertInto('jobs').values(row).execute(),
    find: (id: string) => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    /** What handling a link frame needs: owner, type, state and how much output is stored. */
    findBrief: (id: string) =>
      db
        .selectFrom('jobs')
        .select(['id', 'node_id', 'type', 'state', 'log_bytes'])
        .where('id', '=', id)
        .executeTakeFirst(),
    setState: (id: string, state: JobState, extra: Partial<JobsTable> = {}) =>
      db
        .updateTable('jobs')
        .set({ state, ...extra })
        .where('id', '=', id)
        .execute(),
    /** End a job that is still queued or running; false when it had already ended. */
    async finishIfActive(
      id: string,
      set: {
        state: JobState;
        exit_code: number | null;
        error: string | null;
        finished_at: number;
        result?: string | null;
      },
    ): Promise<boolean> {
      const [updated] = await db
        .updateTable('jobs')
        .set(set)
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'running'])
        .execute();
      return Boolean(updated && Number(updated.numUpdatedRows) > 0);
    },
    runningIds: async (nodeId: string) =>
      (
        await db
          .selectFrom('jobs')
          .select('id')
          .where('node_id', '=', nodeId)
          .where('state', '=', 'running')
          .execute()
      ).map((j) => j.id),
    /** The oldest queued jobs of every node (at most `limit`), for a sweep that starts what waited. */
    queuedAny: (limit: number) =>
      db
        .selectFrom('jobs')
        .selectAll()
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .limit(limit)
        .execute(),
    queuedFor: (nodeId: string) =>
      db
        .selectFrom('jobs')
        .selectAll()
        .where('node_id', '=', nodeId)
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .execute(),
    /** Store one chunk of output (a repeated chunk is ignored) and count its bytes. */
    async appendLog(row: JobLogsTable): Promise<void> {
      await db
        .insertInto('job_logs')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .execute();
      await db
        .updateTable('jobs')
        .set((eb) => ({ log_bytes: eb('log_bytes', '+', Buffer.byteLength(row.data)) }))
        .where('id', '=', row.job_id)
        .execute();
    },
    logsOf: (id: string) =>
      db
        .selectFrom('job_logs')
        .select(['seq', 'stream', 'data', 'at'])
        .where('job_id', '=', id)
        .orderBy('seq')
        .execute(),
    /** The node's most recent job of a type that ended. */
    lastFinished: (nodeId: string, type: string) =>
      db
        .selectFrom('jobs')
        .selectAll()
        .where('node_id', '=', nodeId)
        .where('type', '=', type)
        .where('finished_at', 'is not', null)
        .orderBy('finished_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    listForNode: (nodeId: string, limit: number) =>
      db
        .selectFrom('jobs')
        .selectAll()
        .where('node_id', '=', nodeId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
  };
}
export type JobsRepo = ReturnType<typeof createJobsRepo>;
