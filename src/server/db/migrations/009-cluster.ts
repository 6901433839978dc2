import type { Kysely, Migration } from 'kysely';

/**
 * What several server replicas share: who holds each node's link (and each link session), the replicas with their
 * leases, the lease on the cluster's periodic work, answered challenges and used link passwords (single use across the cluster), and a check value that
 * tells a replica started with another master key that it cannot read this database.
 */
export const clusterMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('nodes').addColumn('link_replica', 'text').execute();
    await db.schema.alterTable('link_sessions').addColumn('replica_id', 'text').execute();
    await db.schema
      .createTable('replicas')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('renewed_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_until', 'bigint', (c) => c.notNull())
      .addColumn('links', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('leader', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('work_at', 'bigint')
      .execute();
    await db.schema
      .createTable('cluster_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('used_nonces')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('used_nonces_expires').on('used_nonces').column('expires_at').execute();
    await db.schema
      .createTable('server_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
});
