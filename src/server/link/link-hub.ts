import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import {
  agentFrame,
  CLOSE,
  parseFrame,
  type AgentFrame,
  type ServerFrame,
} from '../../protocol/link-frames.ts';
import { LINK_PROTOCOL_VERSION } from '../../protocol/claim-api.ts';
import type { Clock } from '../clock.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import { retryWhileUnreachable } from '../db/db-errors.ts';
import { AppError } from '../errors.ts';
import type { AgentKind } from '../../protocol/api/views.ts';
import type { LinkHandlers, LinkPeers, LinkPort, TakeoverAnswer } from './link-port.ts';

/** Frames of one link waiting to be handled before the server stops reading from it. */
export const MAX_QUEUED_FRAMES = 64;
/** Take-overs of one node's link within this window, this many times, mean two machines share an identity. */
export const TAKEOVER_WINDOW_MS = 60_000;
export const TAKEOVERS_FOR_DUPLICATE = 3;
/** A suspected duplicate is cleared once no take-over was attempted for this long. */
export const DUPLICATE_CLEAR_MS = 10 * 60_000;
/** What a refused duplicate is told to wait. */
export const DUPLICATE_RETRY_SECONDS = 300;
/** How long an agent has to say hello after the socket opens. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Heartbeats missed before a node counts as offline, unless configured. */
export const MISSED_HEARTBEATS = 3;
/** How often silent links are looked for: the precision of "offline after N missed heartbeats". */
export const SWEEP_INTERVAL_MS = 1000;
/** How often the last-seen times of live links are written (one statement per 512 nodes). */
const LAST_SEEN_FLUSH_MS = 60_000;
/** How long a link the server closes may take to answer the close before its connection is dropped. */
const CLOSE_GRACE_MS = 2000;
/** A heartbeat frame as our agents send it: recognised without parsing. */
const HEARTBEAT_FRAME = '{"t":"heartbeat"}';

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
export const systemTimers: Timers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * The transport under one link. Our own agents speak JSON frames over a websocket; stock Netdata agents speak
 * MQTT 5 (ACLK, see aclk-link.ts). Presence, take-over and duplicate detection are the same for both.
 */
export interface LinkChannel {
  /** Which agent is at the other end. */
  readonly speaks: AgentKind;
  /** Deliver a frame; false when the link is closed or this transport has no such thing. */
  deliver(frame: ServerFrame): boolean;
  /** Tell the agent why (when `goodbye` is given) and close the link. */
  end(code: number, reason: string, goodbye?: DisconnectFrame): void;
  /** Drop the connection without a word (it may be half-open). */
  terminate(): void;
  isOpen(): boolean;
  /** Settles when the connection has closed. */
  readonly closed: Promise<void>;
}
type DisconnectFrame = Extract<ServerFrame, { t: 'disconnect' }>;

/** What a transport reports on the session the hub gave it. */
export interface LinkSessionHandle {
  /** The agent proved itself on this transport: the node is online (facts follow later, for Netdata agents). */
  linked(agentVersion: string | null, reason: string): Promise<void>;
  /** Something arrived: the link is alive. */
  heard(): Promise<void>;
  /** Why the link is about to end, when the agent said so before closing. */
  ending(reason: string): void;
  /** The connection closed; `reason` when the transport knows better than the close code. */
  closed(code: number, reason?: string): Promise<void>;
}

