import { actorName, type Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ListedNode, NodeFilter } from '../repos/nodes-repo.ts';
import type { Store } from '../repos/store.ts';
import { createReadCache } from '../repos/read-cache.ts';
import { presentNode } from './nodes-presenter.ts';

/** Nodes read per query when a whole list is exported. */
const EXPORT_PAGE = 1000;
/** Pages of the node list kept as sent (each filter and page its own; 100 rows are about 75 KB). */
const KEPT_PAGES = 32;

/**
 * The node registry as people and operations read it (the list, one node, a host Muster's agent runs on) and a
 * node's removal. Presence is `node-presence.ts`, a node's repository `node-repositories.ts`.
 */
export function createNodesService(deps: {
  store: Store;
  clock: Clock;
  bus: EventBus;
  /** A pending node older than this is shown as stuck (claimed, never connected). */
  pendingTimeoutMs: number;
  /** An offline node older than this is stale. */
  staleMs?: number;
}) {
  const staleMs = deps.staleMs ?? 7 * 24 * 3600_000;
  const { store, clock, bus } = deps;
  const repo = store.repos.nodes;
  const pages = createReadCache<string>({ store, clock, size: KEPT_PAGES });

  /** Listed nodes as the API shows them, with the rooms they name (default first, then by name), read at once. */
  async function presentListed(rows: ListedNode[]) {
    const ids = new Set<string>();
    for (const n of rows) for (const id of n.room_ids) ids.add(id);
    const rooms = await store.repos.spaces.roomsByIds([...ids]);
    const rank = new Map(rooms.map((r, i) => [r.id, i]));
    const pending = { timeoutMs: deps.pendingTimeoutMs, now: clock.now(), staleMs };
    return rows.map((n) =>
      presentNode(
        n,
        n.room_ids
          .filter((id) => rank.has(id))
          .sort((a, b) => rank.get(a)! - rank.get(b)!)
          .map((id) => ({ ...rooms[rank.get(id)!]!, by_rule: n.rule_room_ids.has(id) })),
        pending,
      ),
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

  const list = async (f: NodeFilter) =>
    presentListed(await repo.list({ ...f, now: clock.now(), staleBefore: clock.now() - staleMs }));
  return {
    list,
    /** A page of the list as JSON text, read again only once the database changed or the second is over. */
    listJson: (f: NodeFilter) => pages(JSON.stringify(f), async () => JSON.stringify(await list(f))),
    /**
     * How many nodes match a filter, in all and by status (the node list's counts and pager), read again only once
     * the database changed or the second is over: browsers open on the list during a storm share one count.
     */
    counts: (f: Omit<NodeFilter, 'limit' | 'offset' | 'status' | 'backupOverdue'>) =>
      pages(`counts ${JSON.stringify(f)}`, async () =>
        JSON.stringify(await repo.counts({ ...f, now: clock.now(), staleBefore: clock.now() - staleMs })),
      ),
    /** Every node matching a filter, in list order, a page at a time (for exports of any size). */
    async *exportPages(f: Omit<NodeFilter, 'limit' | 'offset'>) {
      let after: { hostname: string; id: string } | null = null;
      for (;;) {
        const rows = await repo.listAfter(
          { ...f, now: clock.now(), staleBefore: clock.now() - staleMs },
          after,
          EXPORT_PAGE,
        );
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
          'NODE_RUNS_NETDATA',
          "this node runs a Netdata agent, which does not run Muster's jobs, backups or schedules; install Muster's agent on it for those",
        );
      return host;
    },
    findRow: (id: string) => repo.findNode(id),
    /**
     * Remove a node: it keeps its history row, loses its credentials and can no longer authenticate. Removed by
     * a user it is `node.removed` in the audit log; by its own agent, `node.unclaimed`.
     */
    async remove(actor: Actor, id: string, why?: string) {
      const since = clock.now();
      const byAgent = actor.kind === 'agent';
      const reason = why
        ? `removed automatically: ${why}`
        : `removed by ${actorName(actor)}${byAgent ? ' (unclaimed)' : ''}`;
      const node = await store.transaction(async (r) => {
        const n = await r.nodes.findNode(id);
        if (!n || n.status === 'removed') throw new AppError('NOT_FOUND', `node ${id} does not exist`);
        await r.nodes.deleteSecrets(id);
        await r.nodes.update(id, { status: 'removed', since, reason });
        if (byAgent) await r.audit.record(actor, 'node.unclaimed', { type: 'node', id });
        else
          await r.audit.record(
            actor,
            'node.removed',
            { type: 'node', id },
            why ? { hostname: n.hostname, why } : { hostname: n.hostname },
          );
        return n;
      });
      bus.publish({ type: 'node.presence', node_id: id, status: 'removed', since, reason });
      return node;
    },
  };
}
export type NodesService = ReturnType<typeof createNodesService>;
