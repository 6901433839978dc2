import type { FastifyInstance } from 'fastify';
import type { AuthGuard } from '../auth/auth-guard.ts';
import type { EventBus } from './event-bus.ts';
import type { EventStreams } from './event-streams.ts';

/** GET /api/events: server-sent events of node presence and job changes. */
export function eventsRoutes(deps: { bus: EventBus; guard: AuthGuard; streams: EventStreams }) {
  return async (app: FastifyInstance) => {
    app.get('/api/events', { preHandler: deps.guard.require('viewer') }, async (req, reply) => {
      const stream = deps.streams.open(req, reply);
      stream.onEnd(deps.bus.subscribe((e) => stream.send(e.type, e)));
    });
  };
}
