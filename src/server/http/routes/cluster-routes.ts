import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthGuard } from '../auth-guard.ts';
import { routeOptions } from '../route-schema.ts';

const replicaView = z.object({
  id: z.string(),
  name: z.string(),
  started_at: z.number(),
  renewed_at: z.number(),
  lease_until: z.number().nullable().describe('when the replica is declared lost unless it renews its lease'),
  links: z.number().describe('agent links it holds'),
  leader: z.boolean().describe("it runs the cluster's periodic work"),
  work_at: z.number().nullable().describe('when it last ran that work'),
});
export const clusterView = z.object({
  mode: z.enum(['single', 'cluster']),
  self: z.string().describe('the replica that answered'),
  replicas: z.array(replicaView),
});
export type ClusterView = z.infer<typeof clusterView>;

/** GET /api/cluster: the server's replicas, with the links each holds (one entry for a single process). */
export function clusterRoutes(deps: {
  guard: AuthGuard;
  replicas: () => Promise<ClusterView>;
}): FastifyPluginAsyncZod {
  const route = routeOptions(deps.guard);
  return async (app) => {
    app.get(
      '/api/cluster',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Server replicas and the links each holds',
        tags: ['server'],
        schema: { response: { 200: clusterView } },
      }),
      async () => deps.replicas(),
    );
  };
}
