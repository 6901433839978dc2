import type { Kysely, Migration } from 'kysely';

/** Enrollment: repository secrets moved to the node, node configuration, repository status. */
export const enrollmentMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('node_secrets').addColumn('repo_enc', 'text').execute();
    await db.schema
      .alterTable('nodes')
      .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('nodes')
      .addColumn('repo_status', 'text', (c) => c.notNull().defaultTo('unknown'))
      .execute();
    await db.schema.createIndex('tokens_expires').on('tokens').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('tokens_expires').execute();
    await db.schema.alterTable('nodes').dropColumn('repo_status').execute();
    await db.schema.alterTable('nodes').dropColumn('config').execute();
    await db.schema.alterTable('node_secrets').dropColumn('repo_enc').execute();
  },
});
