import type { Kysely, Migration } from 'kysely';

/** Which agent a node's link speaks: Muster's own, or a stock Netdata agent over ACLK; null before its first link. */
export const agentKindMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('nodes').addColumn('agent_kind', 'text').execute();
  },
});
