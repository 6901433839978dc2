import type { Kysely, Migration } from 'kysely';

/**
 * Backup plans: what to back up and how, once, for every node of a room or a space (its secrets sealed), each
 * node's overrides of it, and the source groups and schedules a plan gives each node (marked with the plan, so the
 * node's own stay apart). A node remembers which plan its repository came from (and the template it was made from),
 * and the last statistics restic gave of it.
 */
export const backupPlansMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('backup_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('space_id', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('secrets_enc', 'text')
      .addColumn('copy_fired_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('backup_plan_overrides')
      .addColumn('node_id', 'text', (c) => c.primaryKey().references('nodes.id').onDelete('cascade'))
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable('source_groups')
      .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.alterTable('source_groups').addColumn('plan_id', 'text').execute();
    await db.schema.alterTable('schedules').addColumn('plan_id', 'text').execute();
    await db.schema
      .alterTable('schedules')
      .addColumn('delay_seconds', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('source_groups_plan').on('source_groups').column('plan_id').execute();
    await db.schema.alterTable('nodes').addColumn('repo_plan_id', 'text').execute();
    await db.schema.alterTable('nodes').addColumn('repo_plan_template', 'text').execute();
    await db.schema.alterTable('nodes').addColumn('repo_stats', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const c of ['repo_stats', 'repo_plan_template', 'repo_plan_id'])
      await db.schema.alterTable('nodes').dropColumn(c).execute();
    await db.schema.dropIndex('source_groups_plan').execute();
    await db.schema.alterTable('schedules').dropColumn('delay_seconds').execute();
    await db.schema.alterTable('schedules').dropColumn('plan_id').execute();
    await db.schema.alterTable('source_groups').dropColumn('plan_id').execute();
    await db.schema.alterTable('source_groups').dropColumn('options').execute();
    await db.schema.dropTable('backup_plan_overrides').execute();
    await db.schema.dropTable('backup_plans').execute();
  },
});
