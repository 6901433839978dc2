import type { FastifyInstance } from 'fastify';
import type { AuthGuard } from '../auth/auth-guard.ts';
import type { EventBus } from './event-bus.ts';

const KEEPALIVE_MS = 25_000;

/** GET /api/events: server-sent events of node presence (and later job) changes. */
export function eventsRoutes(deps: { bus: EventBus; guard: AuthGuard }) {
  return async (app: FastifyInstance) => {
    app.get('/api/events', { preHandler: deps.guard.require('viewer') }, async (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const unsubscribe = deps.bus.subscribe((e) => {
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      });
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      req.raw.on('close', () => {
        clearInterval(keepalive);
        unsubscribe();
      });
    });
  };
}
