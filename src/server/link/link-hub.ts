import type { Logger } from 'pino';
import { LINK_PROTOCOL_VERSION } from '../../protocol/claim-api.ts';
import { CLOSE, type AgentFrame } from '../../protocol/link-frames.ts';
import type { Clock, Timers } from '../clock.ts';
import { retryWhileUnreachable } from '../db/db-errors.ts';
import type { NodePresence } from '../nodes/node-presence.ts';
import type { LinkHandlers, LinkPeers } from './link-port.ts';
import type { LinkChannel, LinkSession, LinkSessions } from './link-sessions.ts';
import { createAdmission } from './link-admission.ts';

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

/** What a transport reports on the session the hub gave it. */
export interface LinkSessionHandle {
  /** The agent proved itself on this transport: the node is online (facts follow later, for Netdata agents). */
  linked(agentVersion: string | null, reason: string): Promise<void>;
  /** A frame of Muster's link protocol arrived (JSON transport). */
  receive(frame: AgentFrame): Promise<void>;
  /** Something arrived: the link is alive. */
  heard(): void;
  /** Whether the agent said hello (or otherwise proved itself) on this link. */
  isUp(): boolean;
  /** End the link for a protocol error. */
  fail(code: number, reason: string): void;
  /** Why the link is about to end, when the agent said so before closing. */
  ending(reason: string): void;
  /** The connection closed; `reason` when the transport knows better than the close code. */
  closed(code: number, reason?: string): Promise<void>;
}

/** The link session's record, as presence writes it. */
const sessionRow = (s: LinkSession, agentVersion: string | null) => ({
  id: s.id,
  node_id: s.nodeId,
  opened_at: s.openedAt,
  remote_addr: s.remoteAddr,
  agent_version: agentVersion,
});

/**
 * Hand a frame on; while the database is unreachable, try again with a growing wait for as long as this link is
 * the node's. The link stays up meanwhile, and the agent keeps what it reported until the server acknowledges it
 * (after storing it), so a job's end reported during a database outage is stored when the database is back.
 */