/** A Muster agent's link: JSON text frames on a websocket. */
function jsonChannel(socket: WebSocket): LinkChannel {
  const deliver = (frame: ServerFrame) => {
    if (socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  };
  return {
    speaks: 'muster',
    deliver,
    end(code, reason, goodbye) {
      if (goodbye) deliver(goodbye);
      socket.close(code, reason.slice(0, 120));
    },
    terminate: () => socket.terminate(),
    isOpen: () => socket.readyState === socket.OPEN,
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  };
}

interface LinkSession {
  id: string;
  nodeId: string;
  channel: LinkChannel;
  remoteAddr: string;
  /** Silence after which the link counts as dead. */
  silenceLimitMs: number;
  openedAt: number;
  lastHeardAt: number;
  lastPersistedAt: number;
  helloed: boolean;
  helloTimer: unknown;
  /** Why the server ended this session, when it did. */
  endReason: string | null;
  /** Presence and the session record were settled for this session's end. */
  released: boolean;
  /** It replaced a live link of the node, so its end decides the node's presence even before a hello. */
  inherited: boolean;
}

/**
 * Every live agent link: hello/welcome, heartbeats, presence, take-over of an older link for the same node,
 * and duplicate-identity detection when take-overs keep coming.
 */
export function createLinkHub(deps: {
  nodes: NodesService;
  clock: Clock;
  timers: Timers;
  log: Logger;
  heartbeatIntervalMs: number;
  /** Heartbeats missed before a Muster agent's node counts as offline (default 3). */
  missedHeartbeats?: number;
  /** The other replicas of a cluster; none in a single process. */
  peers?: LinkPeers;
}) {
  const peers = deps.peers;
  const { nodes, clock, timers, log, heartbeatIntervalMs } = deps;
  const missedHeartbeats = deps.missedHeartbeats ?? MISSED_HEARTBEATS;
  let lastSeenFlushAt = clock.now();
  let handlers: LinkHandlers = {
    configFor: async () => ({}),
    online: async () => undefined,
    frame: async () => undefined,
  };
  const sessions = new Map<string, LinkSession>();
  const takeovers = new Map<string, number[]>();
  const suspected = new Map<string, number>();
  /** Requests waiting for the agent's reply, by request id. */
  const pending = new Map<
    string,
    { nodeId: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: unknown }
  >();

  function settle(id: string, outcome: { ok: true; value: unknown } | { ok: false; error: Error }) {
    const p = pending.get(id);
    if (!p) return false;
    pending.delete(id);
    timers.clearTimeout(p.timer);
    if (outcome.ok) p.resolve(outcome.value);
    else p.reject(outcome.error);
    return true;
  }
  let closing = false;

  function send(s: LinkSession, frame: ServerFrame) {
    s.channel.deliver(frame);
  }

  function end(s: LinkSession, code: number, reason: string, goodbye?: DisconnectFrame) {
    s.endReason = reason;
    s.channel.end(code, reason, goodbye);
  }

  /** Note a take-over; true when it makes the node a suspected duplicate. */
  function countTakeover(nodeId: string, now: number): boolean {
    const recent = (takeovers.get(nodeId) ?? []).filter((t) => now - t < TAKEOVER_WINDOW_MS);
    recent.push(now);
    takeovers.set(nodeId, recent);
    return recent.length >= TAKEOVERS_FOR_DUPLICATE;
  }

  async function onHello(s: LinkSession, frame: Extract<AgentFrame, { t: 'hello' }>) {
    if (frame.protocol !== LINK_PROTOCOL_VERSION) {
      // Not permanent: only a removed node stops an agent for good; an upgraded agent comes back by itself.
      end(s, CLOSE.PROTOCOL_ERROR, `unsupported link protocol ${frame.protocol}; upgrade the agent`, {
        t: 'disconnect',
        reason: `this server speaks link protocol ${LINK_PROTOCOL_VERSION}; upgrade the agent`,
        reconnect_after_seconds: 600,
        permanent: false,
      });
      return;
    }
    timers.clearTimeout(s.helloTimer);
    s.helloed = true;
    await nodes.markOnline(
      s.nodeId,
      frame.facts,
      frame.agent_version,
      `link established from ${s.remoteAddr}`,
      {
        id: s.id,
        node_id: s.nodeId,
        opened_at: s.openedAt,
        remote_addr: s.remoteAddr,
        agent_version: frame.agent_version,
      },
    );
    send(s, {
      t: 'welcome',
      node_id: s.nodeId,
      heartbeat_interval_ms: heartbeatIntervalMs,
      heartbeat: 'ping',
      config: await handlers.configFor(s.nodeId),
    });
    await handlers.online(s.nodeId);
  }

  async function onFrame(s: LinkSession, text: string) {
    s.lastHeardAt = clock.now();
    const parsed = parseFrame(agentFrame, text);
    if (!parsed.ok) {
      log.warn({ node_id: s.nodeId, error: parsed.error }, 'closing link after a malformed frame');
      end(s, CLOSE.PROTOCOL_ERROR, parsed.error);
      return;
    }
    const frame = parsed.frame;
    if (!s.helloed && frame.t !== 'hello') {
      end(s, CLOSE.PROTOCOL_ERROR, 'the first frame must be hello');
      return;
    }
    switch (frame.t) {
      case 'hello':
        if (s.helloed) {
          end(s, CLOSE.PROTOCOL_ERROR, 'hello may be sent once per link');
          return;
        }
        await onHello(s, frame);
        return;
      case 'heartbeat':
        return;
      case 'reply':
        // Replies to requests made here are settled here; late ones (after a timeout) find nothing and are dropped.
        if (pending.get(frame.id)?.nodeId === s.nodeId) {
          settle(
            frame.id,
            frame.ok
              ? { ok: true, value: frame.result }
              : {
                  ok: false,
                  error: new AppError(
                    'CONFLICT',
                    `the agent refused: ${frame.error?.message ?? 'no reason given'}`,
                  ),
                },
          );
          return;
        }
        await stored(s, () => handlers.frame(s.nodeId, frame));
        return;
      default:
        await stored(s, () => handlers.frame(s.nodeId, frame));
        return;
    }
  }

  /**
   * Hand a frame on; while the database is unreachable, try again with a growing wait for as long as this link is
   * the node's. The link stays up meanwhile, and the agent keeps what it reported until the server acknowledges it
   * (after storing it), so a job's end reported during a database outage is stored when the database is back.
   */
  function stored(s: LinkSession, handle: () => Promise<void>) {
    return retryWhileUnreachable(handle, {
      sleep: (ms) => new Promise<void>((r) => timers.setTimeout(r, ms)),
      keepTrying: () => sessions.get(s.nodeId) === s,
      onRetry: (why, first) => {
        if (first)
          log.warn(
            { node_id: s.nodeId, err: why },
            `the database is unreachable (${why}); keeping the frame and trying again`,
          );
      },
    });
  }

  /** Write last_seen_at of every link heard from since the last flush, in one batch. */
  function flushLastSeen(now: number) {
    lastSeenFlushAt = now;
    const ids: string[] = [];
    for (const s of sessions.values())
      if (s.helloed && s.lastHeardAt > s.lastPersistedAt) {
        s.lastPersistedAt = s.lastHeardAt;
        ids.push(s.nodeId);
      }
    void nodes.seen(ids).catch((err: unknown) => log.error({ err }, 'could not record last-seen times'));
  }

  /** Refuse a new link: two machines seem to share the node's identity. */
  function refuse(channel: LinkChannel, reason: string) {
    channel.end(CLOSE.DUPLICATE, reason, {
      t: 'disconnect',
      reason,
      reconnect_after_seconds: DUPLICATE_RETRY_SECONDS,
      permanent: false,
    });
  }

  /** End every link, telling agents `told` and to come back within a few seconds (here or to another replica). */
  function sendAway(reason: string, told = reason) {
    for (const s of [...sessions.values()])
      end(s, CLOSE.SERVER_SHUTDOWN, reason, {
        t: 'disconnect',
        reason: told,
        reconnect_after_seconds: 1 + Math.floor(Math.random() * 3),
        permanent: false,
      });
  }

  /**
   * Another link wants the node `old` holds: count the take-over, and either end `old` (null) or, when take-overs
   * keep coming while it is alive, flag the node and return why the new link is refused.
   */
  function replaceOrRefuse(old: LinkSession, remoteAddr: string, now: number): string | null {
    const nodeId = old.nodeId;
    const oldAlive = now - old.lastHeardAt < old.silenceLimitMs;
    if (countTakeover(nodeId, now) && oldAlive) {
      const reason = `duplicate identity suspected: another agent from ${old.remoteAddr} holds this node's link`;
      if (!suspected.has(nodeId))
        void nodes
          .setDuplicateSuspected(nodeId, true, reason)
          .catch((err: unknown) => log.error({ err }, 'could not flag duplicate'));
      suspected.set(nodeId, now);
      log.warn(
        { node_id: nodeId, from: remoteAddr, holder: old.remoteAddr },
        'refusing link: duplicate identity suspected',
      );
      return reason;
    }
    end(old, CLOSE.REPLACED, `replaced by a newer link from ${remoteAddr}`, {
      t: 'disconnect',
      reason: `replaced by a newer link from ${remoteAddr}`,
      reconnect_after_seconds: Math.round((TAKEOVER_WINDOW_MS / 1000) * 2),
      permanent: false,
    });
    return null;
  }

  /** Requests waiting on a node's link fail: it went away from this replica. */
  function failPending(nodeId: string, message: string) {
    for (const [id, p] of pending)
      if (p.nodeId === nodeId) settle(id, { ok: false, error: new AppError('UNAVAILABLE', message) });
  }

  /**
   * A new authenticated link for a node: replaces an older one (telling it why), here or at another replica, or
   * is refused when take-overs keep coming while the older one is alive (two machines share one identity). Null
   * when refused.
   */
  async function admit(nodeId: string, channel: LinkChannel, remoteAddr: string, silenceLimitMs: number) {
    let inherited = false;
    if (peers && !sessions.has(nodeId)) {
      const answer = await peers.takeOver(nodeId, remoteAddr);
      if (answer.refused) {
        refuse(channel, answer.refused);
        return null;
      }
      if (answer.takeovers.length > 0) takeovers.set(nodeId, answer.takeovers);
      inherited = answer.replaced;
    }
    const now = clock.now();
    const old = sessions.get(nodeId);
    if (old) {
      const refusal = replaceOrRefuse(old, remoteAddr, now);
      if (refusal) {
        refuse(channel, refusal);
        return null;
      }
      inherited = old.helloed || old.inherited;
    }
    const s: LinkSession = {
      id: randomUUID(),
      nodeId,
      channel,
      remoteAddr,
      silenceLimitMs,
      openedAt: now,
      lastHeardAt: now,
      lastPersistedAt: now,
      helloed: false,
      helloTimer: null,
      endReason: null,
      released: false,
      inherited,
    };
    sessions.set(nodeId, s);
    if (!old) peers?.holding(nodeId, true);
    return s;
  }

  async function onClose(s: LinkSession, code: number, transportReason?: string) {
    // Once per session: a silent link is let go by the sweep before its socket reports the close.
    if (s.released) return;
    s.released = true;
    timers.clearTimeout(s.helloTimer);
    const current = sessions.get(s.nodeId) === s;
    if (current) {
      sessions.delete(s.nodeId);
      peers?.holding(s.nodeId, false);
      failPending(s.nodeId, 'the node went offline before it answered');
    }
    const reason =
      s.endReason ??
      transportReason ??
      (code === CLOSE.NORMAL || code === CLOSE.GOING_AWAY
        ? 'the agent closed the link (stopped or restarting)'
        : `connection lost (close code ${code})`);
    // A replaced session leaves the node online through its successor; only the current one decides presence,
    // also when it ends before its hello after taking over a live link.
    if (s.helloed || s.inherited) await nodes.linkClosed(s.id, reason, current && !closing ? s.nodeId : null);
  }

  const hub = {
    /** Where welcome's configuration comes from and where agent frames go; set once the server is built. */
    handle(h: LinkHandlers): void {
      handlers = h;
    },
    /** Adopt a freshly authenticated socket for a node. */
    attach(nodeId: string, socket: WebSocket, remoteAddr: string): void {
      // Frames of one link are handled in order, after the link was admitted: a hello must be recorded before its
      // first heartbeat. An agent that sends faster than they are handled is paused (TCP pushes back on it), so
      // the queue of frames waiting in memory stays bounded.
      let s: LinkSession | null = null;
      let chain: Promise<unknown> = admit(
        nodeId,
        jsonChannel(socket),
        remoteAddr,
        heartbeatIntervalMs * missedHeartbeats,
      ).then(
        (admitted) => {
          s = admitted;
          if (admitted)
            admitted.helloTimer = timers.setTimeout(
              () => end(admitted, CLOSE.PROTOCOL_ERROR, 'no hello within 10 seconds'),
              HELLO_TIMEOUT_MS,
            );
        },
        (err: unknown) => {
          log.error({ err, node_id: nodeId }, 'could not admit a link');
          socket.close(1011, 'internal error admitting the link');
        },
      );
      let waiting = 0;
      // Agents that were told `heartbeat: "ping"` send a websocket ping (answered by the socket) and nothing else.
      socket.on('ping', () => {
        if (s) s.lastHeardAt = clock.now();
      });
      socket.on('message', (data, isBinary) => {
        // The most frequent frame costs no parsing and no queueing once the link is up.
        if (s?.helloed && !isBinary && Buffer.isBuffer(data) && data.length === HEARTBEAT_FRAME.length) {
          if (data.toString('latin1') === HEARTBEAT_FRAME) {
            s.lastHeardAt = clock.now();
            return;
          }
        }
        if (++waiting >= MAX_QUEUED_FRAMES && !socket.isPaused) socket.pause();
        const text = isBinary
          ? null
          : Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.concat(data as Buffer[]).toString('utf8');
        chain = chain
          .then(() => {
            if (!s) return;
            if (text === null)
              end(s, CLOSE.PROTOCOL_ERROR, 'binary frames are not part of the link protocol');
            else return onFrame(s, text);
          })
          .catch((err: unknown) => {
            log.error({ err, node_id: nodeId }, 'link frame handling failed');
            if (s) end(s, 1011, 'internal error handling a frame');
          })
          .finally(() => {
            if (--waiting <= MAX_QUEUED_FRAMES / 4 && socket.isPaused) socket.resume();
          });
      });
      socket.on('close', (code) => {
        chain = chain
          .then(() => s && onClose(s, code))
          .catch((err: unknown) => log.error({ err, node_id: nodeId }, 'link close handling failed'));
      });
      socket.on('error', (err) => log.debug({ err, node_id: nodeId }, 'link socket error'));
    },

    /**
     * Adopt a link of another transport (a Netdata agent's ACLK) once its credentials were checked; null when
     * refused as a duplicate. The transport reports through the returned handle.
     */
    async open(
      nodeId: string,
      channel: LinkChannel,
      remoteAddr: string,
      silenceLimitMs: number,
    ): Promise<LinkSessionHandle | null> {
      const s = await admit(nodeId, channel, remoteAddr, silenceLimitMs);
      if (!s) return null;
      return {
        async linked(agentVersion, reason) {
          s.helloed = true;
          await nodes.markLinked(s.nodeId, channel.speaks, agentVersion, reason, {
            id: s.id,
            node_id: s.nodeId,
            opened_at: s.openedAt,
            remote_addr: s.remoteAddr,
            agent_version: agentVersion,
          });
        },
        heard: async () => {
          s.lastHeardAt = clock.now();
        },
        ending(reason) {
          s.endReason ??= reason;
        },
        closed: (code, reason) => onClose(s, code, reason),
      };
    },

    /**
     * Close links whose agent went silent for too long; clear stale duplicate flags; now and then record when live
     * links were last heard from. Runs every SWEEP_INTERVAL_MS.
     */
    sweep(): void {
      const now = clock.now();
      if (now - lastSeenFlushAt >= LAST_SEEN_FLUSH_MS) flushLastSeen(now);
      for (const s of sessions.values()) {
        if (s.helloed && now - s.lastHeardAt > s.silenceLimitMs) {
          const silent = Math.round((now - s.lastHeardAt) / 1000);
          const reason =
            s.channel.speaks === 'muster'
              ? `no heartbeat for ${silent} s (${missedHeartbeats} missed)`
              : `nothing heard for ${silent} s (MQTT keep-alive missed)`;
          end(s, CLOSE.HEARTBEAT_TIMEOUT, reason);
          // The socket may be half-open and never report its close: decide presence now, and drop the
          // connection if the agent does not answer the close in time.
          void onClose(s, CLOSE.HEARTBEAT_TIMEOUT).catch((err: unknown) =>
            log.error({ err, node_id: s.nodeId }, 'link close handling failed'),
          );
          timers.setTimeout(() => s.channel.terminate(), CLOSE_GRACE_MS);
        }
      }
      for (const [nodeId, at] of suspected) {
        const last = Math.max(at, ...(takeovers.get(nodeId) ?? []));
        if (now - last > DUPLICATE_CLEAR_MS) {
          suspected.delete(nodeId);
          takeovers.delete(nodeId);
          void nodes
            .setDuplicateSuspected(nodeId, false)
            .catch((err: unknown) => log.error({ err }, 'could not clear duplicate flag'));
        }
      }
    },

    /**
     * Another replica is adopting the node's link: end the one held here (handing its take-over history on), or
     * refuse the new one when take-overs keep coming while this one is alive.
     */
    yieldLink(nodeId: string, from: string): TakeoverAnswer {
      const old = sessions.get(nodeId);
      if (!old) return { refused: null, takeovers: takeovers.get(nodeId) ?? [], replaced: false };
      const refused = replaceOrRefuse(old, from, clock.now());
      if (refused) return { refused, takeovers: [], replaced: false };
      // The node stays online through its new link: this session's close only records the session.
      sessions.delete(nodeId);
      peers?.holding(nodeId, false);
      failPending(nodeId, "the node's link moved to another server replica; ask again");
      return {
        refused: null,
        takeovers: takeovers.get(nodeId) ?? [],
        replaced: old.helloed || old.inherited,
      };
    },

    /** Whether this process holds the node's link. */
    holds: (nodeId: string) => sessions.has(nodeId),

    /** End a node's link; `permanent` tells the agent to stop trying. */
    disconnect(nodeId: string, reason: string, permanent: boolean): boolean {
      const s = sessions.get(nodeId);
      if (!s) return false;
      end(s, permanent ? CLOSE.REMOVED : CLOSE.NORMAL, reason, { t: 'disconnect', reason, permanent });
      return true;
    },

    /** Which agent holds the node's link now, if any. */
    speaks: (nodeId: string): AgentKind | null => sessions.get(nodeId)?.channel.speaks ?? null,

    /**
     * Ask the agent something over its link. Fails at once (503) when the node is offline, with 504 after
     * `timeoutMs`; many requests may be in flight on one link.
     */
    request(nodeId: string, method: string, params: unknown, timeoutMs: number): Promise<unknown> {
      const s = sessions.get(nodeId);
      if (!s?.helloed || !s.channel.isOpen())
        return Promise.reject(
          new AppError('UNAVAILABLE', `node ${nodeId} is offline; live data needs a connected agent`),
        );
      if (s.channel.speaks !== 'muster')
        return Promise.reject(
          new AppError(
            'CONFLICT',
            `node ${nodeId} runs a Netdata agent, which does not answer Muster's requests`,
          ),
        );
      const id = randomUUID();
      return new Promise((resolve, reject) => {
        const timer = timers.setTimeout(() => {
          settle(id, {
            ok: false,
            error: new AppError('TIMEOUT', `the agent did not answer ${method} within ${timeoutMs} ms`),
          });
          send(s, { t: 'cancel', id });
        }, timeoutMs);
        pending.set(id, { nodeId, resolve, reject, timer });
        send(s, { t: 'request', id, method, params, timeout_ms: timeoutMs });
      });
    },

    /** Withdraw a request: the agent is told, the caller gets an error. */
    cancel(id: string): boolean {
      const p = pending.get(id);
      if (!p) return false;
      const s = sessions.get(p.nodeId);
      if (s) send(s, { t: 'cancel', id });
      return settle(id, { ok: false, error: new AppError('CONFLICT', 'the request was cancelled') });
    },

    pendingCount: () => pending.size,

    /** Send a frame on the node's link; false when it has none. */
    send(nodeId: string, frame: ServerFrame): boolean {
      const s = sessions.get(nodeId);
      return s?.helloed === true && s.channel.deliver(frame);
    },
    count: () => sessions.size,

    /** End every link, telling agents to come back within a few seconds (to this replica or another). */
    endAll: (reason: string) => sendAway(reason),

    /** Server stopping: tell every agent to come back soon, spread over a few seconds. */
    async shutdown(): Promise<void> {
      closing = true;
      const all = [...sessions.values()];
      const closed = all.map((s) => s.channel.closed);
      sendAway('server shutting down', 'server restarting');
      await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 2000).unref())]);
      await Promise.all(
        all
          .filter((s) => s.helloed)
          .map((s) =>
            nodes
              .markOffline(s.nodeId, 'server shutting down; the agent will reconnect')
              .catch(() => undefined),
          ),
      );
    },
  };
  return hub;
}
export type LinkHub = ReturnType<typeof createLinkHub>;

/** The link as the rest of a single-process server reaches it: every link is in this hub. */
export function localLink(hub: LinkHub): LinkPort {
  return {
    send: async (nodeId, frame) => hub.send(nodeId, frame),
    request: (nodeId, method, params, timeoutMs) => hub.request(nodeId, method, params, timeoutMs),
    disconnect: async (nodeId, reason, permanent) => hub.disconnect(nodeId, reason, permanent),
  };
}
