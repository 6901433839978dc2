import type { HostConfig } from '../../protocol/link-methods.ts';
import type { HttpClient, LinkSocket } from '../net/http-client.ts';
import { LINK_PROTOCOL_VERSION } from '../../protocol/claim-api.ts';
import {
  CLOSE,
  MAX_FRAME_BYTES,
  parseFrame,
  serverFrame,
  type AgentFrame,
  type NodeFacts,
  type ServerFrame,
} from '../../protocol/link-frames.ts';
import { claimFailure } from '../claim/claim-client.ts';
import type { AgentClock } from '../clock.ts';
import { networkError } from '../net/net-errors.ts';
import type { Backoff } from './backoff.ts';
import type { RequestAnswer } from './link-requests.ts';
import {
  authenticateLink,
  isFinalRefusal,
  linkEnv,
  signedAuthorization,
  SIGNED_MISSES,
  signedMiss,
  type LinkMemo,
} from './link-auth.ts';

/** A link that stayed up this long resets the backoff. */
const STABLE_MS = 30_000;
const WELCOME_TIMEOUT_MS = 15_000;

/** What `status` and the local API report about the link. */
export interface LinkStatus {
  status: 'available' | 'offline' | 'online' | 'banned';
  since: number;
  reason: string;
  claim_id: string | null;
  url: string | null;
  proxy: string | null;
  online: boolean;
  reconnects: number;
  last_connected_at: number | null;
  last_disconnected_at: number | null;
  next_attempt_at: number | null;
  backoff_ms: number | null;
}

/** How the link client is set up: the node, the server, and where what the link brings goes. */
export interface LinkClientOptions {
  claimId: string;
  url: string;
  proxy: string;
  privateKey: string;
  /** Agent token of a bearer-enrolled node; replaces challenge/response. */
  bearer: string | null;
  agentVersion: string;
  /** Called with the configuration the server sends in welcome. */
  onConfig?: (config: HostConfig) => void;
  /** Answers a server request; unknown methods are refused. */
  onRequest?: (method: string, params: unknown) => RequestAnswer | Promise<RequestAnswer>;
  onCancel?: (id: string) => void;
  /** The server stored a job's end. */
  onJobAck?: (jobId: string) => void;
  /** The server said for good that this node is gone (removed, or unknown for a day): forget its configuration. */
  onGone?: (reason: string) => void;
  /** Since when the server has said it does not know this node (kept across link restarts), or null. */
  notFound?: { since: number | null };
  http: HttpClient;
  facts: () => NodeFacts;
  onStatus: (patch: Partial<LinkStatus>) => void;
  /** Time (the machine's unless a test gives another). */
  clock?: AgentClock;
  log: (level: 'info' | 'warn' | 'error' | 'debug', msg: string) => void;
}

/** How one link ended: why, and what the server said about coming back. */
export interface SessionOutcome {
  reason: string;
  /** A delay the server asked for. */
  retryAfterSeconds?: number | undefined;
  /** The server said this node is gone for good. */
  permanent?: boolean | undefined;
}

/**
 * One link from connect to close: authenticate, open the websocket, hello, answer what the server sends, keep it
 * alive with pings; resolves with how it ended (a server-given delay when there is one).
 */
