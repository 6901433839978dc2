import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { unzip } from 'node:zlib';
import type { DataCaller } from '../../protocol/node-data.ts';
import type { Timers } from '../clock.ts';

const unzipAsync = promisify(unzip);

/** Queries a Netdata agent runs at once (it has at least 6 query threads); more wait here, in order. */
export const AGENT_PARALLEL_QUERIES = 6;
/** Queries that may wait for a free slot on one node; more are refused as busy. */
const MAX_WAITING = 200;
/** Largest answer body once unzipped. */
const MAX_BODY = 64 * 1024 * 1024;
const SEPARATOR = Buffer.from('\r\n\r\n');

/** Who is asking: the role and permissions a Netdata agent applies to one query (docs/netdata.md). */
export type QueryCaller = NonNullable<DataCaller>;

/**
 * Netdata's HTTP access bits (the agent's `HTTP_ACCESS`): what each Muster role may do on the agent. Viewers read
 * data (anonymous and sensitive); operators too, which is what functions need; admins may also read and edit the
 * agent's dynamic configuration.
 */
const SIGNED_ID = 0x1;
const SAME_SPACE = 0x2;
const ANONYMOUS_DATA = 0x8;
const SENSITIVE_DATA = 0x10;
const VIEW_AGENT_CONFIG = 0x20;
const EDIT_AGENT_CONFIG = 0x40;
export const NETDATA_ACCESS: Record<QueryCaller['role'], { role: string; permissions: number }> = {
  viewer: { role: 'observer', permissions: SIGNED_ID | SAME_SPACE | ANONYMOUS_DATA },
  operator: { role: 'troubleshooter', permissions: SIGNED_ID | SAME_SPACE | ANONYMOUS_DATA | SENSITIVE_DATA },
  admin: {
    role: 'admin',
    permissions:
      SIGNED_ID | SAME_SPACE | ANONYMOUS_DATA | SENSITIVE_DATA | VIEW_AGENT_CONFIG | EDIT_AGENT_CONFIG,
  },
};

