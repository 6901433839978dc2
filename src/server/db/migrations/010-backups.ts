import type { Kysely, Migration } from 'kysely';

/**
 * Backups as an operator follows them: where each node's repository is (its URL without credentials) and what
 * restic last said about it, what each job produced, how each source group's backups stand (last success, last
 * failure, when it falls overdue), and the soonest such time per node for the "backup overdue" filter.
 */
export const backupsMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('nodes').addColumn('repo_location', 'text').execute();
    await db.schema.alterTable('nodes').addColumn('repo_message', 'text').execute();
    await db.schema.alterTable('nodes').addColumn('repo_lock', 'text').execute();
    await db.schema.alterTable('nodes').addColumn('backup_due_at', 'bigint').execute();
    await db.schema.createIndex('nodes_backup_due').on('nodes').column('backup_due_at').execute();
    await db.schema.alterTable('jobs').addColumn('result', 'text').execute();
    await db.schema
      .alterTable('source_groups')
      .addColumn('overdue_after_hours', 'double precision')
      .execute();
    await db.schema
      .createTable('backup_status')
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('source_group_id', 'text', (c) => c.notNull())
      .addColumn('expected_since', 'bigint', (c) => c.notNull())
      .addColumn('max_age_ms', 'bigint')
      .addColumn('due_at', 'bigint')
      .addColumn('last_success_at', 'bigint')
      .addColumn('last_success_job', 'text')
      .addColumn('snapshot_id', 'text')
      .addColumn('data_added', 'bigint')
      .addColumn('files_new', 'bigint')
      .addColumn('files_changed', 'bigint')
      .addColumn('files_total', 'bigint')
      .addColumn('bytes_total', 'bigint')
      .addColumn('duration_ms', 'bigint')
      .addColumn('last_failure_at', 'bigint')
      .addColumn('last_failure_job', 'text')
      .addColumn('last_failure_reason', 'text')
      .addPrimaryKeyConstraint('backup_status_pk', ['node_id', 'source_group_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('backup_status').execute();
    await db.schema.alterTable('source_groups').dropColumn('overdue_after_hours').execute();
    await db.schema.alterTable('jobs').dropColumn('result').execute();
    await db.schema.dropIndex('nodes_backup_due').execute();
    for (const c of ['backup_due_at', 'repo_lock', 'repo_message', 'repo_location'])
      await db.schema.alterTable('nodes').dropColumn(c).execute();
  },
});
