import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hostView, NODE_STATUSES, nodeView } from '../../../protocol/api/views.ts';
import type { LinkPort } from '../../link/link-port.ts';
import type { NodesService } from '../../nodes/nodes-service.ts';
import type { RemoveNode } from '../../operations/remove-node.ts';
import type { SpacesService } from '../../spaces/spaces-service.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, routeOptions, sendNoContent } from '../route-schema.ts';

const listQuery = z.object({
  space: z.string().max(100).optional(),
  room: z.string().max(100).optional().describe('room id, or slug within the space'),
  status: z.enum(NODE_STATUSES).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});
const metricsQuery = z.object({
  series: z.string().max(4000).optional().describe('comma-separated series names'),
  after: z.coerce.number().int().nonnegative().default(0),
  points: z.coerce.number().int().min(1).max(3600).default(300),
});
/** What the agent answers a live query with, as it sent it. */
const liveAnswer = z.record(z.string(), z.unknown());
/** Live data must come back quickly or not at all. */
const LIVE_TIMEOUT_MS = 5000;

/** The node registry (list, read, live data, remove) and its onboarding-API view, /api/hosts. */
export function nodesRoutes(deps: {
  nodes: NodesService;
  spaces: SpacesService;
  link: LinkPort;
  removeNode: RemoveNode;
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { nodes, spaces, link } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['nodes'];
  return async (app) => {
    app.get(
      '/api/nodes',
      route({
        access: 'viewer',
        summary: 'Nodes, filtered and paged',
        tags,
        schema: { querystring: listQuery, response: { 200: z.array(nodeView) } },
      }),
      async (req) => {
        const q = req.query;
        const roomId = q.room ? await spaces.roomIdOf(q.space, q.room) : undefined;
        return nodes.list({
          spaceId: q.space,
          roomId,
          status: q.status,
          q: q.q,
          limit: q.limit,
          offset: q.offset,
        });
      },
    );

    app.get(
      '/api/nodes/:id',
      route({
        access: 'viewer',
        summary: 'One node',
        tags,
        schema: { params: idParams, response: { 200: nodeView } },
        errors: [404],
      }),
      async (req) => nodes.get(req.params.id),
    );

    app.get(
      '/api/nodes/:id/facts',
      route({
        access: 'viewer',
        summary: 'Facts, asked of the agent now',
        tags,
        schema: { params: idParams, response: { 200: liveAnswer } },
        errors: [404, 409, 503, 504],
      }),
      async (req) => {
        await nodes.get(req.params.id);
        return (await link.request(req.params.id, 'facts', {}, LIVE_TIMEOUT_MS)) as Record<string, unknown>;
      },
    );

    app.get(
      '/api/nodes/:id/metrics',
      route({
        access: 'viewer',
        summary: "Metrics from the agent's own memory (the server keeps no copy)",
        tags,
        schema: { params: idParams, querystring: metricsQuery, response: { 200: liveAnswer } },
        errors: [404, 409, 503, 504],
      }),
      async (req) => {
        const { id } = req.params;
        const q = req.query;
        await nodes.get(id);
        const series = q.series ? q.series.split(',').filter(Boolean) : [];
        const params = { series, after: q.after, points: q.points };
        return (await link.request(id, 'metrics', params, LIVE_TIMEOUT_MS)) as Record<string, unknown>;
      },
    );

    app.delete(
      '/api/nodes/:id',
      route({
        access: 'admin',
        summary: 'Remove a node: its credentials go, its agent is told to stop',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await deps.removeNode(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/hosts',
      route({
        access: 'viewer',
        summary: 'Every node, as the onboarding API names it',
        tags,
        schema: { response: { 200: z.array(hostView) } },
      }),
      async () => nodes.list({ limit: 5000, offset: 0 }),
    );

    app.get(
      '/api/hosts/:id',
      route({
        access: 'viewer',
        summary: 'One host (404 once removed)',
        tags,
        schema: { params: idParams, response: { 200: hostView } },
        errors: [404],
      }),
      async (req) => nodes.getHost(req.params.id),
    );
  };
}