/** One query's answer: the agent's HTTP status, its headers (lower case) and its body, unzipped. */
export interface AclkAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Why a query failed, in words a person can act on, and the kind of failure. */
export class AclkQueryError extends Error {
  constructor(
    readonly kind: 'too_large' | 'busy' | 'timeout' | 'cancelled' | 'gone' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface AclkQuery {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query string, as the agent serves them (`/api/v3/data?...`). */
  path: string;
  body?: string;
  caller?: QueryCaller;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The request a query becomes on the cmd topic: the JSON header, a blank line, then the raw HTTP request. */
export function cmdPayload(msgId: string, callbackTopic: string, q: AclkQuery): Buffer {
  const header = JSON.stringify({
    type: 'http',
    'msg-id': msgId,
    'callback-topic': callbackTopic,
    timeout: q.timeoutMs,
    version: 2,
  });
  const lines = [`${q.method} ${q.path} HTTP/1.1`, 'Host: muster', 'Accept-Encoding: gzip'];
  if (q.caller) {
    const access = NETDATA_ACCESS[q.caller.role];
    lines.push(
      `X-Netdata-Role: ${access.role}`,
      `X-Netdata-Permissions: 0x${access.permissions.toString(16)}`,
      `X-Netdata-Account-Id: ${q.caller.account}`,
      `X-Netdata-User-Name: ${q.caller.user.replace(/[\r\n]/g, ' ')}`,
    );
  }
  if (q.body !== undefined)
    lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(q.body)}`);
  return Buffer.concat([
    Buffer.from(`${header}\r\n\r\n${lines.join('\r\n')}\r\n\r\n`),
    Buffer.from(q.body ?? ''),
  ]);
}

/** The agent's reply envelope: its JSON header and, after a blank line, the HTTP response (when there is one). */
export function parseEnvelope(payload: Buffer): {
  header: Record<string, unknown>;
  http: Buffer | null;
} {
  const at = payload.indexOf(SEPARATOR);
  const headText = (at < 0 ? payload : payload.subarray(0, at)).toString('utf8');
  const header = JSON.parse(headText) as unknown;
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new Error('the reply header is not a JSON object');
  return {
    header: header as Record<string, unknown>,
    http: at < 0 ? null : payload.subarray(at + SEPARATOR.length),
  };
}

/** An HTTP/1.1 response as bytes: status, headers and the body as sent (maybe gzipped). */
export function parseHttpResponse(raw: Buffer): AclkAnswer {
  const at = raw.indexOf(SEPARATOR);
  const head = (at < 0 ? raw : raw.subarray(0, at)).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!status) throw new Error('the reply is not an HTTP response');
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(status[1]),
    headers,
    body: at < 0 ? Buffer.alloc(0) : raw.subarray(at + SEPARATOR.length),
  };
}

interface Waiting {
  q: AclkQuery;
  resolve: (a: AclkAnswer) => void;
  reject: (e: Error) => void;
}

/**
 * The queries of one Netdata agent's link: each is published on the agent's cmd topic with a msg-id and a callback
 * topic, and settled by the reply the agent publishes there (or by its timeout, a cancel, or the link's end). At
 * most AGENT_PARALLEL_QUERIES run on the agent at once; the rest wait here, so a room view of many charts cannot
 * flood one agent's queue. A withdrawn query is cancelled on the agent too (CancelPendingRequest).
 */
export function createAclkQueries(deps: {
  /** Publish a query on the agent's cmd topic. */
  sendCmd: (payload: Buffer) => void;
  /** Tell the agent to drop a query it may still be running. */
  sendCancel: (msgId: string) => void;
  /** The topic the agent publishes its replies to (one of its own outbound topics). */
  callbackTopic: () => string;
  timers: Timers;
}) {
  const running = new Map<string, { resolve: (a: AclkAnswer) => void; reject: (e: Error) => void }>();
  const waiting: Waiting[] = [];
  let closed: string | null = null;

  function start(w: Waiting) {
    const msgId = randomUUID();
    let timer: unknown = null;
    let finished = false;
    /** Frees the slot once: false when the query was already settled (a reply after its timeout, say). */
    const done = () => {
      if (finished) return false;
      finished = true;
      running.delete(msgId);
      deps.timers.clearTimeout(timer);
      w.q.signal?.removeEventListener('abort', onAbort);
      const next = waiting.shift();
      if (next) start(next);
      return true;
    };
    const fail = (e: AclkQueryError, cancel: boolean) => {
      if (finished) return;
      if (cancel) deps.sendCancel(msgId);
      if (done()) w.reject(e);
    };
    function onAbort() {
      fail(new AclkQueryError('cancelled', 'the query was withdrawn'), true);
    }
    running.set(msgId, {
      resolve: (a) => {
        if (done()) w.resolve(a);
      },
      reject: (e) => {
        if (done()) w.reject(e);
      },
    });
    // The agent drops a query that waited in its queue past `timeout` (503); this one covers a lost reply.
    timer = deps.timers.setTimeout(
      () =>
        fail(
          new AclkQueryError('timeout', `the Netdata agent did not answer within ${w.q.timeoutMs} ms`),
          true,
        ),
      w.q.timeoutMs + 1000,
    );
    w.q.signal?.addEventListener('abort', onAbort, { once: true });
    deps.sendCmd(cmdPayload(msgId, deps.callbackTopic(), w.q));
  }

  return {
    /** Run one query on the agent: its HTTP answer (any status), or an AclkQueryError. */
    run(q: AclkQuery): Promise<AclkAnswer> {
      if (closed) return Promise.reject(new AclkQueryError('gone', closed));
      if (q.signal?.aborted)
        return Promise.reject(new AclkQueryError('cancelled', 'the query was withdrawn'));
      return new Promise<AclkAnswer>((resolve, reject) => {
        const w: Waiting = { q, resolve, reject };
        if (running.size < AGENT_PARALLEL_QUERIES) return start(w);
        if (waiting.length >= MAX_WAITING)
          return reject(
            new AclkQueryError(
              'busy',
              `${MAX_WAITING} queries already wait for this Netdata agent; try again`,
            ),
          );
        waiting.push(w);
        q.signal?.addEventListener(
          'abort',
          () => {
            const i = waiting.indexOf(w);
            if (i < 0) return;
            waiting.splice(i, 1);
            reject(new AclkQueryError('cancelled', 'the query was withdrawn'));
          },
          { once: true },
        );
      });
    },

    /** A reply on the callback topic: settles its query (late or unknown replies are dropped). */
    async reply(payload: Buffer): Promise<void> {
      let envelope: ReturnType<typeof parseEnvelope>;
      try {
        envelope = parseEnvelope(payload);
      } catch {
        return;
      }
      const msgId = envelope.header['msg-id'];
      const q = typeof msgId === 'string' ? running.get(msgId) : undefined;
      if (!q) return;
      const code = Number(envelope.header['http-code']);
      const errorCode = envelope.header['error-code'];
      if (errorCode !== undefined) {
        const given = envelope.header['error-description'];
        const description = typeof given === 'string' && given ? given : 'no reason given';
        if (code === 413)
          return q.reject(
            new AclkQueryError(
              'too_large',
              `the agent's answer is larger than the link carries (${description}); ask for less (fewer points, a shorter range)`,
            ),
          );
        if (code === 503)
          return q.reject(
            new AclkQueryError(
              'busy',
              `the query waited too long in the Netdata agent's queue (${description})`,
            ),
          );
        return q.reject(new AclkQueryError('invalid', `the Netdata agent failed the query: ${description}`));
      }
      if (!envelope.http) return q.resolve({ status: code || 500, headers: {}, body: Buffer.alloc(0) });
      try {
        const answer = parseHttpResponse(envelope.http);
        if (/gzip|deflate/.test(answer.headers['content-encoding'] ?? '') && answer.body.length > 0)
          answer.body = await unzipAsync(answer.body, { maxOutputLength: MAX_BODY });
        q.resolve(answer);
      } catch (err) {
        q.reject(
          new AclkQueryError(
            'invalid',
            `the Netdata agent's reply could not be read: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      }
    },

    /** The link ended: every query fails, and no new one starts. */
    close(reason: string) {
      closed = reason;
      for (const w of waiting.splice(0)) w.reject(new AclkQueryError('gone', reason));
      for (const q of [...running.values()]) q.reject(new AclkQueryError('gone', reason));
    },
    running: () => running.size,
    waiting: () => waiting.length,
  };
}
export type AclkQueries = ReturnType<typeof createAclkQueries>;
