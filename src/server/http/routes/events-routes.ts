import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EventBus } from '../../events/event-bus.ts';
import type { EventStreams } from '../../events/event-streams.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { eventStream, routeOptions } from '../route-schema.ts';

/** GET /api/events: server-sent events of node presence and job changes. */
export function eventsRoutes(deps: {
  bus: EventBus;
  guard: AuthGuard;
  streams: EventStreams;
}): FastifyPluginAsyncZod {
  const route = routeOptions(deps.guard);
  return async (app) => {
    app.get(
      '/api/events',
      route({
        access: 'viewer',
        summary: 'Server-sent events: node presence, claims, repositories, job states and output',
        tags: ['events'],
        schema: { response: { 200: eventStream } },
        errors: [429],
      }),
      async (req, reply) => {
        const stream = deps.streams.open(req, reply, actorOf(req).userId);
        stream.onEnd(deps.bus.subscribe((e) => stream.send(e.type, e)));
      },
    );
  };
}
