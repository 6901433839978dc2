import { type Kysely, type Migration } from 'kysely';

/**
 * The fleet's life cycle: nodes claimed as ephemeral (removed after a time offline), each space's settings (when
 * ephemeral and stale nodes are removed, whether agents may announce themselves), rooms that take nodes by rule (and
 * which memberships a rule made), agents awaiting approval, and a first admin who must choose their own password.
 */
export const fleetLifeMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('nodes')
      .addColumn('ephemeral', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // What the node's agent said it does beyond the defaults (JSON list, e.g. ["link/1","jobs/shell"]).
    await db.schema.alterTable('nodes').addColumn('capabilities', 'text').execute();
    await db.schema
      .alterTable('tokens')
      .addColumn('ephemeral', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('spaces')
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('rooms')
      .addColumn('rules', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('room_nodes')
      .addColumn('by_rule', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('password_change_required', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Offline nodes by how long: the stale filter and the removal of ephemeral and stale nodes.
    await db.schema.createIndex('nodes_status_since').on('nodes').columns(['status', 'since']).execute();
    await db.schema
      .createTable('announcements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('facts', 'text', (c) => c.notNull())
      .addColumn('source_ip', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('announcements_fingerprint')
      .on('announcements')
      .column('fingerprint')
      .unique()
      .execute();
    await db.schema
      .createIndex('announcements_space_state')
      .on('announcements')
      .columns(['space_id', 'state'])
      .execute();
  },
});
