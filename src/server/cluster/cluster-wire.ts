import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';

/** How old (or how far ahead of this replica's clock) a sealed message may be and still be opened. */
export const WIRE_WINDOW_MS = 30_000;
/** The wire format's first byte; anything else (the old plain JSON, a forgery) does not open. */
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** At most one log line per reason this often, with how many were dropped since the last. */
const DROP_LOG_EVERY_MS = 60_000;

/** Why a message from NATS was dropped unopened. */
export type DropReason = 'unsealed' | 'forged' | 'stale' | 'replayed' | 'malformed';

/** What a sealed message carries besides its body: who sent it, when, and its single-use nonce. */
interface Envelope {
  /** Sending replica's id. */
  r: string;
  /** Sender's clock, ms since the epoch. */
  t: number;
  /** 128-bit random nonce in base64url: a message is opened once. */
  n: string;
  b: unknown;
}

/** A message that opened: its body, the replica that sent it and, for a request, how to answer it. */
export interface Opened {
  body: unknown;
  from: string;
  /** Seal and send an answer that only the asker accepts (null for a message that expects none). */
  reply: ((body: unknown) => void) | null;
}

/** A sealed request no replica answered in time. */
export class WireTimeoutError extends Error {
  constructor(subject: string, ms: number) {
    super(`no sealed answer on ${subject} within ${ms} ms`);
    this.name = 'WireTimeoutError';
  }
}

/**
 * Sealing and opening of the cluster wire's payloads, without NATS: AES-256-GCM under `key`, the envelope (sender,
 * clock, nonce, body) inside the sealed part, `aad` bound to it. `open` answers null, and counts and logs the
 * reason, for anything that must not be acted on: not sealed, not opening, outside the window, or a nonce seen.
 */
export function createWireSeal(deps: {
  /** The key payloads are sealed with, then keys they are still opened with (a master key rotation under way). */
  key: Buffer | Buffer[];
  replicaId: string;
  clock: Clock;
  log: Logger;
  windowMs?: number;
}) {
  const { replicaId, clock, log } = deps;
  const keys = Array.isArray(deps.key) ? deps.key : [deps.key];
  const key = keys[0]!;
  const windowMs = deps.windowMs ?? WIRE_WINDOW_MS;
  if (keys.some((k) => k.length !== 32)) throw new Error('the cluster wire key must be 32 bytes');

  // Nonces seen, bucketed by the sender's time (one bucket per window): a message's nonce is checked in its own
  // bucket, and buckets wholly older than the window are forgotten, since what they held is refused as stale.
  const seen = new Map<number, Set<string>>();
  const noDrops = (): Record<DropReason, number> => ({
    unsealed: 0,
    forged: 0,
    stale: 0,
    replayed: 0,
    malformed: 0,
  });
  const dropped = noDrops();
  /** Dropped since the last log line, by reason. */
  const unlogged = noDrops();
  const lastLog: Partial<Record<DropReason, number>> = {};

  function drop(reason: DropReason, subject: string): null {
    dropped[reason]++;
    unlogged[reason]++;
    const now = clock.now();
    if (now - (lastLog[reason] ?? -Infinity) >= DROP_LOG_EVERY_MS) {
      log.warn(
        { event: 'cluster.wire.dropped', reason, count: unlogged[reason], subject },
        `dropped ${unlogged[reason]} cluster message(s) that were ${reason} (last on ${subject}); something without this cluster's master key publishes on its NATS subjects: lock NATS down (docs/cluster.md)`,
      );
      lastLog[reason] = now;
      unlogged[reason] = 0;
    }
    return null;
  }

  function seal(aad: string, body: unknown): { data: Uint8Array; nonce: string } {
    const nonce = randomBytes(16).toString('base64url');
    const plain = JSON.stringify({ r: replicaId, t: clock.now(), n: nonce, b: body } satisfies Envelope);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { data: Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ct]), nonce };
  }

  /** The envelope of a sealed payload, or null (counted) when it must not be acted on. */
  function open(aad: string, data: Uint8Array, subject: string): Envelope | null {
    if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== VERSION) return drop('unsealed', subject);
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let env: Envelope | null = null;
    for (const k of keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, buf.subarray(1, 1 + IV_BYTES));
        decipher.setAAD(Buffer.from(aad));
        decipher.setAuthTag(buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
        env = JSON.parse(plain) as Envelope;
        break;
      } catch {
        env = null;
      }
    }
    if (!env) return drop('forged', subject);
    if (typeof env.r !== 'string' || typeof env.t !== 'number' || typeof env.n !== 'string')
      return drop('malformed', subject);
    // A replica acts on its own messages itself, never as they come back over NATS: that is how a captured
    // question of its own, replayed to it once it holds the link, would make it act against itself.
    if (env.r === replicaId) return null;
    const now = clock.now();
    if (Math.abs(now - env.t) > windowMs) return drop('stale', subject);
    const bucket = Math.floor(env.t / windowMs);
    let nonces = seen.get(bucket);
    if (!nonces) {
      nonces = new Set();
      seen.set(bucket, nonces);
      for (const b of seen.keys()) if ((b + 1) * windowMs < now - windowMs) seen.delete(b);
    }
    if (nonces.has(env.n)) return drop('replayed', subject);
    nonces.add(env.n);
    return env;
  }

  return {
    seal,
    open,
    /** Messages dropped unopened since start, by reason. */
    dropped: (): Readonly<Record<DropReason, number>> => ({ ...dropped }),
  };
}

