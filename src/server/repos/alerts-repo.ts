import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AlertRulesTable, AlertsTable, SilencesTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { inRoom, olderThan, visibleNode, type Visible } from './query-parts.ts';

/** What a node's link up and down reads and writes of its alerts: built and compiled once (prepared.ts). */
const presenceStatements = {
  findOpen: prepared((db, p: { key: string }) =>
    db.selectFrom('alerts').selectAll().where('key', '=', p.key).where('state', '<>', 'resolved'),
  ),
  findResolvedSince: prepared((db, p: { key: string; since: number }) =>
    db
      .selectFrom('alerts')
      .selectAll()
      .where('key', '=', p.key)
      .where('state', '=', 'resolved')
      .where('resolved_at', '>=', p.since)
      .orderBy('resolved_at', 'desc')
      .limit(1),
  ),
  openOfNode: prepared((db, p: { nodeId: string }) =>
    db.selectFrom('alerts').selectAll().where('node_id', '=', p.nodeId).where('state', '<>', 'resolved'),
  ),
  deleteWaiting: prepared((db, p: { id: string }) =>
    db
      .deleteFrom('alerts')
      .where('id', '=', p.id)
      .where('state', '=', 'pending')
      .where('fired_at', 'is', null)
      .where('resolve_at', 'is', null),
  ),
};

/** What the periodic work reads every second, with no change of the fleet to find most times: built once too. */
const tickStatements = {
  dueToFire: prepared((db, p: { now: number; limit: number }) =>
    db
      .selectFrom('alerts')
      .selectAll()
      .where('state', '=', 'pending')
      .where('fire_at', '<=', p.now)
      .orderBy('fire_at')
      .limit(p.limit),
  ),
  dueToResolve: prepared((db, p: { now: number; limit: number }) =>
    db.selectFrom('alerts').selectAll().where('resolve_at', '<=', p.now).limit(p.limit),
  ),
  dueToRepeat: prepared((db, p: { now: number; limit: number }) =>
    db
      .selectFrom('alerts')
      .selectAll()
      .where('repeat_at', '<=', p.now)
      .where('state', '=', 'firing')
      .limit(p.limit),
  ),
  // `escape` said, not assumed: PostgreSQL takes `\` as LIKE's escape by default, SQLite has none, and there a
  // prefix with `_` in it (replica_lost||) matched nothing.
  openLike: prepared((db, p: { pattern: string }) =>
    db
      .selectFrom('alerts')
      .selectAll()
      .where(sql<boolean>`${sql.ref('key')} like ${p.pattern} escape '\\'`)
      .where('state', '<>', 'resolved'),
  ),
  offlineUnalerted: prepared((db, p: { after: number; upTo: number }) =>
    db
      .selectFrom('nodes')
      .select(['id', 'space_id', 'hostname', 'reason', 'since'])
      .where('status', '=', 'offline')
      .where('since', '>', p.after)
      .where('since', '<=', p.upTo)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('alerts')
              .select('alerts.id')
              .where('alerts.kind', '=', 'node_offline')
              .whereRef('alerts.node_id', '=', 'nodes.id')
              .where('alerts.state', '<>', 'resolved'),
          ),
        ),
      ),
  ),
};

export interface AlertFilter {
  limit: number;
  /** 'firing' | 'acknowledged' | 'resolved'; default: every state but pending. */
  state?: string;
  severity?: string;
  kind?: string;
  node_id?: string;
  room_id?: string;
  /** Only alerts of nodes in these spaces or rooms. */
  visibleTo?: Visible;
  /** Older than this (since, id) cursor. */
  before?: { at: number; id: string };
}

export type AlertRow = AlertsTable & { hostname: string | null };

