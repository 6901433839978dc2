import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type {
  NotificationAttemptsTable,
  NotificationChannelsTable,
  NotificationsTable,
} from '../db/schema.ts';

/** Notifications due whose claim has lapsed: read every second by the replica delivering, built once. */
const dueStatement = prepared((db, p: { now: number; limit: number }) =>
  db
    .selectFrom('notifications')
    .select(['id', 'batch_id', 'channel_id'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', p.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', p.now)]))
    .orderBy('next_attempt_at')
    .limit(p.limit),
);

/** Notification channels, the outbox, and each delivery attempt. */
export function createNotificationsRepo(db: Db) {
  return {
    listChannels: () =>
      db.selectFrom('notification_channels').selectAll().orderBy('created_at').orderBy('id').execute(),
    findChannel: (id: string) =>
      db.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst(),
    insertChannel: (row: NotificationChannelsTable) =>
      db.insertInto('notification_channels').values(row).execute(),
    updateChannel: (id: string, set: Partial<NotificationChannelsTable>) =>
      db.updateTable('notification_channels').set(set).where('id', '=', id).executeTakeFirst(),
    deleteChannel: (id: string) =>
      db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst(),

    enqueue: (rows: NotificationsTable[]) =>
      rows.length === 0 ? Promise.resolve() : db.insertInto('notifications').values(rows).execute(),
    /**
     * Take the notifications due for delivery (new, or a batch whose retry is due) whose claim has lapsed, for this
     * many milliseconds; answers what was taken. A replica that dies holding them lets them go when the claim ends.
     */
    async claimDue(now: number, holdMs: number, limit: number): Promise<NotificationsTable[]> {
      const due = await dueStatement.rows(db, { now, limit });
      if (due.length === 0) return [];
      // New notifications of the same channels join them, due or not: one outage is one message.
      const channels = [...new Set(due.filter((r) => r.batch_id === null).map((r) => r.channel_id))];
      const joining =
        channels.length === 0
          ? []
          : await db
              .selectFrom('notifications')
              .select(['id', 'batch_id', 'channel_id'])
              .where('status', '=', 'pending')
              .where('batch_id', 'is', null)
              .where('channel_id', 'in', channels)
              .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
              .limit(limit)
              .execute();
      const ids = [...new Set([...due, ...joining].map((r) => r.id))];
      await db
        .updateTable('notifications')
        .set({ claimed_until: now + holdMs })
        .where('id', 'in', ids)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .execute();
      return db
        .selectFrom('notifications')
        .selectAll()
        .where('id', 'in', ids)
        .where('claimed_until', '=', now + holdMs)
        .execute();
    },
    /** End every claim on a pending notification: its holder is known to be gone (a server alone, restarting). */
    releaseClaims: () =>
      db
        .updateTable('notifications')
        .set({ claimed_until: null })
        .where('status', '=', 'pending')
        .where('claimed_until', 'is not', null)
        .execute(),
    update: (ids: string[], set: Partial<NotificationsTable>) =>
      ids.length === 0
        ? Promise.resolve()
        : db.updateTable('notifications').set(set).where('id', 'in', ids).execute(),
    recordAttempt: (row: NotificationAttemptsTable) =>
      db.insertInto('notification_attempts').values(row).execute(),
    attempts: (channelId: string, limit: number) =>
      db
        .selectFrom('notification_attempts')
        .selectAll()
        .where('channel_id', '=', channelId)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute(),
    prune: async (before: number) => {
      const a = await db.deleteFrom('notification_attempts').where('at', '<', before).executeTakeFirst();
      const n = await db
        .deleteFrom('notifications')
        .where('status', 'in', ['sent', 'failed', 'muted'])
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(a.numDeletedRows) + Number(n.numDeletedRows);
    },
  };
}
