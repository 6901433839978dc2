import type { Logger } from 'pino';
import type { NodeFacts } from '../../protocol/link-frames.ts';
import { actorName, type Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { Sealer } from '../crypto.ts';
import type { AgentKind } from '../../protocol/api/views.ts';
import type { NodesTable, RepoStatus } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { LinkSessionRow, ListedNode, NodeFilter } from '../repos/nodes-repo.ts';
import type { Repos, Store } from '../repos/store.ts';
import { createReadCache } from '../repos/read-cache.ts';
import { createWriteBatch } from '../repos/write-batch.ts';
import { presentNode } from './nodes-presenter.ts';

/** A node's repository as an operator gives it: restic's URL and, where needed, credentials. */
export interface RepositoryInput {
  repo_url: string;
  repo_username?: string | undefined;
  repo_password?: string | undefined;
}

/**
 * Where a repository is, for people: its URL with any user name and password taken out of it
 * (`rest:https://user:secret@host/repo` becomes `rest:https://host/repo`).
 */
export function repositoryLocation(url: string): string {
  return url.replace(/^([a-z0-9+.-]*:)?([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1$2');
}

/** A repository as an operator sets or changes it: the password (and user name) may stay as they were. */
export type RepositoryChange = Pick<RepositoryInput, 'repo_url'> & Partial<RepositoryInput>;

/** Nodes read per query when a whole list is exported. */
const EXPORT_PAGE = 1000;
/** Pages of the node list kept as sent (each filter and page its own; 100 rows are about 75 KB). */
const KEPT_PAGES = 32;

/** Node registry and presence: every status change records `since` and a reason, and is published. */
/** The node columns a link's facts fill. */
function factColumns(facts: NodeFacts): Partial<NodesTable> {
  return {
    os: facts.os,
    os_version: facts.os_version ?? null,
    kernel: facts.kernel,
    arch: facts.arch,
    cpus: facts.cpus,
    memory_bytes: facts.memory_bytes,
    virtualization: facts.virtualization,
    container: facts.container,
    labels: JSON.stringify(facts.labels),
  };
}

export function createNodesService(deps: {
  store: Store;
  clock: Clock;
  bus: EventBus;
  sealer: Sealer;
  /** A pending node older than this is shown as stuck (claimed, never connected). */
  pendingTimeoutMs: number;
  /** This replica, in a cluster: recorded with every link it holds. */
  replicaId?: string | null;
  /** Where link up and link down lines go. */
  log?: Logger;
}) {
  const replicaId = deps.replicaId ?? null;
  const { store, clock, bus, sealer } = deps;
  const repo = store.repos.nodes;
  /** Presence, link sessions and last-seen times: many small writes, committed together. */
  const presence = createWriteBatch(store);
  const pages = createReadCache<string>({ store, clock, size: KEPT_PAGES });

  /** Listed nodes as the API shows them, with the rooms they name (default first, then by name), read at once. */
  async function presentListed(rows: ListedNode[]) {
    const ids = new Set<string>();
    for (const n of rows) for (const id of n.room_ids) ids.add(id);
    const rooms = await store.repos.spaces.roomsByIds([...ids]);
    const rank = new Map(rooms.map((r, i) => [r.id, i]));
    const pending = { timeoutMs: deps.pendingTimeoutMs, now: clock.now() };
    return rows.map((n) =>
      presentNode(
        n,
        n.room_ids
          .filter((id) => rank.has(id))
          .sort((a, b) => rank.get(a)! - rank.get(b)!)
          .map((id) => rooms[rank.get(id)!]!),
        pending,
      ),
    );
  }

  /**
   * Change a node's presence (with other columns) in the next presence batch, plus `also` in the same transaction;
   * published once committed. A removed node never comes back this way.
   */
  async function setStatus(
    id: string,
    status: NodesTable['status'],
    reason: string,
    extra: Partial<NodesTable> = {},
    also?: (r: Repos) => Promise<unknown>,
  ) {
    const since = clock.now();
    // In a cluster, a replica takes offline only the nodes whose link it holds; another may hold it by now.
    const heldBy = status === 'offline' ? (replicaId ?? undefined) : undefined;
    const hostname = await presence.write(async (r) => {
      await also?.(r);
      return r.nodes.updatePresence(id, { status, since, reason, ...extra }, heldBy);
    });
    if (hostname !== null) bus.publish({ type: 'node.presence', node_id: id, status, since, reason });
    return hostname;
  }

  /** A link is up: the node is online with these columns, and the link session is recorded with it. */
  async function linkUp(id: string, reason: string, session: LinkSessionRow, columns: Partial<NodesTable>) {
    // The name the fleet knows it by (given at claim time), from the presence update itself.
    const hostname = await setStatus(
      id,
      'online',
      reason,
      { last_seen_at: clock.now(), link_replica: replicaId, ...columns },
      (r) => r.nodes.insertLinkSession({ ...session, replica_id: replicaId }),
    );
    if (hostname !== null)
      deps.log?.info(
        { event: 'link.up', node_id: id, hostname, ip: session.remote_addr },
        `link up: ${hostname} (${id}) from ${session.remote_addr ?? 'unknown address'}${session.agent_version ? `, agent ${session.agent_version}` : ''}`,
      );
  }

  /** A node went offline because its link went down for `reason`: one line (nothing when it was not online here). */
  async function linkDown(id: string, reason: string, also?: (r: Repos) => Promise<unknown>) {
    const hostname = await setStatus(id, 'offline', reason, { last_seen_at: clock.now() }, also);
    if (hostname !== null)
      deps.log?.info(
        { event: 'link.down', node_id: id, reason },
        `link down: ${hostname} (${id}): ${reason}`,
      );
  }

  async function get(id: string) {
    const n = await repo.findListed(id);
    if (!n) throw new AppError('NOT_FOUND', `node ${id} does not exist`);
    const [view] = await presentListed([n]);
    return view!;
  }

  /** A node that was not removed, by the onboarding API's name for it ("host"). */
  async function getHost(id: string) {
    const n = await get(id);
    if (n.status === 'removed') throw new AppError('NOT_FOUND', `host ${id} was removed`);
    return n;
  }

  const list = async (f: NodeFilter) => presentListed(await repo.list({ ...f, now: clock.now() }));
  return {
    list,
    /** A page of the list as JSON text, read again only once the database changed or the second is over. */
    listJson: (f: NodeFilter) => pages(JSON.stringify(f), async () => JSON.stringify(await list(f))),
    /** Every node matching a filter, in list order, a page at a time (for exports of any size). */
    async *exportPages(f: Omit<NodeFilter, 'limit' | 'offset'>) {
      let after: { hostname: string; id: string } | null = null;
      for (;;) {
        const rows = await repo.listAfter({ ...f, now: clock.now() }, after, EXPORT_PAGE);
        if (rows.length === 0) return;
        yield await presentListed(rows);
        if (rows.length < EXPORT_PAGE) return;
        const last = rows[rows.length - 1]!;
        after = { hostname: last.hostname, id: last.id };
      }
    },
    get,
    getHost,
    /**
     * A host Muster's agent runs on: jobs, backups and schedules need it. A Netdata agent runs none of them, so
     * its nodes are refused with a way out.
     */
    async getAgentHost(id: string) {
      const host = await getHost(id);
      if (host.agent_kind === 'netdata')
        throw new AppError(
          'CONFLICT',
          "this node runs a Netdata agent, which does not run Muster's jobs, backups or schedules; install Muster's agent on it for those",
        );
      return host;
    },
    findRow: (id: string) => repo.findNode(id),
    /** What the agent is told in welcome: its configuration and, when it has one, its repository. */
    async linkConfig(id: string): Promise<Record<string, unknown>> {
      const n = await repo.findLinkState(id);
      const config = n ? (JSON.parse(n.config) as Record<string, unknown>) : {};
      if (n?.repo_enc) {
        const repository = JSON.parse(sealer.open(n.repo_enc)) as RepositoryInput;
        config.repository = repository;
        // A repository that came with an enrollment token: its location is known once it is opened here.
        if (n.repo_location === null)
          await repo.update(id, { repo_location: repositoryLocation(repository.repo_url) });
      }
      return config;
    },
    /**
     * Give the node a repository (sealed; never shown again) or take it away (null); audited. A new repository is
     * `initializing` until its init job ends.
     */
    async setRepository(actor: Actor, id: string, change: RepositoryChange | null) {
      let input: RepositoryInput | null = null;
      if (change) {
        // Changing only the URL keeps the current credentials; a new password comes with its own user name.
        const secrets = await repo.findSecrets(id);
        const current = secrets?.repo_enc
          ? (JSON.parse(sealer.open(secrets.repo_enc)) as RepositoryInput)
          : null;
        const password = change.repo_password ?? current?.repo_password;
        if (!password)
          throw new AppError('VALIDATION_FAILED', 'repo_password is required for a new repository');
        const username = change.repo_username ?? (change.repo_password ? undefined : current?.repo_username);
        input = {
          repo_url: change.repo_url,
          repo_password: password,
          ...(username ? { repo_username: username } : {}),
        };
      }
      const location = input ? repositoryLocation(input.repo_url) : null;
      await store.transaction(async (r) => {
        await r.nodes.setRepoEnc(id, input ? sealer.seal(JSON.stringify(input)) : null);
        await r.nodes.update(id, {
          repo_location: location,
          repo_status: input ? 'initializing' : 'unknown',
          repo_message: null,
          repo_lock: null,
        });
        await r.audit.record(
          actor,
          input ? 'node.repository_set' : 'node.repository_removed',
          { type: 'node', id },
          input ? { location } : {},
        );
      });
      bus.publish({ type: 'node.repo', node_id: id, repo_status: input ? 'initializing' : 'unknown' });
    },
    /**
     * Backups, restores and schedules need a repository that restic could open (`ready`); initialising and unlocking
     * need one at all. The refusal says what to do.
     */
    async requireRepository(id: string, need: 'ready' | 'set' = 'ready') {
      const n = await repo.findRepoState(id);
      const set = `set one on the node page (Backup repository) or with PUT /api/hosts/${id}/repository`;
      if (!n?.repo_enc) throw new AppError('CONFLICT', `this host has no backup repository; ${set}`);
      if (need === 'set') return;
      if (n.repo_status === 'initializing')
        throw new AppError(
          'CONFLICT',
          "this host's repository is still being initialised; try again when it is ready",
        );
      if (n.repo_status === 'init_failed')
        throw new AppError(
          'CONFLICT',
          `this host's repository could not be initialised (${n.repo_message ?? 'see its restic.init job'}); fix it and ${set}, or probe it again`,
        );
      if (n.repo_status !== 'ready')
        throw new AppError('CONFLICT', `this host's repository has not been checked yet; probe it first`);
    },
    /** A repository job got through (null) or was stopped by a lock (its explanation). */
    async setRepoLock(id: string, lock: string | null) {
      await repo.update(id, { repo_lock: lock });
      bus.publish({ type: 'node.facts', node_id: id });
    },
    /** Whether the node has a repository that was never initialised (its first link initialises it). */
    async repositoryUninitialised(id: string): Promise<boolean> {
      const n = await repo.findLinkState(id);
      return n?.repo_status === 'unknown' && Boolean(n.repo_enc);
    },
    /** The link said hello: record its facts and the link session, and bring the node online. */
    markOnline: (
      id: string,
      facts: NodeFacts,
      agentVersion: string,
      reason: string,
      session: LinkSessionRow,
    ) =>
      linkUp(id, reason, session, {
        ...factColumns(facts),
        agent_version: agentVersion,
        agent_kind: 'muster',
      }),
    /** A link of another transport is up: online now; its facts arrive later (see recordFacts). */
    markLinked: (
      id: string,
      kind: AgentKind,
      agentVersion: string | null,
      reason: string,
      session: LinkSessionRow,
    ) =>
      linkUp(id, reason, session, {
        agent_kind: kind,
        ...(agentVersion ? { agent_version: agentVersion } : {}),
      }),
    /** Facts a link reported after it came up (a Netdata agent's node info). */
    async recordFacts(id: string, facts: NodeFacts, agentVersion: string, machineGuid: string | null) {
      await repo.update(id, {
        ...factColumns(facts),
        agent_version: agentVersion,
        ...(machineGuid ? { machine_guid: machineGuid } : {}),
      });
      bus.publish({ type: 'node.facts', node_id: id });
    },
    async setRepoStatus(id: string, repoStatus: RepoStatus, message: string | null = null) {
      await repo.update(id, { repo_status: repoStatus, repo_message: message });
      bus.publish({ type: 'node.repo', node_id: id, repo_status: repoStatus });
    },
    hasRepository: async (id: string) => Boolean((await repo.findSecrets(id))?.repo_enc),
    markOffline: (id: string, reason: string) => linkDown(id, reason),
    /**
     * A link session ended: recorded, and when it was the node's current link, the node goes offline (a replaced
     * session leaves the node online through its successor).
     */
    async linkClosed(sessionId: string, reason: string, offlineNodeId: string | null) {
      const closeSession = (r: Repos) => r.nodes.closeLinkSession(sessionId, clock.now(), reason);
      if (offlineNodeId) await linkDown(offlineNodeId, reason, closeSession);
      else await presence.write(closeSession);
    },
    /** These nodes' links were heard from since the last call: one write for all of them. */
    seen: (ids: string[]) =>
      ids.length === 0 ? Promise.resolve() : presence.write((r) => r.nodes.touchMany(ids, clock.now())),
    async setDuplicateSuspected(id: string, suspected: boolean, reason?: string) {
      await repo.update(id, { duplicate_suspected: suspected ? 1 : 0 });
      bus.publish({
        type: 'node.duplicate',
        node_id: id,
        duplicate_suspected: suspected,
        reason: reason ?? '',
      });
    },
    /**
     * Remove a node: it keeps its history row, loses its credentials and can no longer authenticate. Removed by
     * a user it is `node.removed` in the audit log; by its own agent, `node.unclaimed`.
     */
    async remove(actor: Actor, id: string) {
      const since = clock.now();
      const byAgent = actor.kind === 'agent';
      const reason = `removed by ${actorName(actor)}${byAgent ? ' (unclaimed)' : ''}`;
      const node = await store.transaction(async (r) => {
        const n = await r.nodes.findNode(id);
        if (!n || n.status === 'removed') throw new AppError('NOT_FOUND', `node ${id} does not exist`);
        await r.nodes.deleteSecrets(id);
        await r.nodes.update(id, { status: 'removed', since, reason });
        if (byAgent) await r.audit.record(actor, 'node.unclaimed', { type: 'node', id });
        else await r.audit.record(actor, 'node.removed', { type: 'node', id }, { hostname: n.hostname });
        return n;
      });
      bus.publish({ type: 'node.presence', node_id: id, status: 'removed', since, reason });
      return node;
    },
    /** At start-up no link survives from before: say so on every node that still looks online. */
    markAllOffline: (reason: string) => repo.markAllOnlineOffline(clock.now(), reason),
  };
}
export type NodesService = ReturnType<typeof createNodesService>;
