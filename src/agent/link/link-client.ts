import type { HostConfig } from '../../protocol/link-methods.ts';
import type { RequestAnswer } from './link-requests.ts';
import { constants, privateDecrypt } from 'node:crypto';
import WebSocket from 'ws';
import {
  challengeResponse,
  envResponse,
  LINK_ANSWER_CAPABILITY,
  LINK_PROTOCOL_VERSION,
  LINK_TRANSPORT,
  passwordResponse,
} from '../../protocol/claim-api.ts';
import { EXIT } from '../../protocol/errors.ts';
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
import type { HttpClient } from '../net/http-client.ts';
import { AgentError, networkError } from '../net/net-errors.ts';
import { createBackoff } from './backoff.ts';

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

/**
 * Only the server saying that this node was removed ends the agent's attempts at once. An id the server does not
 * know (`ErrNotFound`) is final only once it has been said for NOT_FOUND_FINAL_MS: a server whose database is being
 * restored, or was started empty by mistake, says it too, and must get its fleet back by itself. Every other
 * failure (a wrong answer, a proxy's 404, a 5xx) is retried with backoff.
 */
function isFinalRefusal(e: { key?: string }): boolean {
  return e.key === 'ErrNodeRemoved';
}
/** What `status` adds once the agent has forgotten what a server that let it go had configured. */
const FORGOTTEN =
  'the link configuration (repository and its password, schedules) was deleted from this host';
/** How long the server must keep saying it does not know this node before the agent gives up. */
export const NOT_FOUND_FINAL_MS = 24 * 3600_000;
/** How often the agent asks again meanwhile (with ±20 % jitter, so that a fleet does not come back at once). */
export const NOT_FOUND_RETRY_MS = 10 * 60_000;

/** A link that stayed up this long resets the backoff. */
const STABLE_MS = 30_000;
const WELCOME_TIMEOUT_MS = 15_000;

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
  log: (level: 'info' | 'warn' | 'error' | 'debug', msg: string) => void;
}

function json<T>(text: string, schema: { parse(v: unknown): T }, what: string): T {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new AgentError(
      EXIT.UNKNOWN_HTTP_ERROR,
      `${what}: the server's answer is not what this agent understands; is the URL a Muster server?`,
    );
  }
}

type BackoffParams = { base: number; minSeconds: number; maxSeconds: number };

/** Where the link is and how to back off, from /api/v1/env. */
async function linkEnv(
  http: HttpClient,
  url: string,
  claimId: string,
  onBackoff: (b: BackoffParams) => void,
) {
  const envRes = await http.request('GET', `${url}/api/v1/env?claim_id=${encodeURIComponent(claimId)}`);
  if (envRes.status !== 200) throw claimFailure(envRes, 'reading the link environment');
  const env = json(envRes.text, envResponse, 'reading the link environment');
  onBackoff(env.backoff);
  const transport = env.transports.find((t) => t.type === LINK_TRANSPORT);
  if (!transport)
    throw new AgentError(
      EXIT.UNKNOWN_HTTP_ERROR,
      `the server offers no ${LINK_TRANSPORT} transport; upgrade the server or the agent`,
    );
  return { env, transport };
}

/**
 * Prove key possession (challenge/response) for one link: the Authorization header that opens it. A server that
 * takes the answer on the upgrade itself (capability "link-answer") gets it there; an older one first exchanges
 * it for a single-use link password.
 */
export async function authenticateLink(
  http: HttpClient,
  url: string,
  claimId: string,
  privateKey: string,
  agentVersion: string,
  onBackoff: (b: BackoffParams) => void = () => undefined,
): Promise<{ endpoint: string; authorization: string }> {
  const { env, transport } = await linkEnv(http, url, claimId, onBackoff);
  const chRes = await http.request('GET', `${env.authEndpoint}/node/${claimId}/challenge`);
  if (chRes.status !== 200) throw claimFailure(chRes, 'link authentication (challenge)');
  const { challenge } = json(chRes.text, challengeResponse, 'link authentication');
  let nonce: Buffer;
  try {
    nonce = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(challenge, 'base64'),
    );
  } catch {
    // Not final: a server answering with the wrong key may be a proxy or a restored backup; keep trying.
    throw new AgentError(
      EXIT.FORBIDDEN,
      "the server's challenge cannot be decrypted with this machine's key (was the node claimed with another key?); retrying",
    );
  }
  const pair = (secret: string) => Buffer.from(`${claimId}:${secret}`).toString('base64');
  if (env.capabilities.some((c) => c.name === LINK_ANSWER_CAPABILITY))
    return { endpoint: transport.endpoint, authorization: `Challenge ${pair(nonce.toString('base64'))}` };
  const pwRes = await http.request('POST', `${env.authEndpoint}/node/${claimId}/password`, {
    agent_version: agentVersion,
    response: nonce.toString('base64'),
  });
  if (pwRes.status !== 201 && pwRes.status !== 200)
    throw claimFailure(pwRes, 'link authentication (password)');
  const creds = json(pwRes.text, passwordResponse, 'link authentication');
  return { endpoint: transport.endpoint, authorization: `Basic ${pair(creds.password)}` };
}

