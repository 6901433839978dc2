import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Sign-in failures counted per account (whatever address they come from), for the slow-down and the lock; and user
 * names found whatever their case (an index on the lower-case name, for the look-up).
 */
export const accountLockoutMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('users').addColumn('last_failed_at', 'bigint').execute();
    await db.schema.alterTable('users').addColumn('locked_at', 'bigint').execute();
    await db.schema
      .createIndex('users_username_lower')
      .on('users')
      .expression(sql`lower(username)`)
      .execute();
  },
});
