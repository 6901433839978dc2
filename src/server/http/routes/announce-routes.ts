import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ClaimError } from '../../errors.ts';
import { announceBody, announcementView, type AnnounceNode } from '../../operations/announce-node.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, routeOptions } from '../route-schema.ts';

const announced = z.union([
  z.object({
    state: z.literal('pending'),
    fingerprint: z.string(),
    expires_at: z.number(),
  }),
  z.object({ state: z.literal('approved'), node_id: z.string() }),
]);

/** Agents that announce themselves without a token, and the operators who approve or reject them. */
export function announceRoutes(deps: {
  announce: AnnounceNode;
  guard: AuthGuard;
  perMinute: number;
}): FastifyPluginAsyncZod {
  const route = routeOptions(deps.guard);
  return async (app) => {
    app.put(
      '/api/v1/announce/nodes/:id',
      {
        ...route({
          access: 'public',
          summary:
            "An agent with only the server's URL and pin announces its key and facts (muster-agent run --announce): 202 while it awaits approval, 200 with its node id once approved, 403 once rejected or where the space takes no announcements",
          tags: ['agents'],
          schema: {
            params: idParams,
            body: announceBody,
            response: { 200: announced, 202: announced },
          },
          errors: [403, 409, 429],
          perMinute: deps.perMinute,
        }),
        attachValidation: true,
      },
      async (req, reply) => {
        if (req.validationError)
          throw new ClaimError(
            'ErrBadRequest',
            'the body must be a JSON object with node, publicKey and facts',
          );
        const r = await deps.announce.announce(req.params.id, req.body, req.ip);
        return reply.code(r.state === 'approved' ? 200 : 202).send(r);
      },
    );

    app.get(
      '/api/announcements',
      route({
        access: 'operator',
        summary: 'Agents awaiting approval (and those approved or rejected), newest first',
        tags: ['nodes'],
        schema: { response: { 200: z.array(announcementView) } },
      }),
      async () => deps.announce.list(),
    );

    app.post(
      '/api/announcements/:id/approve',
      route({
        access: 'operator',
        summary:
          "Approve an announced agent: it becomes a node of its space (in the room given, and the space's default rooms) and links at its next announcement",
        tags: ['nodes'],
        schema: {
          params: idParams,
          body: z
            .object({ room_id: z.string().max(100).nullable().optional() })
            .strict()
            .optional(),
          response: { 200: announcementView },
        },
        errors: [404, 409],
      }),
      async (req) => {
        const room = req.body?.room_id ?? null;
        return deps.announce.approve(actorOf(req), req.params.id, room);
      },
    );

    app.post(
      '/api/announcements/:id/reject',
      route({
        access: 'operator',
        summary: 'Reject an announced agent: its key is refused from now on',
        tags: ['nodes'],
        schema: { params: idParams, response: { 200: announcementView } },
        errors: [404, 409],
      }),
      async (req) => deps.announce.reject(actorOf(req), req.params.id),
    );
  };
}