/** Keeps one node's link up: authenticate (challenge/response), connect, hello, heartbeats, reconnect with backoff. */
export function createLinkClient(o: LinkClientOptions) {
  const backoff = createBackoff({ base: 2, minSeconds: 1, maxSeconds: 60 });
  let stopped = false;
  let socket: WebSocket | null = null;
  let wake: (() => void) | null = null;
  let reconnects = 0;
  let done: Promise<void> | null = null;

  /** One link from connect to close; resolves with a server-given delay (seconds) when there is one. */
  async function session(): Promise<{ retryAfterSeconds?: number; permanent?: boolean; reason: string }> {
    let endpoint: string;
    let authorization: string;
    if (o.bearer) {
      endpoint = (await linkEnv(o.http, o.url, o.claimId, (b) => backoff.configure(b))).transport.endpoint;
      authorization = `Bearer ${o.bearer}`;
    } else {
      const creds = await authenticateLink(o.http, o.url, o.claimId, o.privateKey, o.agentVersion, (b) =>
        backoff.configure(b),
      );
      endpoint = creds.endpoint;
      authorization = creds.authorization;
    }
    const auth = { endpoint };
    const tls = await o.http.connectOptions(auth.endpoint);
    return new Promise((resolve) => {
      const ws = new WebSocket(auth.endpoint, {
        ...tls,
        headers: { authorization },
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: 15_000,
      });
      socket = ws;
      let heartbeat: NodeJS.Timeout | undefined;
      let welcomeTimer: NodeJS.Timeout | undefined;
      let pongPending = 0;
      let connectedAt = 0;
      let outcome: { retryAfterSeconds?: number; permanent?: boolean; reason: string } | null = null;
      const send = (f: AgentFrame) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(f));

      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const err = claimFailure(
            {
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            },
            'opening the link',
          );
          outcome = {
            reason: err.message,
            retryAfterSeconds: err.retryDelaySeconds,
            permanent: isFinalRefusal(err),
          };
          ws.terminate();
        });
      });
      ws.on('open', () => {
        send({
          t: 'hello',
          protocol: LINK_PROTOCOL_VERSION,
          agent_version: o.agentVersion,
          facts: o.facts(),
        });
        welcomeTimer = setTimeout(() => {
          outcome = { reason: 'the server did not answer hello' };
          ws.terminate();
        }, WELCOME_TIMEOUT_MS);
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const parsed = parseFrame(serverFrame, (data as Buffer).toString('utf8'));
        if (!parsed.ok) {
          o.log('warn', `closing link: ${parsed.error}`);
          ws.close(CLOSE.PROTOCOL_ERROR, parsed.error.slice(0, 120));
          return;
        }
        handle(parsed.frame);
      });
      ws.on('pong', () => {
        pongPending = 0;
      });

      function handle(f: ServerFrame) {
        switch (f.t) {
          case 'welcome':
            clearTimeout(welcomeTimer);
            connectedAt = Date.now();
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
                ws.terminate();
                return;
              }
              pongPending++;
              ws.ping();
              if (f.heartbeat !== 'ping') send({ t: 'heartbeat' });
            }, f.heartbeat_interval_ms);
            return;
          case 'disconnect':
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
                  : { t: 'reply', id: f.id, ok: false, error: { code: 'refused', message: r.message } },
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

      ws.on('error', (err) => {
        outcome ??= { reason: networkError(err, new URL(auth.endpoint).origin).message };
      });
      ws.on('close', (code, reasonBuf) => {
        clearInterval(heartbeat);
        clearTimeout(welcomeTimer);
        socket = null;
        if (connectedAt && Date.now() - connectedAt >= STABLE_MS) backoff.reset();
        const reason =
          outcome?.reason ??
          (reasonBuf.length ? `closed by the server: ${reasonBuf.toString()}` : `link closed (code ${code})`);
        resolve({ ...outcome, reason });
      });
    });
  }

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
        const r = await session();
        if (stopped) break;
        const now = Date.now();
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
        const now = Date.now();
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
      o.onStatus({ reconnects, next_attempt_at: Date.now() + delayMs, backoff_ms: delayMs });
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
        const closed = new Promise<void>((r) => s.once('close', () => r()));
        s.close(CLOSE.NORMAL, 'agent stopping');
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      }
      await done?.catch(() => undefined);
    },
    /** Send a frame on the current link; false when there is none. */
    send(frame: AgentFrame): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
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
