import type { Logger } from 'pino';
import { CLOSE } from '../../protocol/link-frames.ts';
import type { NodePresence } from '../nodes/node-presence.ts';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { LinkPeers, TakeoverAnswer } from './link-port.ts';
import type { LinkChannel, LinkSession, LinkSessions } from './link-sessions.ts';

/** Take-overs of one node's link within this window, this many times, mean two machines share an identity. */
export const TAKEOVER_WINDOW_MS = 60_000;
export const TAKEOVERS_FOR_DUPLICATE = 3;
/** A suspected duplicate is cleared once no take-over was attempted for this long. */
export const DUPLICATE_CLEAR_MS = 10 * 60_000;
/** What a refused duplicate is told to wait. */
export const DUPLICATE_RETRY_SECONDS = 300;

/**
 * Who holds a node's link when a second one arrives: the newer link replaces the older, unless take-overs keep
 * coming while the older one is alive; then two machines seem to share the node's identity, the node is flagged
 * and the newcomer refused. The flag clears after ten quiet minutes.
 */
function createTakeovers(deps: { sessions: LinkSessions; presence: NodePresence; log: Logger }) {
  const { sessions, presence, log } = deps;
  /** Recent take-over times by node. */
  const recent = new Map<string, number[]>();
  /** Nodes flagged as suspected duplicates, with when the flag was last raised. */
  const suspected = new Map<string, number>();

  /** Note a take-over; true when it makes the node a suspected duplicate. */
  function count(nodeId: string, now: number): boolean {
    const times = (recent.get(nodeId) ?? []).filter((t) => now - t < TAKEOVER_WINDOW_MS);
    times.push(now);
    recent.set(nodeId, times);
    return times.length >= TAKEOVERS_FOR_DUPLICATE;
  }

  return {
    /**
     * Another link wants the node `old` holds: count the take-over, and either end `old` (null) or, when take-overs
     * keep coming while it is alive, flag the node and return why the new link is refused.
     */
    replaceOrRefuse(old: LinkSession, remoteAddr: string, now: number): string | null {
      const nodeId = old.nodeId;
      const oldAlive = now - old.lastHeardAt < old.silenceLimitMs;
      if (count(nodeId, now) && oldAlive) {
        const reason = `duplicate identity suspected: another agent from ${old.remoteAddr} holds this node's link`;
        if (!suspected.has(nodeId))
          void presence
            .setDuplicateSuspected(nodeId, true, reason)
            .catch((err: unknown) => log.error({ err }, 'could not flag duplicate'));
        suspected.set(nodeId, now);
        log.warn(
          { node_id: nodeId, from: remoteAddr, holder: old.remoteAddr },
          'refusing link: duplicate identity suspected',
        );
        return reason;
      }
      sessions.end(old, CLOSE.REPLACED, `replaced by a newer link from ${remoteAddr}`, {
        t: 'disconnect',
        reason: `replaced by a newer link from ${remoteAddr}`,
        reconnect_after_seconds: Math.round((TAKEOVER_WINDOW_MS / 1000) * 2),
        permanent: false,
      });
      return null;
    },
    /** Refuse a new link: two machines seem to share the node's identity. */
    refuse(channel: LinkChannel, reason: string) {
      channel.end(CLOSE.DUPLICATE, reason, {
        t: 'disconnect',
        reason,
        reconnect_after_seconds: DUPLICATE_RETRY_SECONDS,
        permanent: false,
      });
    },
    /** The node's recent take-overs, which travel with its link to another replica. */
    history: (nodeId: string) => recent.get(nodeId) ?? [],
    /** Take-overs another replica counted, adopted with the link. */
    adopt(nodeId: string, times: number[]) {
      if (times.length > 0) recent.set(nodeId, times);
    },
    /** Clear duplicate flags no take-over renewed for DUPLICATE_CLEAR_MS. */
    sweep(now: number) {
      for (const [nodeId, at] of suspected) {
        const last = Math.max(at, ...(recent.get(nodeId) ?? []));
        if (now - last > DUPLICATE_CLEAR_MS) {
          suspected.delete(nodeId);
          recent.delete(nodeId);
          void presence
            .setDuplicateSuspected(nodeId, false)
            .catch((err: unknown) => log.error({ err }, 'could not clear duplicate flag'));
        }
      }
    },
  };
}
export type Takeovers = ReturnType<typeof createTakeovers>;

/**
 * Who gets a node's link: a new authenticated link is admitted (replacing an older one here or at another replica),
 * or refused as a duplicate; another replica adopting a link held here is answered through `yieldLink`.
 */
export function createAdmission(deps: {
  sessions: LinkSessions;
  presence: NodePresence;
  peers?: LinkPeers | undefined;
  clock: Clock;
  log: Logger;
}) {
  const { sessions, peers, clock } = deps;
  const takeovers = createTakeovers(deps);

  /**
   * A new authenticated link for a node: replaces an older one (telling it why), here or at another replica, or
   * is refused when take-overs keep coming while the older one is alive (two machines share one identity). Null
   * when refused.
   */
  async function admit(nodeId: string, channel: LinkChannel, remoteAddr: string, silenceLimitMs: number) {
    let inherited = false;
    if (peers && !sessions.holds(nodeId)) {
      const answer = await peers.takeOver(nodeId, remoteAddr);
      if (answer.refused) {
        takeovers.refuse(channel, answer.refused);
        return null;
      }
      takeovers.adopt(nodeId, answer.takeovers);
      inherited = answer.replaced;
    }
    const now = clock.now();
    const old = sessions.get(nodeId);
    if (old) {
      const refusal = takeovers.replaceOrRefuse(old, remoteAddr, now);
      if (refusal) {
        takeovers.refuse(channel, refusal);
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
      welcoming: false,
      helloTimer: null,
      endReason: null,
      released: false,
      inherited,
    };
    sessions.set(s);
    if (!old) peers?.holding(nodeId, true);
    return s;
  }

  return {
    admit,
    /** Clear duplicate flags no take-over renewed for a while. */
    sweep: (now: number) => takeovers.sweep(now),
    /**
     * Another replica is adopting the node's link: end the one held here (handing its take-over history on), or
     * refuse the new one when take-overs keep coming while this one is alive.
     */
    yieldLink(nodeId: string, from: string): TakeoverAnswer {
      const old = sessions.get(nodeId);
      if (!old) return { refused: null, takeovers: takeovers.history(nodeId), replaced: false };
      const refused = takeovers.replaceOrRefuse(old, from, clock.now());
      if (refused) return { refused, takeovers: [], replaced: false };
      // The node stays online through its new link: this session's close only records the session.
      sessions.delete(nodeId);
      peers?.holding(nodeId, false);
      sessions.failPending(nodeId, "the node's link moved to another server replica; ask again");
      return { refused: null, takeovers: takeovers.history(nodeId), replaced: old.helloed || old.inherited };
    },
  };
}