/** One link from connect to close; resolves with a server-given delay (seconds) when there is one. */
export async function runLinkSession(
  o: LinkClientOptions,
  deps: {
    backoff: Backoff;
    clock: AgentClock;
    /** The socket of this session while it is open, then null. */
    track: (ws: LinkSocket | null) => void;
    /** What the sessions of this link client learnt of the server (kept from one session to the next). */
    memo: LinkMemo;
  },
): Promise<SessionOutcome> {
  const { backoff, clock, memo } = deps;
  let endpoint: string;
  let authorization: string;
  /** This session opens with the node's signature alone (a refusal then sends the next one the long way). */
  let signedOnly = false;
  if (o.bearer) {
    endpoint = (await linkEnv(o.http, o.url, o.claimId, (b) => backoff.configure(b))).transport.endpoint;
    authorization = `Bearer ${o.bearer}`;
  } else {
    if (memo.signed && memo.misses < SIGNED_MISSES && memo.envFirst) {
      // Where the link is now and whether signatures still open it; unanswered, a miss like a signed attempt.
      const { signed } = await linkEnv(o.http, o.url, o.claimId, (b) => backoff.configure(b)).catch(
        (err: unknown) => {
          memo.misses++;
          throw err;
        },
      );
      memo.envFirst = false;
      memo.signed = signed;
    }
    if (memo.signed && memo.misses < SIGNED_MISSES) {
      endpoint = memo.signed.endpoint;
      authorization = signedAuthorization(o.claimId, o.privateKey, clock.now() + memo.signed.clockOffsetMs);
      signedOnly = true;
      memo.misses++;
    } else {
      const creds = await authenticateLink(o.http, o.url, o.claimId, o.privateKey, o.agentVersion, (b) =>
        backoff.configure(b),
      );
      endpoint = creds.endpoint;
      authorization = creds.authorization;
      memo.signed = creds.signed;
      memo.misses = 0;
      memo.envFirst = false;
    }
  }
  let heartbeat: NodeJS.Timeout | undefined;
  let welcomeTimer: unknown;
  let pongPending = 0;
  let connectedAt = 0;
  let outcome: SessionOutcome | null = null;
  let ws: LinkSocket | null = null;
  const send = (f: AgentFrame) => ws?.open && ws.send(JSON.stringify(f));
  let resolveSession: (o: SessionOutcome) => void = () => undefined;
  const ended = new Promise<SessionOutcome>((resolve) => (resolveSession = resolve));
  ws = await o.http.openLink(endpoint, { authorization }, MAX_FRAME_BYTES, {
    onRefused(res) {
      // The server refused the signature (its clock jumped, the node was removed): the next link goes the whole
      // way, which also reads the server's reason. A proxy's 502-504 or a 429 is no refusal but a miss: the next
      // link reads the env first and opens with the signature again (LinkMemo.envFirst), so a fleet reconnecting
      // through a proxy to a server still starting needs no challenge.
      if (signedOnly) {
        if (signedMiss(res.status)) memo.envFirst = true;
        else memo.misses = SIGNED_MISSES;
      }
      const err = claimFailure(res, 'opening the link');
      outcome = {
        reason: err.message,
        retryAfterSeconds: err.retryDelaySeconds,
        permanent: isFinalRefusal(err),
      };
    },
    onOpen() {
      send({ t: 'hello', protocol: LINK_PROTOCOL_VERSION, agent_version: o.agentVersion, facts: o.facts() });
      welcomeTimer = clock.setTimeout(() => {
        outcome = { reason: 'the server did not answer hello' };
        ws?.terminate();
      }, WELCOME_TIMEOUT_MS);
    },
    onMessage(text) {
      const parsed = parseFrame(serverFrame, text);
      if (!parsed.ok) {
        o.log('warn', `closing link: ${parsed.error}`);
        ws?.close(CLOSE.PROTOCOL_ERROR, parsed.error.slice(0, 120));
        return;
      }
      handle(parsed.frame);
    },
    onPong() {
      pongPending = 0;
    },
    onError(err) {
      outcome ??= { reason: networkError(err, new URL(endpoint).origin).message };
    },
    onClose(code, reasonText) {
      clearInterval(heartbeat);
      clock.clearTimeout(welcomeTimer);
      deps.track(null);
      if (connectedAt && clock.now() - connectedAt >= STABLE_MS) backoff.reset();
      const reason =
        outcome?.reason ??
        (reasonText ? `closed by the server: ${reasonText}` : `link closed (code ${code})`);
      resolveSession({ ...outcome, reason });
    },
  });
  deps.track(ws);
  return ended;

  function handle(f: ServerFrame) {
    switch (f.t) {
      case 'welcome':
        clock.clearTimeout(welcomeTimer);
        connectedAt = clock.now();
        memo.misses = 0;
        if (o.notFound) o.notFound.since = null;
        o.onConfig?.(f.config);
        o.onStatus({
          status: 'online',
          online: true,
          since: connectedAt,
          reason: 'connected',
          last_connected_at: connectedAt,
          next_attempt_at: null,
          backoff_ms: null,
        });
        o.log('info', `link online as node ${f.node_id}`);
        heartbeat = setInterval(() => {
          // The server never speaks first; a ping it does not answer twice means the path is dead.
          if (pongPending >= 2) {
            outcome = { reason: 'the server stopped answering' };
            ws?.terminate();
            return;
          }
          pongPending++;
          ws?.ping();
          if (f.heartbeat !== 'ping') send({ t: 'heartbeat' });
        }, f.heartbeat_interval_ms);
        return;
      case 'disconnect':
        // A server that says when to come back (a restart, a take-over) names the start of a new wait: the backoff
        // starts over after it. Otherwise a link up for less than STABLE_MS before a restart would keep the delays
        // the outage before it escalated to, and wait up to a minute for a server that was back in seconds.
        if (!f.permanent && f.reconnect_after_seconds !== undefined) backoff.reset();
        outcome = {
          reason: `server: ${f.reason}`,
          retryAfterSeconds: f.reconnect_after_seconds,
          permanent: f.permanent,
        };
        return;
      case 'request': {
        const answer = (r: RequestAnswer) =>
          send(
            r.ok
              ? { t: 'reply', id: f.id, ok: true, result: r.result }
              : {
                  t: 'reply',
                  id: f.id,
                  ok: false,
                  error: { code: r.code ?? 'refused', message: r.message },
                },
          );
        const r = o.onRequest?.(f.method, f.params) ?? {
          ok: false as const,
          message: `method ${f.method} is not supported by this agent`,
        };
        if (r instanceof Promise)
          void r.then(answer, (err: unknown) => answer({ ok: false, message: String(err) }));
        else answer(r);
        return;
      }
      case 'cancel':
        o.onCancel?.(f.id);
        return;
      case 'config.update':
        o.onConfig?.(f.config);
        return;
      case 'job.ack':
        o.onJobAck?.(f.job_id);
        return;
      default:
        return;
    }
  }
}
