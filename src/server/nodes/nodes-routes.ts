import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditService } from '../audit/audit-service.ts';
import { principalOf, type AuthGuard } from '../auth/auth-guard.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import type { LinkHub } from '../link/link-hub.ts';
import type { SpacesService } from '../spaces/spaces-service.ts';
import type { NodesService } from './nodes-service.ts';

const listQuery = z.object({
  space: z.string().max(100).optional(),
  room: z.string().max(100).optional(),
  status: z.enum(['pending', 'online', 'offline', 'removed']).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});
const idParams = z.object({ id: pathId });
const metricsQuery = z.object({
  series: z.string().max(4000).optional(),
  after: z.coerce.number().int().nonnegative().default(0),
  points: z.coerce.number().int().min(1).max(3600).default(300),
});
/** Live data must come back quickly or not at all. */
const LIVE_TIMEOUT_MS = 5000;

/** The node registry: list, read, remove. */
export function nodesRoutes(deps: {
  nodes: NodesService;
  spaces: SpacesService;
  hub: LinkHub;
  guard: AuthGuard;
  audit: AuditService;
}) {
  const { nodes, spaces, hub, guard, audit } = deps;
  return async (app: FastifyInstance) => {
    app.get('/api/nodes', { preHandler: guard.require('viewer') }, async (req) => {
      const q = parseOr400(listQuery, req.query, 'query');
      let roomId: string | undefined;
      if (q.room) {
        // A room may be named by id, or by slug within the chosen (or default) space.
        const spaceId = q.space ?? (await spaces.defaultSpace())?.id;
        const rooms = spaceId ? await spaces.listRooms(spaceId) : [];
        roomId = rooms.find((r) => r.id === q.room || r.slug === q.room)?.id ?? q.room;
      }
      return nodes.list({
        spaceId: q.space,
        roomId,
        status: q.status,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
      });
    });

    app.get('/api/nodes/:id', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      return nodes.get(id);
    });

    app.get('/api/nodes/:id/facts', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      await nodes.get(id);
      return hub.request(id, 'facts', {}, LIVE_TIMEOUT_MS);
    });

    app.get('/api/nodes/:id/metrics', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const q = parseOr400(metricsQuery, req.query, 'query');
      await nodes.get(id);
      // Answered by the agent from its own memory; the server keeps no copy.
      return hub.request(
        id,
        'metrics',
        { series: q.series ? q.series.split(',').filter(Boolean) : [], after: q.after, points: q.points },
        LIVE_TIMEOUT_MS,
      );
    });

    app.delete('/api/nodes/:id', { preHandler: guard.require('admin') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const p = principalOf(req);
      const node = await nodes.remove(id, p.username);
      hub.disconnect(id, `this node was removed from the server by ${p.username}`, true);
      await audit.record({
        actorType: 'user',
        actorId: p.userId,
        action: 'node.removed',
        targetType: 'node',
        targetId: id,
        sourceIp: req.ip,
        detail: { hostname: node.hostname },
      });
      return reply.code(204).send();
    });
  };
}
