import type { Logger } from 'pino';
import type { NodeFacts } from '../../protocol/link-facts.ts';
import type { AgentKind } from '../../protocol/api/views.ts';
import type { Clock } from '../clock.ts';
import type { NodesTable } from '../db/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import { writeOnTimeline } from '../events/node-events.ts';
import type { LinkSessionRow } from '../repos/nodes-repo.ts';
import type { Repos, Store } from '../repos/store.ts';
import { createWriteBatch } from '../repos/write-batch.ts';

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
    capabilities: JSON.stringify(facts.capabilities),
    // A Netdata agent says it is ephemeral with this host label (its own cloud removes such nodes by itself).
    ...(facts.labels['_is_ephemeral'] === 'true' ? { ephemeral: 1 } : {}),
  };
}

/**
 * Whether nodes are online, as their links report it: every status change records `since` and a reason and is
 * published; link sessions, facts, last-seen times, duplicate flags and the change's row on the events timeline are
 * recorded with it. Presence writes come in floods (a fleet reconnecting), so they share transactions through a
 * write batch.
 */
export function createNodePresence(deps: {
  store: Store;
  clock: Clock;
  bus: EventBus;
  /** This replica, in a cluster: recorded with every link it holds. */
  replicaId?: string | null;
  /** Where link up and link down lines go. */
  log?: Logger;
}) {
  const replicaId = deps.replicaId ?? null;
  const { store, clock, bus } = deps;
  const repo = store.repos.nodes;
  /** Presence, link sessions and last-seen times: many small writes, committed together. */
  const presence = createWriteBatch(store);

  /**
   * Change a node's presence (with other columns) in the next presence batch, plus `also` in the same transaction;
   * published once committed. A removed node never comes back this way.
   */
  async function setStatus(
    id: string,
    status: 'online' | 'offline',
    reason: string,
    extra: Partial<NodesTable> = {},
    also?: (r: Repos) => Promise<unknown>,
  ) {
    const since = clock.now();
    // In a cluster, a replica takes offline only the nodes whose link it holds; another may hold it by now. And a
    // link up written late (its batch waited while the agent gave up and linked at another replica) does not undo
    // the newer link another replica recorded first: its close would then take the node offline under it.
    const guard =
      replicaId === null
        ? {}
        : status === 'offline'
          ? { heldBy: replicaId }
          : { notBefore: { replica: replicaId, since } };
    const event = { type: 'node.presence', node_id: id, status, since, reason } as const;
    const hostname = await presence.write(async (r) => {
      await also?.(r);
      const changed = await r.nodes.updatePresence(id, { status, since, reason, ...extra }, guard);
      // Its row on the events timeline, in the same transaction (not a second one of the timeline's own).
      if (changed !== null) await writeOnTimeline(r, event, since);
      return changed;
    });
    if (hostname !== null) bus.publish(event);
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

  return {
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
    /** At start-up no link survives from before: say so on every node that still looks online. */
    markAllOffline: (reason: string) => repo.markAllOnlineOffline(clock.now(), reason),
  };
}
export type NodePresence = ReturnType<typeof createNodePresence>;
