import type { FastifyReply, FastifyRequest } from 'fastify';
import { countingGate } from '../counting-gate.ts';
import { AppError } from '../errors.ts';

const KEEPALIVE_MS = 25_000;
/** A client that reads slower than events come is cut off once this much waits for it. */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

/** Open streams one signed-in user (any of their sessions and keys) may hold: a few browser tabs and scripts. */
export const MAX_STREAMS_PER_USER = 32;
/** Open streams from one address, whoever signed in there. */
export const MAX_STREAMS_PER_ADDRESS = 64;

/** One open server-sent-events response. */
export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
  /** Runs once when the stream ends, from either side. */
  onEnd(fn: () => void): void;
}

/**
 * Server-sent-event responses, tracked so that stopping the server ends them: an open browser tab must not keep
 * `muster server` from shutting down.
 */
export function createEventStreams() {
  const open = new Set<EventStream>();
  const perUser = countingGate(MAX_STREAMS_PER_USER);
  const perAddress = countingGate(MAX_STREAMS_PER_ADDRESS);
  return {
    /**
     * Open a stream for `owner` (the user) from the request's address; 429 once either holds its most. Each open
     * stream holds a socket and a subscription, so a session opening thousands must not be able to.
     */
    open(req: FastifyRequest, reply: FastifyReply, owner: string): EventStream {
      const releaseUser = perUser.take(owner);
      if (!releaseUser)
        throw new AppError(
          'TOO_MANY_STREAMS',
          `you have ${MAX_STREAMS_PER_USER} live streams open already; close some (browser tabs, scripts) first`,
          { retryAfterSeconds: 5 },
        );
      const releaseAddress = perAddress.take(req.ip);
      if (!releaseAddress) {
        releaseUser();
        throw new AppError(
          'TOO_MANY_STREAMS',
          `${MAX_STREAMS_PER_ADDRESS} live streams are open from this address already; close some first`,
          { retryAfterSeconds: 5 },
        );
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const cleanups: (() => void)[] = [];
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      let ended = false;
      const finish = () => {
        if (ended) return;
        ended = true;
        clearInterval(keepalive);
        open.delete(stream);
        releaseUser();
        releaseAddress();
        for (const fn of cleanups) fn();
      };
      const stream: EventStream = {
        send(event, data) {
          if (ended) return;
          // Node buffers what the socket cannot take; a stalled reader must not grow that without end.
          if (res.writableLength > MAX_UNREAD_BYTES) return stream.end();
          res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        end() {
          finish();
          res.end();
        },
        onEnd: (fn) => void cleanups.push(fn),
      };
      open.add(stream);
      req.raw.on('close', finish);
      return stream;
    },
    /** End every open stream (server stopping). */
    closeAll(): void {
      for (const s of [...open]) s.end();
    },
  };
}
export type EventStreams = ReturnType<typeof createEventStreams>;
