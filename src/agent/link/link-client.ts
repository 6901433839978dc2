import { CLOSE, type AgentFrame } from '../../protocol/link-frames.ts';
import { systemClock } from '../clock.ts';
import type { LinkSocket } from '../net/http-client.ts';
import { AgentError, networkError } from '../net/net-errors.ts';
import { createBackoff } from './backoff.ts';
import { isFinalRefusal, type LinkMemo } from './link-auth.ts';
import { runLinkSession, type LinkClientOptions, type LinkStatus } from './link-session.ts';

export type { LinkClientOptions, LinkStatus };
export { authenticateLink } from './link-auth.ts';

/** What `status` adds once the agent has forgotten what a server that let it go had configured. */
const FORGOTTEN =
  'the link configuration (repository and its password, schedules) was deleted from this host';
/** How long the server must keep saying it does not know this node before the agent gives up. */
export const NOT_FOUND_FINAL_MS = 24 * 3600_000;
/** How often the agent asks again meanwhile (with ±20 % jitter, so that a fleet does not come back at once). */
export const NOT_FOUND_RETRY_MS = 10 * 60_000;

/** Keeps one node's link up: authenticate (challenge/response), connect, hello, heartbeats, reconnect with backoff. */
export function createLinkClient(o: LinkClientOptions) {
  const clock = o.clock ?? systemClock;
  const backoff = createBackoff({ base: 2, minSeconds: 1, maxSeconds: 60 });
  let stopped = false;
  let socket: LinkSocket | null = null;
  let wake: (() => void) | null = null;
  let reconnects = 0;
  let done: Promise<void> | null = null;
  const memo: LinkMemo = { signed: null, misses: 0, envFirst: false };

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let delayMs: number;
      try {
        const r = await runLinkSession(o, { backoff, clock, memo, track: (ws) => (socket = ws) });
        if (stopped) break;
        const now = clock.now();
        if (r.permanent) {
          o.onStatus({
            status: 'banned',
            online: false,
            since: now,
            reason: o.onGone ? `${r.reason}; ${FORGOTTEN}` : r.reason,
            last_disconnected_at: now,
            next_attempt_at: null,
          });
          o.log('error', `${r.reason}; not reconnecting`);
          o.onGone?.(r.reason);
          return;
        }
        delayMs = r.retryAfterSeconds !== undefined ? r.retryAfterSeconds * 1000 : backoff.next();
        o.onStatus({
          status: 'offline',
          online: false,
          since: now,
          reason: r.reason,
          last_disconnected_at: now,
        });
        o.log('warn', `link down: ${r.reason}`);
      } catch (err) {
        if (stopped) break;
        const e = err instanceof AgentError ? err : networkError(err, o.url);
        const now = clock.now();
        const notFound = o.notFound ?? { since: null };
        if (e.key === 'ErrNotFound') notFound.since ??= now;
        const unknownForGood = notFound.since !== null && now - notFound.since >= NOT_FOUND_FINAL_MS;
        if (isFinalRefusal(e) || (e.key === 'ErrNotFound' && unknownForGood)) {
          const reason =
            e.key === 'ErrNotFound'
              ? `${e.message} (for ${Math.round((now - notFound.since!) / 3600_000)} h)`
              : e.message;
          o.onStatus({
            status: 'banned',
            online: false,
            since: now,
            reason: o.onGone ? `${reason}; ${FORGOTTEN}` : reason,
            next_attempt_at: null,
          });
          o.log('error', `${reason}; not reconnecting`);
          o.onGone?.(reason);
          return;
        }
        let reason = e.message;
        if (e.key === 'ErrNotFound') {
          delayMs = Math.round(NOT_FOUND_RETRY_MS * (0.8 + Math.random() * 0.4));
          reason = `${e.message}; the server has not known this node since ${new Date(notFound.since!).toISOString()}: asking again every ${NOT_FOUND_RETRY_MS / 60_000} minutes until ${new Date(notFound.since! + NOT_FOUND_FINAL_MS).toISOString()} (a server whose database is being restored gets its nodes back by itself)`;
        } else delayMs = e.retryDelaySeconds !== undefined ? e.retryDelaySeconds * 1000 : backoff.next();
        o.onStatus({ status: 'offline', online: false, since: now, reason });
        o.log('warn', reason);
      }
      reconnects++;
      o.onStatus({ reconnects, next_attempt_at: clock.now() + delayMs, backoff_ms: delayMs });
      await sleep(delayMs);
    }
  }

  return {
    start(): Promise<void> {
      done ??= loop();
      return done;
    },
    /** Close the link cleanly (the server marks the node offline at once) and stop reconnecting. */
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      const s = socket;
      if (s) {
        s.close(CLOSE.NORMAL, 'agent stopping');
        await Promise.race([s.closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      }
      await done?.catch(() => undefined);
    },
    /** Send a frame on the current link; false when there is none. */
    send(frame: AgentFrame): boolean {
      if (!socket?.open) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    /** Skip the current wait and try now. */
    retryNow(): void {
      wake?.();
    },
  };
}
export type LinkClient = ReturnType<typeof createLinkClient>;
