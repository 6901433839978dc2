import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import { prepared, type Prepared } from '../db/prepared.ts';
import type { Database, NodeSecretsTable, NodesTable } from '../db/schema.ts';
import { inRoom, visibleNode, type Visible } from './query-parts.ts';

export interface NodeFilter {
  spaceId?: string;
  roomId?: string;
  /** `stale`: offline since before `staleBefore`; `duplicate`: suspected of sharing its identity. */
  status?: NodesTable['status'] | 'stale' | 'duplicate';
  staleBefore?: number;
  /** Part of the host name, OS, architecture, agent version or a tag. */
  q?: string;
  /** Only nodes with a source group overdue. */
  backupOverdue?: boolean;
  /** The time "overdue" is judged at (the service's clock). */
  now?: number;
  includeRemoved?: boolean;
  /** Only nodes in these spaces or rooms (a principal whose roles are there); absent: every node. */
  visibleTo?: Visible;
  limit: number;
  offset: number;
}

/** A link session as it opens. */
export interface LinkSessionRow {
  id: string;
  node_id: string;
  opened_at: number;
  remote_addr: string | null;
  agent_version: string | null;
  /** The replica holding the link (cluster mode). */
  replica_id?: string | null;
}

/** A node's columns that lists show: all but what only the link and the claim use. */
const LISTED_COLUMNS = [
  'nodes.id',
  'nodes.space_id',
  'nodes.hostname',
  'nodes.machine_guid',
  'nodes.status',
  'nodes.since',
  'nodes.reason',
  'nodes.last_seen_at',
  'nodes.os',
  'nodes.os_version',
  'nodes.kernel',
  'nodes.arch',
  'nodes.cpus',
  'nodes.memory_bytes',
  'nodes.virtualization',
  'nodes.container',
  'nodes.agent_version',
  'nodes.agent_kind',
  'nodes.labels',
  'nodes.tags',
  'nodes.duplicate_suspected',
  'nodes.created_at',
  'nodes.repo_status',
  'nodes.repo_location',
  'nodes.repo_message',
  'nodes.repo_lock',
  'nodes.backup_due_at',
  'nodes.ephemeral',
  'nodes.capabilities',
] as const;
/** The columns of a node that the API shows. */
export type ShownNode = Pick<
  NodesTable,
  (typeof LISTED_COLUMNS)[number] extends `nodes.${infer C extends keyof NodesTable}` ? C : never
>;
/** A node as lists read it: the columns they show and the ids of its rooms. */
export type ListedNode = ShownNode & { room_ids: string[]; rule_room_ids: Set<string> };

/** Ids per statement when many nodes are updated at once (SQLite allows 32,766 bound values). */
const IDS_PER_STATEMENT = 512;

/**
 * Ids for an IN list, repeated up to a power of two: a handful of distinct statement texts, so that prepared
 * statements are reused instead of one new shape per list length.
 */
function inList(ids: string[]): string[] {
  let size = 1;
  while (size < ids.length) size *= 2;
  return ids.length === size ? ids : [...ids, ...Array<string>(size - ids.length).fill(ids[ids.length - 1]!)];
}

/**
 * Room ids as listed (comma-separated: ids never hold a comma; a `*` after one marks a membership a room's rule
 * made) made a list.
 */
function listed(rows: (ShownNode & { room_ids: string | null })[]): ListedNode[] {
  for (const r of rows) {
    const out = r as unknown as ListedNode;
    const parts = r.room_ids ? r.room_ids.split(',') : [];
    out.rule_room_ids = new Set(parts.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1)));
    out.room_ids = parts.map((p) => (p.endsWith('*') ? p.slice(0, -1) : p));
  }
  return rows as unknown as ListedNode[];
}

/** The statements every link runs (prepared.ts): built and compiled once. */
const linkStatements = {
  findNode: prepared((db, p: { id: string }) => db.selectFrom('nodes').selectAll().where('id', '=', p.id)),
  findCredentials: prepared((db, p: { id: string }) =>
    db
      .selectFrom('nodes')
      .leftJoin('node_secrets', 'node_secrets.node_id', 'nodes.id')
      .select(['nodes.status', 'node_secrets.public_key', 'node_secrets.bearer_hash'])
      .where('nodes.id', '=', p.id),
  ),
  findLinkState: prepared((db, p: { id: string }) =>
    db
      .selectFrom('nodes')
      .leftJoin('node_secrets', 'node_secrets.node_id', 'nodes.id')
      .select(['nodes.config', 'nodes.repo_status', 'nodes.repo_location', 'node_secrets.repo_enc'])
      .where('nodes.id', '=', p.id),
  ),
  insertLinkSession: prepared((db, p: Required<LinkSessionRow>) =>
    db.insertInto('link_sessions').values({
      id: p.id,
      node_id: p.node_id,
      opened_at: p.opened_at,
      remote_addr: p.remote_addr,
      agent_version: p.agent_version,
      replica_id: p.replica_id,
      closed_at: null,
      close_reason: null,
    }),
  ),
  closeLinkSession: prepared((db, p: { id: string; closed_at: number; close_reason: string }) =>
    db
      .updateTable('link_sessions')
      .set({ closed_at: p.closed_at, close_reason: p.close_reason })
      .where('id', '=', p.id),
  ),
};

