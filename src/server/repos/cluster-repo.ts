import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ReplicasTable } from '../db/schema.ts';

/** Nodes a lost replica's sweep takes offline in one statement. */
const SWEEP_SLICE = 500;

/** Queries for what replicas share: their leases, single-use values and server-wide settings. */
export function createClusterRepo(db: Db) {
  return {
    /** Record a single-use value; false when it was recorded before (and has not expired and been pruned). */
    async useOnce(key: string, expiresAt: number): Promise<boolean> {
      const r = await db
        .insertInto('used_nonces')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async pruneNonces(now: number): Promise<number> {
      const r = await db.deleteFrom('used_nonces').where('expires_at', '<=', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    setting: async (name: string) =>
      (await db.selectFrom('server_settings').select('value').where('name', '=', name).executeTakeFirst())
        ?.value ?? null,
    putSetting: (name: string, value: string) =>
      db
        .insertInto('server_settings')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
        .execute(),
    /** Store a setting unless one is there already; the value that is stored afterwards. */
    async settingOnce(name: string, value: string): Promise<string> {
      await db
        .insertInto('server_settings')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      return (
        await db
          .selectFrom('server_settings')
          .select('value')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).value;
    },
    /**
     * Take or keep the named lease until `until`: granted when nobody holds it, this holder holds it, or the
     * holder's lease ran out. True when `holder` holds it now.
     */
    async holdLease(name: string, holder: string, now: number, until: number): Promise<boolean> {
      const row = await db
        .insertInto('cluster_leases')
        .values({ name, holder, until })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, until })
            .where((eb) =>
              eb.or([eb('cluster_leases.holder', '=', holder), eb('cluster_leases.until', '<', now)]),
            ),
        )
        .returning('holder')
        .executeTakeFirst();
      return row?.holder === holder;
    },
    releaseLease: (name: string, holder: string) =>
      db.deleteFrom('cluster_leases').where('name', '=', name).where('holder', '=', holder).execute(),
    registerReplica: (row: ReplicasTable) => db.insertInto('replicas').values(row).execute(),
    /** Extend a replica's lease; false when its row is gone (it was declared lost). */
    async renewLease(
      id: string,
      set: Pick<ReplicasTable, 'renewed_at' | 'lease_until' | 'links' | 'leader' | 'work_at'>,
    ) {
      const r = await db.updateTable('replicas').set(set).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    removeReplica: (id: string) => db.deleteFrom('replicas').where('id', '=', id).execute(),
    listReplicas: () => db.selectFrom('replicas').selectAll().orderBy('started_at').execute(),
    /**
     * Replicas whose lease ran out are lost: nodes whose link they held go offline, their open link sessions close
     * and their rows go. Without `everything` nothing is done unless such a replica exists (one small query); with
     * it, also nodes and sessions whose replica has no row at all (a cluster that was stopped whole). Returns the
     * nodes that went offline and the names of the replicas that were lost.
     */
    async releaseLostLinks(
      now: number,
      reason: string,
      everything: boolean,
      slice = SWEEP_SLICE,
    ): Promise<{ nodes: string[]; replicas: string[] }> {
      const lostRows = await db
        .selectFrom('replicas')
        .select(['id', 'name'])
        .where('lease_until', '<', now)
        .execute();
      const lost = lostRows.map((r) => r.id);
      if (lost.length === 0 && !everything) return { nodes: [], replicas: [] };
      // The nodes are read first (with `everything`, every online node whose replica has no live row), then taken
      // offline a slice at a time, each slice a statement of its own: a link coming up at a live replica for one of
      // them waits on its row only until its slice is written, not until every node is (a replica's presence writes
      // share one transaction, so one wait stalls them all). Each slice names the replicas read and asks again, of
      // the row itself, whether the node is still online at one of them: an update whose own condition asked
      // whether a node's replica has a live row would, on PostgreSQL, take offline a node whose link came up at a
      // live replica while it ran (the row changed under it is checked again, but against the original answer of
      // that question), and a cold start of the whole cluster left such nodes offline.
      const online = await db
        .selectFrom('nodes')
        .select(['id', 'link_replica'])
        .where('status', '=', 'online')
        .where(
          everything
            ? sql<boolean>`not exists (select 1 from replicas where replicas.id = nodes.link_replica and replicas.lease_until >= ${now})`
            : sql<boolean>`nodes.link_replica in (${sql.join(lost)})`,
        )
        .execute();
      const from = [...new Set(online.flatMap((r) => (r.link_replica === null ? [] : [r.link_replica])))];
      const noReplica = online.some((r) => r.link_replica === null);
      const nodes: string[] = [];
      for (let i = 0; i < online.length; i += slice) {
        const rows = await db
          .updateTable('nodes')
          .set({ status: 'offline', since: now, reason, link_replica: null })
          .where(
            'id',
            'in',
            online.slice(i, i + slice).map((r) => r.id),
          )
          .where('status', '=', 'online')
          .where((eb) =>
            eb.or([
              ...(from.length > 0 ? [eb('link_replica', 'in', from)] : []),
              ...(noReplica ? [eb('link_replica', 'is', null)] : []),
            ]),
          )
          .returning('id')
          .execute();
        for (const r of rows) nodes.push(r.id);
      }
      // A session's replica never changes, so asking about it within the update is safe here.
      await db
        .updateTable('link_sessions')
        .set({ closed_at: now, close_reason: reason })
        .where('closed_at', 'is', null)
        .where(
          everything
            ? sql<boolean>`not exists (select 1 from replicas where replicas.id = link_sessions.replica_id and replicas.lease_until >= ${now})`
            : sql<boolean>`link_sessions.replica_id in (${sql.join(lost)})`,
        )
        .execute();
      if (lost.length > 0) await db.deleteFrom('replicas').where('id', 'in', lost).execute();
      return { nodes, replicas: lostRows.map((r) => r.name) };
    },
  };
}
export type ClusterRepo = ReturnType<typeof createClusterRepo>;
