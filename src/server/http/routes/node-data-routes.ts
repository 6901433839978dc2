import { setMaxListeners } from 'node:events';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  alertsAnswer,
  contextsAnswer,
  dataAnswer,
  functionsAnswer,
  functionTable,
  DATA_METHODS,
} from '../../../protocol/node-data.ts';
import type { NodeDataService } from '../../operations/node-data.ts';
import type { SpacesService } from '../../spaces/spaces-service.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, routeOptions } from '../route-schema.ts';

const time = z.coerce
  .number()
  .int()
  .min(-10 * 365 * 86400);
const dataQuery = z.object({
  context: z.string().min(1).max(200).describe('a context id from /contexts (system.cpu, disk.space, ...)'),
  after: time
    .default(-600)
    .describe('unix seconds, or seconds before now when zero or less (-3600: the last hour)'),
  before: time.default(0).describe('unix seconds, or seconds before now when zero or less'),
  points: z.coerce.number().int().min(1).max(1500).default(300),
});
const roomQuery = dataQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const functionPath = z.object({ id: z.string(), name: DATA_METHODS['data.function'].params.shape.name });
const roomData = z.object({
  context: z.string(),
  nodes: z.array(
    z.object({
      node_id: z.string(),
      hostname: z.string(),
      status: z.string(),
      data: dataAnswer.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});

/** An abort signal for as long as the caller waits: a browser that goes away withdraws its queries. */
function untilGone(reply: FastifyReply): AbortSignal {
  const abort = new AbortController();
  // A room view hangs every node's query on it.
  setMaxListeners(0, abort.signal);
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  return abort.signal;
}

/** A node's charts, alerts and functions, whatever agent it runs (binding; docs/netdata.md), and room views. */
export function nodeDataRoutes(deps: {
  data: NodeDataService;
  spaces: SpacesService;
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { data } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['node data'];
  const liveErrors = [404, 409, 502, 503, 504] as const;
  return async (app) => {
    app.get(
      '/api/nodes/:id/contexts',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "The node's chart contexts (what it has charts of), from its agent",
        tags,
        schema: { params: idParams, response: { 200: contextsAnswer } },
        errors: [...liveErrors],
      }),
      async (req, reply) => data.contexts(actorOf(req), req.params.id, untilGone(reply)),
    );

    app.get(
      '/api/nodes/:id/data',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "One context's points over a time range, from the node's agent",
        tags,
        schema: { params: idParams, querystring: dataQuery, response: { 200: dataAnswer } },
        errors: [400, ...liveErrors],
      }),
      async (req, reply) => data.query(actorOf(req), req.params.id, req.query, untilGone(reply)),
    );

    app.get(
      '/api/nodes/:id/alerts',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "The alert instances the node's agent evaluates, with their status now",
        tags,
        schema: { params: idParams, response: { 200: alertsAnswer } },
        errors: [...liveErrors],
      }),
      async (req, reply) => data.alerts(actorOf(req), req.params.id, untilGone(reply)),
    );

    app.get(
      '/api/nodes/:id/functions',
      route({
        access: 'operator',
        scope: 'node',
        summary: "The functions the node's agent offers (processes, network connections, mounts, ...)",
        tags,
        schema: { params: idParams, response: { 200: functionsAnswer } },
        errors: [...liveErrors],
      }),
      async (req, reply) => data.functions(actorOf(req), req.params.id, untilGone(reply)),
    );

    app.post(
      '/api/nodes/:id/functions/:name',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Run one of its functions on the node (body: its parameters) and get its table',
        tags,
        schema: {
          params: functionPath,
          body: z.record(z.string(), z.unknown()).default({}),
          response: { 200: functionTable },
        },
        errors: [400, ...liveErrors],
      }),
      async (req, reply) =>
        data.callFunction(actorOf(req), req.params.id, req.params.name, req.body ?? {}, untilGone(reply)),
    );

    app.get(
      '/api/rooms/:id/data',
      route({
        access: 'viewer',
        scope: 'room',
        summary: 'One context of every node in a room (a page of nodes), side by side',
        tags,
        schema: { params: idParams, querystring: roomQuery, response: { 200: roomData } },
        errors: [400, 404],
      }),
      async (req, reply) => {
        const q = req.query;
        await deps.spaces.getRoom(req.params.id);
        const nodes = await data.room(
          actorOf(req),
          req.params.id,
          { context: q.context, after: q.after, before: q.before, points: q.points },
          { limit: q.limit, offset: q.offset },
          untilGone(reply),
        );
        return { context: q.context, nodes };
      },
    );
  };
}