function stored(
  deps: { sessions: LinkSessions; timers: Timers; log: Logger },
  s: LinkSession,
  handle: () => Promise<void>,
) {
  const { sessions, timers, log } = deps;
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
function flushLastSeen(deps: { sessions: LinkSessions; presence: NodePresence; log: Logger }) {
  const { sessions, presence, log } = deps;
  const ids: string[] = [];
  for (const s of sessions.all())
    if (s.helloed && s.lastHeardAt > s.lastPersistedAt) {
      s.lastPersistedAt = s.lastHeardAt;
      ids.push(s.nodeId);
    }
  void presence.seen(ids).catch((err: unknown) => log.error({ err }, 'could not record last-seen times'));
}

/** End every link, telling agents `told` and to come back within a few seconds (here or to another replica). */
function sendAway(sessions: LinkSessions, reason: string, told = reason) {
  for (const s of [...sessions.all()])
    sessions.end(s, CLOSE.SERVER_SHUTDOWN, reason, {
      t: 'disconnect',
      reason: told,
      reconnect_after_seconds: 1 + Math.floor(Math.random() * 3),
      permanent: false,
    });
}

/**
 * Presence over every live agent link: admission (with take-over of an older link for the same node, here or at
 * another replica), hello and welcome, the frames that follow, heartbeats and silence, the session's end. The
 * transports (json-link.ts, aclk-link.ts) hand their connections over through `open`.
 */
export function createLinkHub(deps: {
  sessions: LinkSessions;
  presence: NodePresence;
  /** Where welcome's configuration comes from, and where job frames and unsolicited replies go. */
  handlers: LinkHandlers;
  clock: Clock;
  timers: Timers;
  log: Logger;
  heartbeatIntervalMs: number;
  /** Heartbeats missed before a Muster agent's node counts as offline (default 3). */
  missedHeartbeats?: number;
  /** The other replicas of a cluster; none in a single process. */
  peers?: LinkPeers;
}) {
  const { sessions, presence, handlers, peers, clock, timers, log, heartbeatIntervalMs } = deps;
  const missedHeartbeats = deps.missedHeartbeats ?? MISSED_HEARTBEATS;
  const admission = createAdmission({ sessions, presence, peers, clock, log });
  let lastSeenFlushAt = clock.now();
  let closing = false;

  async function onHello(s: LinkSession, frame: Extract<AgentFrame, { t: 'hello' }>) {
    if (frame.protocol !== LINK_PROTOCOL_VERSION) {
      // Not permanent: only a removed node stops an agent for good; an upgraded agent comes back by itself.
      sessions.end(
        s,
        CLOSE.PROTOCOL_ERROR,
        `unsupported link protocol ${frame.protocol}; upgrade the agent`,
        {
          t: 'disconnect',
          reason: `this server speaks link protocol ${LINK_PROTOCOL_VERSION}; upgrade the agent`,
          reconnect_after_seconds: 600,
          permanent: false,
        },
      );
      return;
    }
    // A link let go before its hello was handled (replaced here or at another replica, or silent) no longer speaks
    // for the node: recorded now, it would name this replica as the node's holder over the newer link's record, and
    // once this replica went away the node would be taken offline under its live link.
    if (sessions.get(s.nodeId) !== s) return;
    timers.clearTimeout(s.helloTimer);
    // A cleared timer still held would stay in memory for as long as the link lives.
    s.helloTimer = null;
    s.helloed = true;
    s.welcoming = true;
    const reason = `link established from ${s.remoteAddr}`;
    let welcome;
    try {
      await presence.markOnline(
        s.nodeId,
        frame.facts,
        frame.agent_version,
        reason,
        sessionRow(s, frame.agent_version),
      );
      welcome = await handlers.welcome(s.nodeId);
    } finally {
      s.welcoming = false;
      s.lastHeardAt = clock.now();
    }
    s.channel.deliver({
      t: 'welcome',
      node_id: s.nodeId,
      heartbeat_interval_ms: heartbeatIntervalMs,
      heartbeat: 'ping',
      config: welcome.config,
    });
    await welcome.online();
  }

  async function receive(s: LinkSession, frame: AgentFrame) {
    s.lastHeardAt = clock.now();
    if (frame.t === 'hello') {
      if (s.helloed) sessions.end(s, CLOSE.PROTOCOL_ERROR, 'hello may be sent once per link');
      else await onHello(s, frame);
      return;
    }
    if (!s.helloed) {
      sessions.end(s, CLOSE.PROTOCOL_ERROR, 'the first frame must be hello');
      return;
    }
    if (frame.t === 'heartbeat') return;
    // Replies to requests made here are settled here; the rest (job.start's) go on with the job frames.
    if (frame.t === 'reply' && sessions.settleReply(s, frame)) return;
    await stored(deps, s, () => handlers.frame(s.nodeId, frame));
  }

  async function onClose(s: LinkSession, code: number, transportReason?: string) {
    // Once per session: a silent link is let go by the sweep before its socket reports the close.
    if (s.released) return;
    s.released = true;
    timers.clearTimeout(s.helloTimer);
    s.helloTimer = null;
    const current = sessions.get(s.nodeId) === s;
    if (current) {
      sessions.delete(s.nodeId);
      peers?.holding(s.nodeId, false);
      sessions.failPending(s.nodeId, 'the node went offline before it answered');
    }
    const reason =
      s.endReason ??
      transportReason ??
      (code === CLOSE.NORMAL || code === CLOSE.GOING_AWAY
        ? 'the agent closed the link (stopped or restarting)'
        : `connection lost (close code ${code})`);
    // A replaced session leaves the node online through its successor; only the current one decides presence,
    // also when it ends before its hello after taking over a live link.
    if (s.helloed || s.inherited)
      await presence.linkClosed(s.id, reason, current && !closing ? s.nodeId : null);
  }

  /** A silent link: let it go now (its socket may be half-open and never report the close). */
  function letGo(s: LinkSession, now: number) {
    const silent = Math.round((now - s.lastHeardAt) / 1000);
    const reason =
      s.channel.speaks === 'muster'
        ? `no heartbeat for ${silent} s (${missedHeartbeats} missed)`
        : `nothing heard for ${silent} s (MQTT keep-alive missed)`;
    sessions.end(s, CLOSE.HEARTBEAT_TIMEOUT, reason);
    void onClose(s, CLOSE.HEARTBEAT_TIMEOUT).catch((err: unknown) =>
      log.error({ err, node_id: s.nodeId }, 'link close handling failed'),
    );
    timers.setTimeout(() => s.channel.terminate(), CLOSE_GRACE_MS);
  }

  /**
   * What a transport holds of its link. One object per link whose methods are shared by all of them: a server
   * holding tens of thousands of links keeps no closures per link for this.
   */
  class SessionHandle implements LinkSessionHandle {
    constructor(private readonly s: LinkSession) {}
    async linked(agentVersion: string | null, reason: string) {
      const s = this.s;
      // Let go meanwhile (as a hello above): it does not bring the node online.
      if (sessions.get(s.nodeId) !== s) return;
      s.helloed = true;
      await presence.markLinked(
        s.nodeId,
        s.channel.speaks,
        agentVersion,
        reason,
        sessionRow(s, agentVersion),
      );
    }
    receive(frame: AgentFrame) {
      return receive(this.s, frame);
    }
    heard() {
      this.s.lastHeardAt = clock.now();
    }
    isUp() {
      return this.s.helloed;
    }
    fail(code: number, reason: string) {
      sessions.end(this.s, code, reason);
    }
    ending(reason: string) {
      this.s.endReason ??= reason;
    }
    closed(code: number, reason?: string) {
      return onClose(this.s, code, reason);
    }
  }

  return {
    /**
     * Adopt an authenticated link once its credentials were checked; null when refused as a duplicate. The
     * transport reports through the returned handle. A Muster agent has HELLO_TIMEOUT_MS to say hello.
     */
    async open(
      nodeId: string,
      channel: LinkChannel,
      remoteAddr: string,
      silenceLimitMs = heartbeatIntervalMs * missedHeartbeats,
    ): Promise<LinkSessionHandle | null> {
      const s = await admission.admit(nodeId, channel, remoteAddr, silenceLimitMs);
      if (!s) return null;
      if (channel.speaks === 'muster')
        s.helloTimer = timers.setTimeout(
          () => sessions.end(s, CLOSE.PROTOCOL_ERROR, 'no hello within 10 seconds'),
          HELLO_TIMEOUT_MS,
        );
      return new SessionHandle(s);
    },

    /**
     * Close links whose agent went silent for too long; clear stale duplicate flags; now and then record when live
     * links were last heard from. Runs every SWEEP_INTERVAL_MS.
     */
    sweep(): void {
      const now = clock.now();
      if (now - lastSeenFlushAt >= LAST_SEEN_FLUSH_MS) {
        lastSeenFlushAt = now;
        flushLastSeen(deps);
      }
      for (const s of sessions.all())
        if (s.helloed && !s.welcoming && now - s.lastHeardAt > s.silenceLimitMs) letGo(s, now);
      admission.sweep(now);
    },

    /** Another replica is adopting the node's link (see link-admission.ts). */
    yieldLink: (nodeId: string, from: string) => admission.yieldLink(nodeId, from),

    count: () => sessions.count(),
    /** End every link, telling agents to come back within a few seconds (to this replica or another). */
    endAll: (reason: string) => sendAway(sessions, reason),

    /** Server stopping: tell every agent to come back soon, spread over a few seconds. */
    async shutdown(): Promise<void> {
      closing = true;
      const all = [...sessions.all()];
      sendAway(sessions, 'server shutting down', 'server restarting');
      await Promise.race([
        Promise.all(all.map((s) => s.channel.closed)),
        new Promise((r) => setTimeout(r, 2000).unref()),
      ]);
      await Promise.all(
        all
          .filter((s) => s.helloed)
          .map((s) =>
            presence
              .markOffline(s.nodeId, 'server shutting down; the agent will reconnect')
              .catch(() => undefined),
          ),
      );
    },
  };
}
export type LinkHub = ReturnType<typeof createLinkHub>;
