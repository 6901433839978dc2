import type { Kysely, Migration } from 'kysely';

/** Jobs run by agents, with their output kept in order. */
export const jobsMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node_id', 'text', (c) => c.notNull().references('nodes.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('exit_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('log_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('jobs_node_created').on('jobs').columns(['node_id', 'created_at']).execute();
    await db.schema.createIndex('jobs_state').on('jobs').column('state').execute();
    await db.schema
      .createTable('job_logs')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_logs_pk', ['job_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('job_logs').execute();
    await db.schema.dropTable('jobs').execute();
  },
});