/** Alert rules, alerts and silences. */
export function createAlertsRepo(db: Db) {
  return {
    listRules: () => db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('id').execute(),
    findRule: (id: string) =>
      db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst(),
    insertRule: (row: AlertRulesTable) => db.insertInto('alert_rules').values(row).execute(),
    updateRule: (id: string, set: Partial<AlertRulesTable>) =>
      db.updateTable('alert_rules').set(set).where('id', '=', id).executeTakeFirst(),
    deleteRule: (id: string) => db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst(),
    countRules: async () =>
      Number(
        (
          await db
            .selectFrom('alert_rules')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      ),

    /** The open (not resolved) alert of a condition, if any. */
    findOpen: (key: string) => presenceStatements.findOpen.first(db, { key }),
    /** The condition's alert resolved most recently, after `since`. */
    findResolvedSince: (key: string, since: number) =>
      presenceStatements.findResolvedSince.first(db, { key, since }),
    /** Open alerts whose key starts with `prefix` (a node's, say). */
    openWithPrefix: (prefix: string) =>
      tickStatements.openLike.rows(db, { pattern: `${prefix.replace(/[%_\\]/g, '\\$&')}%` }),
    openOfNode: (nodeId: string) => presenceStatements.openOfNode.rows(db, { nodeId }),
    find: (id: string) => db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: AlertsTable) => db.insertInto('alerts').values(row).execute(),
    /** Insert alerts; one whose condition has an open alert already (raised meanwhile elsewhere) is left out. */
    insertMany: (rows: AlertsTable[]) =>
      rows.length === 0
        ? Promise.resolve()
        : db
            .insertInto('alerts')
            .values(rows)
            .onConflict((oc) => oc.doNothing())
            .execute(),
    update: (id: string, set: Partial<AlertsTable>) =>
      db.updateTable('alerts').set(set).where('id', '=', id).executeTakeFirst(),
    delete: (id: string) => db.deleteFrom('alerts').where('id', '=', id).executeTakeFirst(),
    /** Forget an alert that is still waiting its `for` and never fired; false when it is no longer so. */
    deleteWaiting: async (id: string) =>
      ((await presenceStatements.deleteWaiting.run(db, { id })).numAffectedRows ?? 0n) > 0n,
    /** Pending alerts whose `for` has passed. */
    dueToFire: (now: number, limit: number) => tickStatements.dueToFire.rows(db, { now, limit }),
    /** Cleared alerts whose hold has passed. */
    dueToResolve: (now: number, limit: number) => tickStatements.dueToResolve.rows(db, { now, limit }),
    /** Firing, unacknowledged alerts due for a reminder. */
    dueToRepeat: (now: number, limit: number) => tickStatements.dueToRepeat.rows(db, { now, limit }),
    /**
     * Offline nodes without an open offline alert that went offline after `after` (null: whenever) and at or before
     * `upTo`, through the (status, since) index.
     */
    offlineUnalerted: (after: number | null, upTo: number) =>
      tickStatements.offlineUnalerted.rows(db, { after: after ?? Number.MIN_SAFE_INTEGER, upTo }),
    /** Forget alerts among `ids` still waiting their `for` whose node is no longer offline (it came back meanwhile). */
    deleteWaitingOfReturned: (ids: string[]) =>
      ids.length === 0
        ? Promise.resolve()
        : db
            .deleteFrom('alerts')
            .where('id', 'in', ids)
            .where('state', '=', 'pending')
            .where('fired_at', 'is', null)
            .where((eb) =>
              eb.exists(
                eb
                  .selectFrom('nodes')
                  .select('nodes.id')
                  .whereRef('nodes.id', '=', 'alerts.node_id')
                  .where('nodes.status', '<>', 'offline'),
              ),
            )
            .execute(),
    /** After a restart, pending alerts of these kinds wait at least until `until`. */
    postpone: (kinds: string[], until: number) =>
      db
        .updateTable('alerts')
        .set({ fire_at: until })
        .where('state', '=', 'pending')
        .where('kind', 'in', kinds)
        .where('fire_at', '<', until)
        .executeTakeFirst(),
    list(f: AlertFilter): Promise<AlertRow[]> {
      let q = db
        .selectFrom('alerts')
        .leftJoin('nodes', 'nodes.id', 'alerts.node_id')
        .selectAll('alerts')
        .select('nodes.hostname as hostname');
      q = f.state
        ? q.where('alerts.state', '=', f.state as AlertsTable['state'])
        : q.where('alerts.state', '<>', 'pending');
      if (f.severity) q = q.where('alerts.severity', '=', f.severity);
      const v = f.visibleTo;
      if (v) q = q.where((eb) => visibleNode(eb, 'alerts.node_id', v));
      if (f.kind) q = q.where('alerts.kind', '=', f.kind);
      if (f.node_id) q = q.where('alerts.node_id', '=', f.node_id);
      const { room_id: room, before } = f;
      if (room) q = q.where((eb) => inRoom(eb, 'alerts.node_id', room));
      if (before) q = q.where((eb) => olderThan(eb, 'alerts.since', 'alerts.id', before));
      return q.orderBy('alerts.since', 'desc').orderBy('alerts.id', 'desc').limit(f.limit).execute();
    },
    /** Firing and acknowledged alerts by kind and severity, for the metrics and the header. */
    openCounts: (v?: Visible) =>
      db
        .selectFrom('alerts')
        .select(['kind', 'severity', 'state', (eb) => eb.fn.countAll().as('n')])
        .where('state', 'in', ['firing', 'acknowledged'])
        .$if(!!v, (q) => q.where((eb) => visibleNode(eb, 'alerts.node_id', v!)))
        .groupBy(['kind', 'severity', 'state'])
        .execute(),
    /** The worst open alert of each of these nodes. */
    worstOf: (nodeIds: string[]) =>
      nodeIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('alerts')
            .select(['node_id', 'severity', 'kind', 'summary'])
            .where('node_id', 'in', nodeIds)
            .where('state', 'in', ['firing', 'acknowledged'])
            .execute(),
    /** Nodes with the most alerts begun since `since`. */
    noisiest: (since: number, limit: number, v?: Visible) =>
      db
        .selectFrom('alerts')
        .innerJoin('nodes', 'nodes.id', 'alerts.node_id')
        .select([
          'alerts.node_id as node_id',
          'nodes.hostname as hostname',
          sql<number>`sum(alerts.count)`.as('n'),
        ])
        .where('alerts.since', '>=', since)
        .where('alerts.state', '<>', 'pending')
        .$if(!!v, (q) => q.where((eb) => visibleNode(eb, 'alerts.node_id', v!)))
        .groupBy(['alerts.node_id', 'nodes.hostname'])
        .orderBy('n', 'desc')
        .limit(limit)
        .execute(),
    prune: async (before: number) =>
      Number(
        (
          await db
            .deleteFrom('alerts')
            .where('state', '=', 'resolved')
            .where('resolved_at', '<', before)
            .executeTakeFirst()
        ).numDeletedRows,
      ),

    listSilences: (now: number) =>
      db.selectFrom('silences').selectAll().where('ends_at', '>', now).orderBy('starts_at').execute(),
    findSilence: (id: string) =>
      db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst(),
    insertSilence: (row: SilencesTable) => db.insertInto('silences').values(row).execute(),
    deleteSilence: (id: string) => db.deleteFrom('silences').where('id', '=', id).executeTakeFirst(),
    /** Rooms of these nodes, for silences and rules that name a room. */
    roomsOf: (nodeIds: string[]) =>
      nodeIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('room_nodes')
            .select(['node_id', 'room_id'])
            .where('node_id', 'in', nodeIds)
            .execute(),
  };
}
