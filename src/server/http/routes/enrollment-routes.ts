import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enrollmentTokenView, mintedEnrollmentToken } from '../../../protocol/api/views.ts';
import type { EnrollNode } from '../../operations/enroll-node.ts';
import { enrollBody } from '../../operations/enroll-node.ts';
import type { SpacesService } from '../../spaces/spaces-service.ts';
import { mintEnrollmentBody, type EnrollmentService } from '../../tokens/enrollment-service.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, routeOptions, sendNoContent } from '../route-schema.ts';

const listQuery = z.object({ space: z.string().max(100).optional() });
const enrolled = z.object({
  host_id: z.string(),
  agent_token: z.string().describe("the agent's bearer credential, shown once"),
  cert_pin_sha256: z.string().nullable(),
});

/** One-time enrollment tokens and the bearer enroll endpoint (docs/onboarding.md). */
export function enrollmentRoutes(deps: {
  enrollment: EnrollmentService;
  enrollNode: EnrollNode;
  spaces: SpacesService;
  guard: AuthGuard;
  enrollPerMinute: number;
}): FastifyPluginAsyncZod {
  const { enrollment, spaces } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['onboarding'];
  return async (app) => {
    app.post(
      '/api/enrollment-tokens',
      route({
        access: 'operator',
        summary: 'Mint a one-time enrollment token for a host (shown once)',
        tags,
        schema: { body: mintEnrollmentBody, response: { 200: mintedEnrollmentToken } },
        errors: [404],
      }),
      async (req, reply) => {
        const space = await spaces.spaceOrDefault(req.body.space_id);
        const t = await enrollment.mint(actorOf(req), space.id, req.body);
        // 200, as the onboarding guide documents (its clients check for exactly 200).
        return reply.code(200).send({
          id: t.id,
          token: t.token,
          expires_at: new Date(t.expires_at).toISOString(),
          expires_at_ms: t.expires_at,
        });
      },
    );

    app.get(
      '/api/enrollment-tokens',
      route({
        access: 'operator',
        summary: "A space's enrollment tokens and their state",
        tags,
        schema: { querystring: listQuery, response: { 200: z.array(enrollmentTokenView) } },
        errors: [404],
      }),
      async (req) => enrollment.list((await spaces.spaceOrDefault(req.query.space)).id),
    );

    app.delete(
      '/api/enrollment-tokens/:id',
      route({
        access: 'operator',
        summary: 'Revoke an enrollment token',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await enrollment.revoke(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    // The onboarding guide's path (its troubleshooting table revokes stale tokens by hash).
    app.post(
      '/api/hosts/enrollment-tokens/:hash/revoke',
      route({
        access: 'operator',
        summary:
          "Revoke an enrollment token by its hash (SHA-256 of the token, hex; `token_hash` in the list): the onboarding guide's path. A token already used, expired or revoked is answered as it is",
        tags,
        schema: {
          params: z.object({ hash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hex') }),
          response: { 200: enrollmentTokenView },
        },
        errors: [404],
      }),
      async (req) => enrollment.revokeByHash(actorOf(req), req.params.hash),
    );

    app.post(
      '/api/agents/enroll',
      route({
        access: 'public',
        summary: 'Enroll a host with a token: answers its id and its agent token',
        tags,
        schema: { body: enrollBody, response: { 200: enrolled } },
        errors: [403, 409, 410, 429],
        perMinute: deps.enrollPerMinute,
      }),
      // 200, as the onboarding guide documents (its clients check for exactly 200).
      async (req, reply) => reply.code(200).send(await deps.enrollNode.enrollNode(req.body, req.ip)),
    );
  };
}
