import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EventBus } from '../../events/event-bus.ts';
import type { EventStreams } from '../../events/event-streams.ts';
import type { MusterEvent } from '../../../protocol/api/events.ts';
import type { AccessService } from '../../auth/access-service.ts';
import type { Grants } from '../../auth/grants.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { eventStream, routeOptions } from '../route-schema.ts';

/** Refresh what a stream may show at most this often, when an event names a node it does not know. */
const REFRESH_MS = 5000;

/**
 * What one subscriber may receive: events of the nodes they see, and job output only of nodes where they are an
 * operator (a job's node is learnt from its state events). A node that enters their rooms later is picked up when an
 * event names it (the sets are read again, at most every few seconds).
 */
async function streamFilter(access: AccessService, g: Grants): Promise<(e: MusterEvent) => boolean> {
  let seen = await access.nodesWith(g, 'viewer');
  let operates = await access.nodesWith(g, 'operator');
  let readAt = Date.now();
  const jobNodes = new Map<string, string>();
  const refresh = async () => {
    if (Date.now() - readAt < REFRESH_MS) return;
    readAt = Date.now();
    [seen, operates] = await Promise.all([access.nodesWith(g, 'viewer'), access.nodesWith(g, 'operator')]);
  };
  return (e) => {
    if (e.type === 'job.log') {
      if (operates === null) return true;
      const node = jobNodes.get(e.job_id);
      return node !== undefined && operates.has(node);
    }
    if (e.type === 'job.state') {
      if (e.state === 'queued' || e.state === 'running') jobNodes.set(e.job_id, e.node_id);
      else jobNodes.delete(e.job_id);
    }
    if (seen === null) return true;
    if (!seen.has(e.node_id)) {
      void refresh();
      return false;
    }
    return true;
  };
}

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
        scope: 'any',
        summary:
          'Server-sent events: node presence, claims, repositories, job states and output — of the nodes you may see (job output: where you are an operator)',
        tags: ['events'],
        schema: { response: { 200: eventStream } },
        errors: [429],
      }),
      async (req, reply) => {
        const stream = deps.streams.open(req, reply, actorOf(req).userId);
        const filter = await streamFilter(deps.guard.access, req.principal!.grants);
        stream.onEnd(
          deps.bus.subscribe((e) => {
            if (filter(e)) stream.send(e.type, e);
          }),
        );
      },
    );
  };
}
