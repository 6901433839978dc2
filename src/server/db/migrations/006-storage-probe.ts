import type { Kysely, Migration } from 'kysely';

/** A scratch table /readyz writes to (and empties) to learn whether the storage takes writes again. */
export const storageProbeMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('storage_probe')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
  },
});
