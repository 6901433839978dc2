import { randomUUID } from 'node:crypto';
import type { Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ServerFrame } from '../../protocol/link-frames.ts';
import { API_ERRORS, AppError, type ApiErrorCode } from '../errors.ts';
import type { LinkHub } from '../link/link-hub.ts';
import type { LinkSessions } from '../link/link-sessions.ts';
import type { LinkPeers, LinkPort, TakeoverAnswer } from '../link/link-port.ts';
import { WireTimeoutError, type ClusterWire, type Opened } from './cluster-wire.ts';

/** How long a replica waits for the holder of a link to answer a send, a disconnect or a take-over. */
export const PEER_TIMEOUT_MS = 2000;
/** Extra time a forwarded request gets over its own timeout, so the holder's 504 arrives before ours. */
const FORWARD_MARGIN_MS = 1000;

/** What one replica asks the replica holding a node's link. */
type Call =
  | { op: 'takeover'; from: string }
  | { op: 'send'; frame: ServerFrame }
  | { op: 'disconnect'; reason: string; permanent: boolean }
  | { op: 'request'; method: string; params: unknown; timeout_ms: number; key?: string }
  | { op: 'cancel'; key: string };
type Outcome = { ok: true; value: unknown } | { ok: false; code: ApiErrorCode; message: string };

/**
 * Links across replicas, over NATS: the replica holding a node's link subscribes to the node's subject
 * (`<prefix>.link.<node id>`) for as long as it holds it, and answers sends, requests, disconnects and take-overs
 * there. Any replica reaches a node with a NATS request on that subject; nobody subscribed means nobody holds the
 * link (NATS answers "no responders" at once), so an offline node is a 503 at once, as in one process. Every call
 * and answer is sealed (cluster-wire.ts): a NATS client without the master key can neither read nor forge one.
 */
export function createNatsLink(deps: {
  wire: ClusterWire;
  prefix: string;
  sessions: LinkSessions;
  log: Logger;
}) {
  const { wire, prefix, sessions, log } = deps;
  const subjectOf = (nodeId: string) => `${prefix}.link.${nodeId}`;
  const held = new Map<string, Subscription>();
  /** Requests forwarded here that their asker may withdraw, by the asker's key. */
  const withdrawable = new Map<string, AbortController>();
  let hub: LinkHub | null = null;

  function serve(nodeId: string, msg: Opened) {
    const h = hub;
    const call = msg.body as Call;
    const reply = msg.reply;
    if (!h || !reply) return;
    const answer = (value: unknown) => reply(value);
    switch (call.op) {
      case 'takeover':
        return answer(h.yieldLink(nodeId, call.from));
      case 'send':
        return answer({ ok: true, value: sessions.send(nodeId, call.frame) } satisfies Outcome);
      case 'disconnect':
        return answer({
          ok: true,
          value: sessions.disconnect(nodeId, call.reason, call.permanent),
        } satisfies Outcome);
      case 'request': {
        const abort = new AbortController();
        const key = call.key;
        if (key) withdrawable.set(key, abort);
        void sessions
          .requestRaw(nodeId, call.method, call.params, call.timeout_ms, abort.signal)
          .then(
            (value) => answer({ ok: true, value } satisfies Outcome),
            (err: unknown) =>
              answer({
                ok: false,
                code: err instanceof AppError ? err.code : 'INTERNAL',
                message: err instanceof Error ? err.message : String(err),
              } satisfies Outcome),
          )
          .finally(() => key && withdrawable.delete(key));
        return;
      }
      case 'cancel':
        withdrawable.get(call.key)?.abort();
        return answer({ ok: true, value: true } satisfies Outcome);
    }
  }

  /** Ask the holder of the node's link; null when no replica holds it. */
  async function ask(nodeId: string, call: Call, timeoutMs: number): Promise<Outcome | null> {
    return (await wire.request(subjectOf(nodeId), call, timeoutMs)) as Outcome | null;
  }

  /** A send or disconnect at the holder: false when no replica holds the link, or the holder did not answer. */
  async function forward(nodeId: string, call: Call): Promise<boolean> {
    try {
      const out = await ask(nodeId, call, PEER_TIMEOUT_MS);
      return out?.ok === true && out.value === true;
    } catch (err) {
      log.warn({ err, node_id: nodeId, op: call.op }, 'the replica holding the link did not answer');
      return false;
    }
  }

  const peers: LinkPeers = {
    async takeOver(nodeId, from): Promise<TakeoverAnswer> {
      try {
        const out = (await ask(nodeId, { op: 'takeover', from }, PEER_TIMEOUT_MS)) as TakeoverAnswer | null;
        return out ?? { refused: null, takeovers: [], replaced: false };
      } catch (err) {
        // A holder that does not answer is stuck or dying: its lease runs out and its link is let go.
        log.warn({ err, node_id: nodeId }, 'the replica holding this link did not answer; taking it over');
        return { refused: null, takeovers: [], replaced: false };
      }
    },
    holding(nodeId, isHeld) {
      const sub = held.get(nodeId);
      if (isHeld && !sub)
        held.set(
          nodeId,
          wire.subscribe(subjectOf(nodeId), (msg) => serve(nodeId, msg)),
        );
      else if (!isHeld && sub) {
        sub.unsubscribe();
        held.delete(nodeId);
      }
    },
  };

  const port: LinkPort = {
    async send(nodeId, frame) {
      if (sessions.holds(nodeId)) return sessions.send(nodeId, frame);
      return forward(nodeId, { op: 'send', frame });
    },
    async disconnect(nodeId, reason, permanent) {
      if (sessions.holds(nodeId)) return sessions.disconnect(nodeId, reason, permanent);
      return forward(nodeId, { op: 'disconnect', reason, permanent });
    },
    async request(nodeId, method, params, timeoutMs, signal) {
      if (sessions.holds(nodeId)) return sessions.request(nodeId, method, params, timeoutMs, signal);
      let out: Outcome | null;
      const key = signal ? randomUUID() : undefined;
      const withdraw = () => void forward(nodeId, { op: 'cancel', key: key! });
      signal?.addEventListener('abort', withdraw, { once: true });
      try {
        out = await ask(
          nodeId,
          { op: 'request', method, params, timeout_ms: timeoutMs, key },
          timeoutMs + FORWARD_MARGIN_MS,
        );
      } catch (err) {
        if (signal?.aborted) throw new AppError('REQUEST_CANCELLED', 'the request was cancelled');
        if (err instanceof WireTimeoutError)
          throw new AppError('AGENT_TIMEOUT', `the agent did not answer ${method} within ${timeoutMs} ms`);
        throw new AppError(
          'REPLICA_UNREACHABLE',
          `could not reach the server replica holding node ${nodeId}'s link`,
          {
            cause: err,
          },
        );
      } finally {
        signal?.removeEventListener('abort', withdraw);
      }
      if (!out)
        throw new AppError('NODE_OFFLINE', `node ${nodeId} is offline; live data needs a connected agent`);
      if (out.ok) return sessions.parsed(method, out.value);
      throw new AppError(Object.hasOwn(API_ERRORS, out.code) ? out.code : 'INTERNAL', out.message);
    },
  };

  return {
    port,
    peers,
    /** The hub that yields this replica's links to others (take-overs), once it is built. */
    serveHub(h: LinkHub) {
      hub = h;
    },
    /** How many node subjects this replica answers on. */
    heldCount: () => held.size,
  };
}
export type NatsLink = ReturnType<typeof createNatsLink>;
