import type { Kysely, Migration } from 'kysely';

/**
 * Indexes for what a large fleet asks often: the node list in its order (host name, then id), and the retention
 * sweep of link sessions by the time they closed.
 */
export const fleetIndexesMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('nodes_hostname_id').on('nodes').columns(['hostname', 'id']).execute();
    await db.schema.createIndex('link_sessions_closed').on('link_sessions').column('closed_at').execute();
  },
});
