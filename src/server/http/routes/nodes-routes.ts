import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LINK_METHODS } from '../../../protocol/link-methods.ts';
import { hostView, NODE_STATUSES, nodeView, type NodeView } from '../../../protocol/api/views.ts';
import type { LinkPort } from '../../link/link-port.ts';
import type { NodesService } from '../../nodes/nodes-service.ts';
import { BULK_MAX, bulkAction, bulkResult, type BulkNodes } from '../../operations/bulk-nodes.ts';
import type { RemoveNode } from '../../operations/remove-node.ts';
import type { SpacesService } from '../../spaces/spaces-service.ts';
import { actorOf, visibleTo, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, pathId, routeOptions, sendNoContent } from '../route-schema.ts';
import { AppError } from '../../errors.ts';
import { roleInRoom } from '../../auth/grants.ts';

const filterQuery = z.object({
  space: z.string().max(100).optional(),
  room: z.string().max(100).optional().describe('room id, or slug within the space'),
  status: z
    .enum([...NODE_STATUSES, 'stale', 'duplicate'])
    .optional()
    .describe(
      'stale: offline longer than the stale age (--stale-days); duplicate: suspected of sharing its identity with another machine',
    ),
  q: z
    .string()
    .max(200)
    .optional()
    .describe('part of the host name, OS, architecture, agent version or a tag'),
  backup: z
    .enum(['overdue'])
    .optional()
    .describe(
      'overdue: only nodes with a source group that has no successful backup within its expected age',
    ),
});
const listQuery = filterQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const nodeCounts = z.object({
  all: z.number().int(),
  online: z.number().int(),
  offline: z.number().int(),
  pending: z.number().int(),
  stale: z.number().int().describe('offline longer than the stale age'),
  duplicate: z.number().int().describe('suspected of sharing an identity'),
  backup_overdue: z.number().int(),
});
const metricsQuery = z.object({
  series: z.string().max(4000).optional().describe('comma-separated series names'),
  after: z.coerce.number().int().nonnegative().default(0),
  points: z.coerce.number().int().min(1).max(3600).default(300),
});
/** Live data must come back quickly or not at all. */
const LIVE_TIMEOUT_MS = 5000;

/** A JSON array from pages of items, as text chunks (one per page). */
async function* jsonArray(
  first: unknown[] | undefined,
  rest: AsyncIterator<unknown[]>,
): AsyncGenerator<string> {
  let empty = true;
  yield '[';
  for (let page = first; page; page = (await rest.next()).value as unknown[] | undefined) {
    if (page.length === 0) continue;
    yield (empty ? '' : ',') + JSON.stringify(page).slice(1, -1);
    empty = false;
  }
  yield ']';
}

/**
 * Answer a JSON array streamed from pages. The first page is read before the answer starts, so a database that
 * fails is an error status with its message, not a cut-off 200.
 */
async function sendPages(reply: FastifyReply, pages: AsyncIterable<unknown[]>) {
  const iterator = pages[Symbol.asyncIterator]();
  const first = (await iterator.next()).value as unknown[] | undefined;
  // A stream of the documented array's text; the type provider only knows the array itself.
  return reply.type('application/json').send(Readable.from(jsonArray(first, iterator)));
}

/** The host fields of a node view (what /api/hosts answers). */
const HOST_FIELDS = Object.keys(hostView.shape) as (keyof NodeView)[];
const asHost = (n: NodeView) => Object.fromEntries(HOST_FIELDS.map((k) => [k, n[k]]));

async function* mapPages<T, U>(pages: AsyncIterable<T[]>, fn: (t: T) => U): AsyncGenerator<U[]> {
  for await (const page of pages) yield page.map(fn);
}

