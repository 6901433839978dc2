import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthGuard } from '../auth/auth-guard.ts';
import { parseOr400 } from '../http-validate.ts';
import type { AuditService } from './audit-service.ts';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  target: z.string().max(200).optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  until: z.coerce.number().int().nonnegative().optional(),
});

/** GET /api/audit (admin): who did what, from where, when; newest first, paged with `before`. */
export function auditRoutes(deps: { audit: AuditService; guard: AuthGuard }) {
  return async (app: FastifyInstance) => {
    app.get('/api/audit', { preHandler: deps.guard.require('admin') }, async (req) =>
      deps.audit.list(parseOr400(auditQuery, req.query, 'query')),
    );
  };
}
