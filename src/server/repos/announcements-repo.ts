import type { Db } from '../db/database.ts';
import type { AnnouncementsTable } from '../db/schema.ts';

/** Agents that announced themselves without a token, until they are approved or rejected. */
export function createAnnouncementsRepo(db: Db) {
  return {
    insert: (row: AnnouncementsTable) => db.insertInto('announcements').values(row).execute(),
    findById: (id: string) =>
      db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst(),
    findByFingerprint: (fingerprint: string) =>
      db.selectFrom('announcements').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst(),
    /** The facts of a pending announcement as its agent sends them again. */
    refresh: (id: string, hostname: string, facts: string, sourceIp: string | null) =>
      db
        .updateTable('announcements')
        .set({ hostname, facts, source_ip: sourceIp })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute(),
    async countPending(spaceId: string, now: number): Promise<number> {
      const r = await db
        .selectFrom('announcements')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('space_id', '=', spaceId)
        .where('state', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Pending ones that have not expired, and decided ones, newest first. */
    list: (now: number, limit: number) =>
      db
        .selectFrom('announcements')
        .selectAll()
        .where((eb) => eb.or([eb('state', '!=', 'pending'), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
    /** Decide a pending announcement; false when it was not pending any more. */
    async decide(
      id: string,
      state: 'approved' | 'rejected',
      by: string | null,
      at: number,
    ): Promise<boolean> {
      const r = await db
        .updateTable('announcements')
        .set({ state, decided_by: by, decided_at: at })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Forget pending announcements past their expiry (rejections are kept: their keys stay refused). */
    async pruneExpired(now: number): Promise<number> {
      const r = await db
        .deleteFrom('announcements')
        .where('state', '=', 'pending')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