/** The node registry (list, read, live data, remove) and its onboarding-API view, /api/hosts. */
export function nodesRoutes(deps: {
  nodes: NodesService;
  spaces: SpacesService;
  link: LinkPort;
  removeNode: RemoveNode;
  bulk: BulkNodes;
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { nodes, spaces, link } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['nodes'];
  return async (app) => {
    app.post(
      '/api/nodes/bulk',
      route({
        access: 'operator',
        scope: 'any',
        summary:
          "One action on many nodes, named by `ids` or by a `filter` (the node list's): move them to a room, remove them, update their agents, run a job, or attach a backup plan (its room). Each node is checked and changed as its own route would, and gets its result",
        tags,
        schema: {
          body: bulkAction.and(
            z.object({
              ids: z.array(pathId).min(1).max(BULK_MAX).optional(),
              filter: filterQuery.omit({ backup: true }).optional(),
            }),
          ),
          response: { 200: z.object({ results: z.array(bulkResult) }) },
        },
        errors: [400, 403, 404],
      }),
      async (req) => {
        const b = req.body;
        let ids = b.ids;
        if (!ids) {
          if (!b.filter) throw new AppError('VALIDATION_FAILED', 'name the nodes: ids, or a filter');
          const f = b.filter;
          const roomId = f.room ? await spaces.roomIdOf(f.space, f.room) : undefined;
          ids = [];
          for await (const page of nodes.exportPages({
            spaceId: f.space,
            roomId,
            status: f.status,
            q: f.q,
            visibleTo: visibleTo(req),
          })) {
            ids.push(...page.map((n) => n.id));
            if (ids.length > BULK_MAX)
              throw new AppError(
                'VALIDATION_FAILED',
                `more than ${BULK_MAX} nodes match the filter: narrow it, or act on them in parts`,
              );
          }
        }
        // Moving nodes into a room needs admin there, as PUT /api/rooms/{id}/nodes/{node} does.
        const target = await deps.bulk.targetRoom(b);
        if (target) {
          const room = await spaces.getRoom(target);
          const held = roleInRoom(req.principal!.grants, room.id, room.space_id);
          if (!held) throw new AppError('NOT_FOUND', `room ${target} does not exist`);
          if (held !== 'admin')
            throw new AppError(
              'FORBIDDEN',
              `moving nodes into room "${room.name}" needs the admin role there; you are ${held}`,
            );
        }
        const results = await deps.bulk.run(
          actorOf(req),
          [...new Set(ids)],
          b,
          (id) => deps.guard.access.roleOn(req.principal!.grants, 'node', id),
          target,
        );
        return { results };
      },
    );

    app.get(
      '/api/nodes',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Nodes, filtered, a page at a time (100 by default, in host name order)',
        tags,
        schema: { querystring: listQuery, response: { 200: z.array(nodeView) } },
        presented: true,
      }),
      async (req, reply) => {
        const q = req.query;
        const roomId = q.room ? await spaces.roomIdOf(q.space, q.room) : undefined;
        const page = await nodes.listJson({
          spaceId: q.space,
          roomId,
          status: q.status,
          q: q.q,
          backupOverdue: q.backup === 'overdue',
          visibleTo: visibleTo(req),
          limit: q.limit,
          offset: q.offset,
        });
        // Already the documented array's text (kept between requests); the type provider only knows the array.
        return (reply as FastifyReply).type('application/json').send(page);
      },
    );

    app.get(
      '/api/nodes/counts',
      route({
        access: 'viewer',
        scope: 'any',
        summary:
          'How many nodes match the filter (space, room, text), in all and by status: the node list counts and pages with it',
        tags,
        schema: {
          querystring: filterQuery.pick({ space: true, room: true, q: true }),
          response: { 200: nodeCounts },
        },
        presented: true,
      }),
      async (req, reply) => {
        const q = req.query;
        const roomId = q.room ? await spaces.roomIdOf(q.space, q.room) : undefined;
        const counts = await nodes.counts({ spaceId: q.space, roomId, q: q.q, visibleTo: visibleTo(req) });
        // Already the documented object's text (kept between requests, as a page of the list is).
        return (reply as FastifyReply).type('application/json').send(counts);
      },
    );

    app.get(
      '/api/nodes/export',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Every node that matches the filter, streamed as one JSON array in host name order',
        tags,
        schema: {
          querystring: filterQuery,
          response: {
            200: {
              description: 'every matching node, read and sent 1,000 at a time',
              content: { 'application/json': { schema: z.array(nodeView) } },
            },
          },
        },
        presented: true,
      }),
      async (req, reply) => {
        const q = req.query;
        const roomId = q.room ? await spaces.roomIdOf(q.space, q.room) : undefined;
        return sendPages(
          reply,
          nodes.exportPages({
            spaceId: q.space,
            roomId,
            status: q.status,
            q: q.q,
            backupOverdue: q.backup === 'overdue',
            visibleTo: visibleTo(req),
          }),
        );
      },
    );

    app.get(
      '/api/nodes/:id',
      route({
        access: 'viewer',
        scope: 'node',
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
        scope: 'node',
        summary: 'Facts, asked of the agent now',
        tags,
        schema: { params: idParams, response: { 200: LINK_METHODS.facts.result } },
        errors: [404, 409, 502, 503, 504],
      }),
      async (req) => {
        await nodes.get(req.params.id);
        return link.request(req.params.id, 'facts', {}, LIVE_TIMEOUT_MS);
      },
    );

    app.get(
      '/api/nodes/:id/metrics',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "Metrics from the agent's own memory (the server keeps no copy)",
        tags,
        schema: {
          params: idParams,
          querystring: metricsQuery,
          response: { 200: LINK_METHODS.metrics.result },
        },
        errors: [404, 409, 502, 503, 504],
      }),
      async (req) => {
        const { id } = req.params;
        const q = req.query;
        await nodes.get(id);
        const series = q.series ? q.series.split(',').filter(Boolean) : [];
        const params = { series, after: q.after, points: q.points };
        return link.request(id, 'metrics', params, LIVE_TIMEOUT_MS);
      },
    );

    app.delete(
      '/api/nodes/:id',
      route({
        access: 'admin',
        scope: 'node',
        summary: 'Remove a node: its credentials go, its agent is told to stop',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await deps.removeNode.removeNode(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/hosts',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Every node, as the onboarding API names it (streamed, in host name order)',
        tags,
        schema: {
          response: {
            200: {
              description: 'every node that was not removed, read and sent 1,000 at a time',
              content: { 'application/json': { schema: z.array(hostView) } },
            },
          },
        },
        presented: true,
      }),
      async (req, reply) =>
        sendPages(reply, mapPages(nodes.exportPages({ visibleTo: visibleTo(req) }), asHost)),
    );

    app.get(
      '/api/hosts/:id',
      route({
        access: 'viewer',
        scope: 'node',
        summary: 'One host (404 once removed)',
        tags,
        schema: { params: idParams, response: { 200: hostView } },
        errors: [404],
      }),
      async (req) => nodes.getHost(req.params.id),
    );
  };
}