type PresenceGuard = { heldBy?: string; notBefore?: { replica: string; since: number } };
type PresenceValues = Record<string, unknown> & {
  id: string;
  heldBy: string;
  replica: string;
  since_: number;
};

/** Pending nodes claimed in (after, upTo]: what the periodic alert check reads every second, built once. */
const pendingClaimed = prepared((db, p: { after: number; upTo: number; limit: number }) =>
  db
    .selectFrom('nodes')
    .select(['id', 'hostname', 'created_at'])
    .where('status', '=', 'pending')
    .where('created_at', '>', p.after)
    .where('created_at', '<=', p.upTo)
    .orderBy('created_at')
    .limit(p.limit),
);

/** Presence updates by the columns they set and the guard they hold to: a link's is one of a few shapes. */
const presenceUpdates = new Map<string, Prepared<PresenceValues, { hostname: string }>>();
function presenceUpdate(columns: string[], guard: PresenceGuard) {
  const key = `${columns.join(',')}|${guard.heldBy ? 'held' : ''}|${guard.notBefore ? 'newer' : ''}`;
  let stmt = presenceUpdates.get(key);
  if (!stmt)
    presenceUpdates.set(
      key,
      (stmt = prepared((db, p: PresenceValues) => {
        const set = Object.fromEntries(columns.map((c) => [c, p[c]])) as Partial<NodesTable>;
        let q = db.updateTable('nodes').set(set).where('id', '=', p.id).where('status', '!=', 'removed');
        if (guard.heldBy) q = q.where('link_replica', '=', p.heldBy);
        if (guard.notBefore)
          q = q.where((eb) =>
            eb.or([
              eb('status', '!=', 'online'),
              eb('since', '<=', p.since_),
              eb('link_replica', 'is', null),
              eb('link_replica', '=', p.replica),
            ]),
          );
        return q.returning('hostname');
      })),
    );
  return stmt;
}

