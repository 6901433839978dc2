import type { Kysely, Migration } from 'kysely';

/** Backup source groups and schedules per host; jobs remember the schedule that started them. */
export const schedulesMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('source_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node_id', 'text', (c) => c.notNull().references('nodes.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('paths', 'text', (c) => c.notNull())
      .addColumn('excludes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('retention', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('source_groups_node_name', ['node_id', 'name'])
      .execute();
    await db.schema
      .createTable('schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node_id', 'text', (c) => c.notNull().references('nodes.id').onDelete('cascade'))
      .addColumn('source_group_id', 'text', (c) => c.notNull().references('source_groups.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('schedules_node').on('schedules').column('node_id').execute();
    await db.schema.alterTable('jobs').addColumn('schedule_id', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('scheduled_for', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('jobs').dropColumn('scheduled_for').execute();
    await db.schema.alterTable('jobs').dropColumn('schedule_id').execute();
    await db.schema.dropTable('schedules').execute();
    await db.schema.dropTable('source_groups').execute();
  },
});
