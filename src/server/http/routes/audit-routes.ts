import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditPage } from '../../../protocol/api/views.ts';
import type { AuditService } from '../../audit/audit-service.ts';
import type { AuthGuard } from '../auth-guard.ts';
import { routeOptions } from '../route-schema.ts';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional().describe('the last id seen, for the next page'),
  action: z.string().max(100).optional().describe('exact action, or a prefix ending in "."'),
  actor: z.string().max(200).optional().describe('actor id or user name'),
  target: z.string().max(200).optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  until: z.coerce.number().int().nonnegative().optional(),
});

/** GET /api/audit: who did what, from where, when; newest first, paged with `before`. */
export function auditRoutes(deps: { audit: AuditService; guard: AuthGuard }): FastifyPluginAsyncZod {
  const route = routeOptions(deps.guard);
  return async (app) => {
    app.get(
      '/api/audit',
      route({
        access: 'admin',
        summary: 'The audit log',
        tags: ['audit'],
        schema: { querystring: auditQuery, response: { 200: auditPage } },
      }),
      async (req) => deps.audit.list(req.query),
    );
  };
}
