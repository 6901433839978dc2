import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Alerts and what tells people about them: rules (which conditions alert, after how long, where they are sent),
 * alerts (one row per condition while it holds, kept after it resolves), silences, notification channels (their
 * configuration sealed), the notification outbox with every delivery attempt, and the events timeline.
 */
export const alertsMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('for_seconds', 'integer', (c) => c.notNull())
      .addColumn('repeat_seconds', 'integer')
      .addColumn('space_id', 'text')
      .addColumn('room_id', 'text')
      .addColumn('channel_ids', 'text', (c) => c.notNull())
      .addColumn('send_resolved', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text')
      .addColumn('space_id', 'text')
      .addColumn('subject', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('fire_at', 'bigint', (c) => c.notNull())
      .addColumn('fired_at', 'bigint')
      .addColumn('resolve_at', 'bigint')
      .addColumn('resolved_at', 'bigint')
      .addColumn('acknowledged_by', 'text')
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('ack_comment', 'text')
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('notified', 'text')
      .addColumn('notified_at', 'bigint')
      .addColumn('repeat_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // One open alert per condition and rule; resolved ones are history.
    // Through the schema builder, so that the index lands in the database's schema (tests use one of their own).
    await db.schema
      .createIndex('alerts_open_key')
      .on('alerts')
      .column('key')
      .unique()
      .where(sql.ref('state'), '<>', 'resolved')
      .execute();
    await db.schema.createIndex('alerts_state_fire').on('alerts').columns(['state', 'fire_at']).execute();
    await db.schema.createIndex('alerts_resolve_at').on('alerts').column('resolve_at').execute();
    await db.schema.createIndex('alerts_repeat_at').on('alerts').column('repeat_at').execute();
    await db.schema.createIndex('alerts_key_resolved').on('alerts').columns(['key', 'resolved_at']).execute();
    await db.schema.createIndex('alerts_node').on('alerts').columns(['node_id', 'state']).execute();
    await db.schema.createIndex('alerts_since').on('alerts').columns(['since', 'id']).execute();
    await db.schema
      .createTable('silences')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text')
      .addColumn('node_id', 'text')
      .addColumn('room_id', 'text')
      .addColumn('severity', 'text')
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('silences_ends').on('silences').column('ends_at').execute();
    await db.schema
      .createTable('notification_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('last_sent_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('alert', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('notifications_due')
      .on('notifications')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('notifications_channel')
      .on('notifications')
      .columns(['channel_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('notification_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('notifications', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notification_attempts_channel')
      .on('notification_attempts')
      .columns(['channel_id', 'at'])
      .execute();
    await db.schema
      .createTable('node_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('node_id', 'text')
      .addColumn('hostname', 'text')
      .addColumn('space_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('node_events_at').on('node_events').columns(['at', 'id']).execute();
    await db.schema.createIndex('node_events_node').on('node_events').columns(['node_id', 'at']).execute();
    await db.schema.createIndex('backup_status_due').on('backup_status').column('due_at').execute();
    // Nodes claimed that never connected, by when they were claimed (the "never connected" alert's sweep).
    await db.schema
      .createIndex('nodes_status_created')
      .on('nodes')
      .columns(['status', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('nodes_status_created').execute();
    await db.schema.dropIndex('backup_status_due').execute();
    for (const t of [
      'node_events',
      'notification_attempts',
      'notifications',
      'notification_channels',
      'silences',
      'alerts',
      'alert_rules',
    ])
      await db.schema.dropTable(t).execute();
  },
});
