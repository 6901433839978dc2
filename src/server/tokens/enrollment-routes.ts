import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditService } from '../audit/audit-service.ts';
import { principalOf, type AuthGuard } from '../auth/auth-guard.ts';
import { enrollBody, type EnrollService } from '../claiming/enroll-service.ts';
import { AppError } from '../errors.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import { perMinute } from '../rate-limits.ts';
import type { SpacesService } from '../spaces/spaces-service.ts';
import { mintEnrollmentBody, type EnrollmentService } from './enrollment-service.ts';

const idParams = z.object({ id: pathId });
const listQuery = z.object({ space: z.string().max(100).optional() });

/** One-time enrollment tokens and the bearer enroll endpoint (DESIGN section 8). */
export function enrollmentRoutes(deps: {
  enrollment: EnrollmentService;
  enroll: EnrollService;
  spaces: SpacesService;
  guard: AuthGuard;
  audit: AuditService;
  enrollPerMinute: number;
}) {
  const { enrollment, enroll, spaces, guard, audit } = deps;

  async function spaceIdOr404(id: string | undefined): Promise<string> {
    if (id) return (await spaces.getSpace(id)).id;
    const s = await spaces.defaultSpace();
    if (!s) throw new AppError('NOT_FOUND', 'no space exists yet');
    return s.id;
  }

  return async (app: FastifyInstance) => {
    app.post('/api/enrollment-tokens', { preHandler: guard.require('operator') }, async (req, reply) => {
      const body = parseOr400(mintEnrollmentBody, req.body);
      const p = principalOf(req);
      const spaceId = await spaceIdOr404(body.space_id);
      const t = await enrollment.mint(spaceId, p.userId, body);
      await audit.record({
        actorType: 'user',
        actorId: p.userId,
        action: 'token.minted',
        targetType: 'token',
        targetId: t.id,
        sourceIp: req.ip,
        detail: { hostname: body.hostname, kind: 'enrollment' },
      });
      // 200, as the onboarding guide documents (its clients check for exactly 200).
      return reply.code(200).send({
        id: t.id,
        token: t.token,
        expires_at: new Date(t.expires_at).toISOString(),
        expires_at_ms: t.expires_at,
      });
    });

    app.get('/api/enrollment-tokens', { preHandler: guard.require('operator') }, async (req) => {
      const q = parseOr400(listQuery, req.query, 'query');
      return enrollment.list(await spaceIdOr404(q.space));
    });

    app.delete(
      '/api/enrollment-tokens/:id',
      { preHandler: guard.require('operator') },
      async (req, reply) => {
        const { id } = parseOr400(idParams, req.params, 'path');
        await enrollment.revoke(id);
        await audit.record({
          actorType: 'user',
          actorId: principalOf(req).userId,
          action: 'token.revoked',
          targetType: 'token',
          targetId: id,
          sourceIp: req.ip,
        });
        return reply.code(204).send();
      },
    );

    app.post('/api/agents/enroll', { config: perMinute(deps.enrollPerMinute) }, async (req, reply) => {
      const body = parseOr400(enrollBody, req.body);
      // 200, as the onboarding guide documents (its clients check for exactly 200).
      return reply.code(200).send(await enroll.enroll(body, req.ip));
    });
  };
}