/**
 * The cluster's wire over NATS, sealed: every payload between replicas is AES-256-GCM under a key derived from the
 * master key, with the sender's replica id, its clock and a nonce inside the sealed part, and the subject (or, for an
 * answer, the question's nonce) bound as associated data, so a payload cannot be moved to another subject or answer
 * another question. A message that does not open, is older or further ahead than WIRE_WINDOW_MS, or repeats a nonce
 * seen within the window is dropped, counted by reason and logged at most once a minute per reason; so is one that
 * this replica sent itself (silently: NATS echoes what a replica publishes on a subject it hears). A NATS client
 * without the master key reads no body and makes no replica act; subjects stay readable.
 */
export function createClusterWire(deps: {
  nc: NatsConnection;
  key: Buffer | Buffer[];
  replicaId: string;
  clock: Clock;
  log: Logger;
  windowMs?: number;
}) {
  const { nc } = deps;
  const { seal, open, dropped } = createWireSeal(deps);

  const answerAad = (nonce: string) => `answer:${nonce}`;

  /** Seal a message for every replica listening on `subject`. */
  function publish(subject: string, body: unknown): void {
    nc.publish(subject, seal(subject, body).data);
  }

  /** Hear sealed messages on `subject`; what does not open is dropped before `handle` sees it. */
  function subscribe(subject: string, handle: (m: Opened) => void): Subscription {
    return nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const env = open(subject, msg.data, subject);
        if (!env) return;
        const to = msg.reply;
        handle({
          body: env.b,
          from: env.r,
          reply: to ? (answer: unknown) => nc.publish(to, seal(answerAad(env.n), answer).data) : null,
        });
      },
    });
  }

  /**
   * Ask whoever listens on `subject` and wait for the first answer that opens as an answer to this question:
   * forged or replayed answers are dropped and the wait goes on. Null when nobody listens (NATS says so at once);
   * WireTimeoutError when no sealed answer came in time.
   */
  // Answers come to one subscription for all questions (`<inbox>.<nonce>`), as NATS's own requests do, instead of a
  // subscription made and dropped for each question.
  const inbox = createInbox();
  const waiting = new Map<string, (msg: Msg) => void>();
  let answers: Subscription | null = null;

  function request(subject: string, body: unknown, timeoutMs: number): Promise<unknown> {
    answers ??= nc.subscribe(`${inbox}.*`, {
      callback: (err, msg) => {
        if (!err) waiting.get(msg.subject.slice(inbox.length + 1))?.(msg);
      },
    });
    const { data, nonce } = seal(subject, body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(() => reject(new WireTimeoutError(subject, timeoutMs))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiting.delete(nonce);
        settle();
      };
      waiting.set(nonce, (msg) => {
        if (msg.data.length === 0 && msg.headers?.status === '503') return finish(() => resolve(null));
        const env = open(answerAad(nonce), msg.data, subject);
        if (env) finish(() => resolve(env.b));
      });
      try {
        nc.publish(subject, data, { reply: `${inbox}.${nonce}` });
      } catch (err) {
        finish(() => reject(err instanceof Error ? err : new Error(String(err))));
      }
    });
  }

  return {
    publish,
    subscribe,
    request,
    /** Settles once NATS has taken every subscription made so far (a round trip to the server). */
    flush: () => nc.flush(),
    /** Messages dropped unopened since start, by reason. */
    dropped,
  };
}
export type ClusterWire = ReturnType<typeof createClusterWire>;
