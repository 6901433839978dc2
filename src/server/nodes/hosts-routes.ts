import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthGuard } from '../auth/auth-guard.ts';
import { AppError } from '../errors.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import type { NodeView } from './nodes-presenter.ts';
import type { NodesService } from './nodes-service.ts';

const idParams = z.object({ id: pathId });

/** A node as the onboarding API's automation scripts know it: a "host". */
function presentHost(n: NodeView & { repo_status: string }) {
  return {
    id: n.id,
    hostname: n.hostname,
    status: n.status,
    repo_status: n.repo_status,
    since: n.since,
    reason: n.reason,
    last_seen_at: n.last_seen_at,
    os: n.os,
    arch: n.arch,
    agent_version: n.agent_version,
    tags: n.tags,
    rooms: n.rooms,
  };
}

/** GET /api/hosts and /api/hosts/{id} (DESIGN section 8); the same machines as /api/nodes. */
export function hostsRoutes(deps: { nodes: NodesService; guard: AuthGuard }) {
  const { nodes, guard } = deps;
  return async (app: FastifyInstance) => {
    app.get('/api/hosts', { preHandler: guard.require('viewer') }, async () =>
      (await nodes.list({ limit: 5000, offset: 0 })).map(presentHost),
    );
    app.get('/api/hosts/:id', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const n = await nodes.get(id);
      if (n.status === 'removed') throw new AppError('NOT_FOUND', `host ${id} was removed`);
      return presentHost(n);
    });
  };
}
