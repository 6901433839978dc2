import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { Store } from '../repos/store.ts';
import type {
  DataCaller,
  AlertsAnswer,
  ContextsAnswer,
  DataAnswer,
  DataParams,
  FunctionsAnswer,
  FunctionTable,
} from '../../protocol/node-data.ts';
import type { NodesService } from '../nodes/nodes-service.ts';

/** Live data must come back quickly or not at all; functions may take longer (a process list of a busy host). */
export const DATA_TIMEOUT_MS = 10_000;
const FUNCTION_TIMEOUT_MS = 60_000;
/** Nodes a room view asks at once: enough to fill a screen in one round trip, few enough to spare the server. */
export const ROOM_FANOUT = 16;
/** Answers kept for nodes that go offline (the most recent per node and context), across all nodes. */
const CACHE_ENTRIES = 5000;

/** One node's part of a room view: its points, or why there are none. */
export interface RoomNodeData {
  node_id: string;
  hostname: string;
  status: string;
  data: DataAnswer | null;
  error: { code: string; message: string } | null;
}

/** Who asks, as the node's agent is told (a Netdata agent applies its own access rules with it). */
export function callerOf(actor: Actor): DataCaller {
  return actor.kind === 'user' || actor.kind === 'api_key'
    ? { role: actor.role ?? 'viewer', user: actor.username, account: actor.userId }
    : undefined;
}

/** Run `fn` over `items`, at most `limit` at once, keeping their order. */
async function mapBounded<T, U>(items: T[], limit: number, fn: (t: T) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * A node's data for the management API, whatever agent it runs: both answer the link's data methods (Muster's
 * agent from its history, a Netdata agent through the server's ACLK translation). The last answer per node and
 * context is kept in memory, so a node that went offline still shows what was last seen (marked `cached_at`).
 */
export function createNodeDataService(deps: {
  nodes: NodesService;
  link: LinkPort;
  store: Store;
  clock: Clock;
}) {
  const { nodes, link } = deps;
  const cache = new Map<string, DataAnswer | ContextsAnswer>();

  function remember(key: string, value: DataAnswer | ContextsAnswer) {
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  }

  /** A live node's answer; the cached one (marked) when the node is offline and one is kept. */
  async function withCache<T extends DataAnswer | ContextsAnswer>(key: string, ask: () => Promise<T>) {
    try {
      const answer = await ask();
      remember(key, { ...answer, cached_at: deps.clock.now() });
      return answer;
    } catch (err) {
      const kept = cache.get(key) as T | undefined;
      if (err instanceof AppError && err.code === 'NODE_OFFLINE' && kept) return kept;
      throw err;
    }
  }

  /** The node's row (one read; the answer needs none of its presentation): 404 when unknown or removed. */
  async function live(id: string) {
    const node = await nodes.findRow(id);
    if (!node) throw new AppError('NOT_FOUND', `node ${id} does not exist`);
    if (node.status === 'removed') throw new AppError('NOT_FOUND', `node ${id} was removed`);
    return node;
  }

  const query = (actor: Actor, id: string, p: DataParams, signal?: AbortSignal) =>
    withCache(`${id}\u0000data\u0000${p.context}`, () =>
      link.request(id, 'data.query', { ...p, caller: callerOf(actor) }, DATA_TIMEOUT_MS, signal),
    );

  return {
    async contexts(actor: Actor, id: string, signal?: AbortSignal): Promise<ContextsAnswer> {
      await live(id);
      return withCache(`${id}\u0000contexts`, () =>
        link.request(id, 'data.contexts', { caller: callerOf(actor) }, DATA_TIMEOUT_MS, signal),
      );
    },
    async query(actor: Actor, id: string, p: DataParams, signal?: AbortSignal): Promise<DataAnswer> {
      await live(id);
      return query(actor, id, p, signal);
    },
    async alerts(actor: Actor, id: string, signal?: AbortSignal): Promise<AlertsAnswer> {
      await live(id);
      return link.request(id, 'data.alerts', { caller: callerOf(actor) }, DATA_TIMEOUT_MS, signal);
    },
    async functions(actor: Actor, id: string, signal?: AbortSignal): Promise<FunctionsAnswer> {
      await live(id);
      return link.request(id, 'data.functions', { caller: callerOf(actor) }, DATA_TIMEOUT_MS, signal);
    },
    /** Run a function on the node: audited (it reads what runs there), then asked. */
    async callFunction(
      actor: Actor,
      id: string,
      name: string,
      params: Record<string, unknown>,
      signal?: AbortSignal,
    ): Promise<FunctionTable> {
      const node = await live(id);
      await deps.store.repos.audit.record(
        actor,
        'node.function_called',
        { type: 'node', id },
        { hostname: node.hostname, function: name },
      );
      return link.request(
        id,
        'data.function',
        { name, params, timeout_s: FUNCTION_TIMEOUT_MS / 1000 - 5, caller: callerOf(actor) },
        FUNCTION_TIMEOUT_MS,
        signal,
      );
    },
    /**
     * One context of every node of a room (a page of them), asked ROOM_FANOUT at a time: a node without it, or
     * offline with nothing cached, has its error instead.
     */
    async room(
      actor: Actor,
      roomId: string,
      p: DataParams,
      page: { limit: number; offset: number },
      signal?: AbortSignal,
    ): Promise<RoomNodeData[]> {
      const members = await nodes.list({ roomId, limit: page.limit, offset: page.offset });
      return mapBounded(
        members.filter((n) => n.status !== 'removed'),
        ROOM_FANOUT,
        async (n): Promise<RoomNodeData> => {
          const head = { node_id: n.id, hostname: n.hostname, status: n.status };
          try {
            return { ...head, data: await query(actor, n.id, p, signal), error: null };
          } catch (err) {
            const code = err instanceof AppError ? err.code.toLowerCase() : 'internal';
            return {
              ...head,
              data: null,
              error: { code, message: err instanceof Error ? err.message : String(err) },
            };
          }
        },
      );
    },
  };
}
export type NodeDataService = ReturnType<typeof createNodeDataService>;