/** Queries for nodes, their secrets and their rooms. */
export function createNodesRepo(db: Db) {
  /** Nodes as the API shows them, each with the ids of its rooms. */
  const shown = () =>
    db
      .selectFrom('nodes')
      .select(LISTED_COLUMNS)
      .select(
        sql<
          string | null
        >`(select string_agg(room_nodes.room_id || case when room_nodes.by_rule = 1 then '*' else '' end, ',') from room_nodes where room_nodes.node_id = nodes.id)`.as(
          'room_ids',
        ),
      );

  /**
   * Nodes matching a filter, in list order: host name, then id (both in one index), each with the ids of its
   * rooms (in the same statement: a second one looking up a page of ids costs half as much as the page itself).
   */
  function filtered(f: Omit<NodeFilter, 'limit' | 'offset'>) {
    return narrowed(shown(), f).orderBy('nodes.hostname').orderBy('nodes.id');
  }

  /** A query on nodes cut to a filter. */
  function narrowed<O>(q: SelectQueryBuilder<Database, 'nodes', O>, f: Omit<NodeFilter, 'limit' | 'offset'>) {
    if (f.spaceId) q = q.where('nodes.space_id', '=', f.spaceId);
    if (f.status === 'stale')
      q = q.where('nodes.status', '=', 'offline').where('nodes.since', '<', f.staleBefore ?? 0);
    else if (f.status === 'duplicate')
      q = q.where('nodes.duplicate_suspected', '=', 1).where('nodes.status', '!=', 'removed');
    else if (f.status) q = q.where('nodes.status', '=', f.status);
    else if (!f.includeRemoved) q = q.where('nodes.status', '!=', 'removed');
    const { roomId } = f;
    if (roomId) q = q.where((eb) => inRoom(eb, 'nodes.id', roomId));
    if (f.backupOverdue) q = q.where('nodes.backup_due_at', '<=', f.now ?? Date.now());
    const v = f.visibleTo;
    if (v) q = q.where((eb) => visibleNode(eb, 'nodes.id', v));
    if (f.q) {
      const like = `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
      q = q.where((eb) =>
        eb.or(
          (['nodes.hostname', 'nodes.os', 'nodes.arch', 'nodes.agent_version', 'nodes.tags'] as const).map(
            (c) => eb(eb.fn('lower', [c]), 'like', like),
          ),
        ),
      );
    }
    return q;
  }

  return {
    findNode: (id: string) => linkStatements.findNode.first(db, { id }),
    /** Nodes of a space offline since before `before` (ephemeral ones only, when asked), oldest first. */
    offlineSince: (spaceId: string, before: number, ephemeralOnly: boolean, limit: number) => {
      let q = db
        .selectFrom('nodes')
        .select(['id', 'hostname', 'since', 'ephemeral'])
        .where('status', '=', 'offline')
        .where('since', '<', before)
        .where('space_id', '=', spaceId);
      if (ephemeralOnly) q = q.where('ephemeral', '=', 1);
      return q.orderBy('since').limit(limit).execute();
    },
    /** Ids of a space's nodes that were not removed, after `afterId`, a page at a time. */
    idsInSpace: (spaceId: string, afterId: string, limit: number) =>
      db
        .selectFrom('nodes')
        .select('id')
        .where('space_id', '=', spaceId)
        .where('status', '!=', 'removed')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute(),
    /** One node as lists read it (removed ones too), or undefined. */
    findListed: async (id: string): Promise<ListedNode | undefined> =>
      listed(await shown().where('nodes.id', '=', id).execute())[0],
    findByBearerHash: (hash: string) =>
      db
        .selectFrom('node_secrets')
        .innerJoin('nodes', 'nodes.id', 'node_secrets.node_id')
        .select(['nodes.id', 'nodes.status'])
        .where('node_secrets.bearer_hash', '=', hash)
        .executeTakeFirst(),
    /** A node this token enrolled with this key that never connected: a retried enroll finds it. */
    findPendingEnrollment: (tokenId: string, publicKey: string) =>
      db
        .selectFrom('nodes')
        .innerJoin('node_secrets', 'node_secrets.node_id', 'nodes.id')
        .select(['nodes.id', 'nodes.hostname'])
        .where('nodes.token_id', '=', tokenId)
        .where('nodes.status', '=', 'pending')
        .where('node_secrets.public_key', '=', publicKey)
        .executeTakeFirst(),
    /** What link authentication needs of a node, in one query: its status and credentials (null columns: none). */
    findCredentials: (id: string) => linkStatements.findCredentials.first(db, { id }),
    /** What a link needs at hello: the node's configuration, repository state and sealed repository, in one query. */
    findLinkState: (id: string) => linkStatements.findLinkState.first(db, { id }),
    setBearerHash: (id: string, hash: string) =>
      db.updateTable('node_secrets').set({ bearer_hash: hash }).where('node_id', '=', id).execute(),
    /** Whether the node has a repository and what restic last made of it, in one query. */
    findRepoState: (id: string) =>
      db
        .selectFrom('nodes')
        .leftJoin('node_secrets', 'node_secrets.node_id', 'nodes.id')
        .select(['nodes.repo_status', 'nodes.repo_message', 'node_secrets.repo_enc'])
        .where('nodes.id', '=', id)
        .executeTakeFirst(),
    setRepoEnc: (id: string, sealed: string | null) =>
      db.updateTable('node_secrets').set({ repo_enc: sealed }).where('node_id', '=', id).execute(),
    findSecrets: (id: string) =>
      db.selectFrom('node_secrets').selectAll().where('node_id', '=', id).executeTakeFirst(),
    /** Insert unless a node with this id exists; true if inserted (one statement, no lookup before it). */
    insertNodeIfNew: async (row: NodesTable) =>
      Number(
        (
          await db
            .insertInto('nodes')
            .values(row)
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst()
        ).numInsertedOrUpdatedRows ?? 0,
      ) === 1,
    insertSecrets: (row: NodeSecretsTable) => db.insertInto('node_secrets').values(row).execute(),
    deleteSecrets: (id: string) => db.deleteFrom('node_secrets').where('node_id', '=', id).execute(),
    update: (id: string, set: Partial<Omit<NodesTable, 'id'>>) =>
      db.updateTable('nodes').set(set).where('id', '=', id).execute(),
    /**
     * Presence changes never bring a removed node back; with `heldBy`, only a node whose link that replica holds
     * is changed (a replica letting go of a link never takes a node offline that another replica holds now); with
     * `notBefore`, a link up never overwrites one another replica recorded as up later than `since`. The node's
     * host name when it was updated (for the log line, from the same statement); null when nothing was.
     */
    async updatePresence(
      id: string,
      set: Partial<Omit<NodesTable, 'id'>>,
      guard: PresenceGuard = {},
    ): Promise<string | null> {
      // Columns left out (undefined) are not set, as Kysely's `set` leaves them.
      const columns = Object.keys(set).filter((c) => set[c as keyof typeof set] !== undefined);
      const row = await presenceUpdate(columns, guard).first(db, {
        ...set,
        id,
        heldBy: guard.heldBy ?? '',
        replica: guard.notBefore?.replica ?? '',
        since_: guard.notBefore?.since ?? 0,
      });
      return row?.hostname ?? null;
    },
    /** Nodes still pending that were claimed in (after, upTo], through the (status, created_at) index. */
    pendingClaimedBetween: (after: number, upTo: number, limit: number) =>
      pendingClaimed.rows(db, { after, upTo, limit }),
    /** How many nodes a filter matches, in all and by what the node list filters on. */
    async counts(f: Omit<NodeFilter, 'limit' | 'offset' | 'status'>) {
      const when = (cond: ReturnType<typeof sql>) => sql<number>`sum(case when ${cond} then 1 else 0 end)`;
      const row = await narrowed(db.selectFrom('nodes'), f)
        .select([
          sql<number>`count(*)`.as('all'),
          when(sql`nodes.status = 'online'`).as('online'),
          when(sql`nodes.status = 'offline'`).as('offline'),
          when(sql`nodes.status = 'pending'`).as('pending'),
          when(sql`nodes.status = 'offline' and nodes.since < ${f.staleBefore ?? 0}`).as('stale'),
          when(sql`nodes.duplicate_suspected = 1`).as('duplicate'),
          when(sql`nodes.backup_due_at <= ${f.now ?? Date.now()}`).as('backup_overdue'),
        ])
        .executeTakeFirstOrThrow();
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)])) as Record<
        keyof typeof row,
        number
      >;
    },
    /** Nodes by status, and those offline since before `staleBefore` (the home page). */
    async statusCounts(staleBefore: number, v?: Visible) {
      let q = db.selectFrom('nodes');
      if (v) q = q.where((eb) => visibleNode(eb, 'nodes.id', v));
      const rows = await q
        .select([
          'status',
          sql<number>`count(*)`.as('n'),
          sql<number>`sum(case when since < ${staleBefore} then 1 else 0 end)`.as('stale'),
        ])
        .where('status', '!=', 'removed')
        .groupBy('status')
        .execute();
      return rows.map((r) => ({ status: r.status, n: Number(r.n), stale: Number(r.stale ?? 0) }));
    },
    /** Nodes the server thought online when it stopped: their links are gone now. */
    markAllOnlineOffline: (now: number, reason: string) =>
      db
        .updateTable('nodes')
        .set({ status: 'offline', since: now, reason })
        .where('status', '=', 'online')
        .execute(),
    async list(f: NodeFilter): Promise<ListedNode[]> {
      return listed(await filtered(f).limit(f.limit).offset(f.offset).execute());
    },
    /** The next `limit` nodes after `after` in list order (host name, then id): pages of an export. */
    async listAfter(
      f: Omit<NodeFilter, 'limit' | 'offset'>,
      after: { hostname: string; id: string } | null,
      limit: number,
    ) {
      let q = filtered(f);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('nodes.hostname', '>', after.hostname),
            eb.and([eb('nodes.hostname', '=', after.hostname), eb('nodes.id', '>', after.id)]),
          ]),
        );
      return listed(await q.limit(limit).execute());
    },
    /** Last seen now for many nodes (whose links were heard from), in a few statements. */
    async touchMany(ids: string[], at: number): Promise<void> {
      for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT)
        await db
          .updateTable('nodes')
          .set({ last_seen_at: at })
          .where('id', 'in', inList(ids.slice(i, i + IDS_PER_STATEMENT)))
          .execute();
    },
    insertLinkSession: (row: LinkSessionRow) =>
      linkStatements.insertLinkSession.run(db, { ...row, replica_id: row.replica_id ?? null }),
    /** Forget link sessions that closed before `before`; the number deleted. */
    async pruneLinkSessions(before: number): Promise<number> {
      const r = await db.deleteFrom('link_sessions').where('closed_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    closeLinkSession: (id: string, closed_at: number, close_reason: string) =>
      linkStatements.closeLinkSession.run(db, { id, closed_at, close_reason }),
  };
}
export type NodesRepo = ReturnType<typeof createNodesRepo>;
