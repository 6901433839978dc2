import type { Actor } from '../../actor.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roomView, spaceTokenView, spaceView } from '../../../protocol/api/views.ts';
import type { SpacesService } from '../../spaces/spaces-service.ts';
import { roomRules, spaceSettings, type FleetLife } from '../../operations/fleet-life.ts';
import { AppError } from '../../errors.ts';
import type { TokensService } from '../../tokens/tokens-service.ts';
import { roleInSpace, seesSpace } from '../../auth/grants.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, pathId, routeOptions, sendNoContent } from '../route-schema.ts';

const roomNodeParams = z.object({ id: pathId, nodeId: pathId });
const roomBody = z.object({ name: z.string().trim().min(1).max(100) });
const tokenLimits = z
  .object({
    expires_at: z.number().int().positive().nullable().optional(),
    max_uses: z.number().int().positive().nullable().optional(),
  })
  .strict();

/** Spaces, rooms and the space claim token. */
export function spacesRoutes(deps: {
  spaces: SpacesService;
  fleetLife: FleetLife;
  tokens: TokensService;
  /** Backup plans follow room membership: a node that joins or leaves a room gets or loses the room's plan. */
  plans: {
    membershipChanged(actor: Actor, nodeId: string): Promise<void>;
    roomDeletable(roomId: string): Promise<void>;
  };
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { spaces, tokens } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['spaces and rooms'];
  const limitsOf = (l: z.infer<typeof tokenLimits>) => ({
    expires_at: l.expires_at ?? null,
    max_uses: l.max_uses ?? null,
  });
  return async (app) => {
    app.get(
      '/api/spaces',
      route({
        access: 'viewer',
        scope: 'any',
        summary:
          'The spaces you hold a role in (or in one of their rooms), with your role in each (null: in rooms only)',
        tags,
        schema: { response: { 200: z.array(spaceView) } },
      }),
      async (req) => {
        const g = req.principal!.grants;
        return (await spaces.listSpaces())
          .filter((s) => seesSpace(g, s.id))
          .map((s) => ({
            id: s.id,
            name: s.name,
            slug: s.slug,
            role: roleInSpace(g, s.id),
          }));
      },
    );

    app.get(
      '/api/spaces/:id/claim-token',
      route({
        access: 'admin',
        scope: 'space',
        summary: "The space's claim token",
        tags,
        schema: { params: idParams, response: { 200: spaceTokenView } },
        errors: [404],
      }),
      async (req) => {
        await spaces.getSpace(req.params.id);
        return tokens.getSpaceToken(req.params.id);
      },
    );

    app.post(
      '/api/spaces/:id/claim-token/rotate',
      route({
        access: 'admin',
        scope: 'space',
        summary: 'A new claim token; the old one stops working at once',
        tags,
        schema: { params: idParams, body: tokenLimits, response: { 200: spaceTokenView } },
        errors: [404],
      }),
      async (req) => {
        await spaces.getSpace(req.params.id);
        return tokens.rotateSpaceToken(actorOf(req), req.params.id, limitsOf(req.body));
      },
    );

    app.patch(
      '/api/spaces/:id/claim-token',
      route({
        access: 'admin',
        scope: 'space',
        summary: "Change the claim token's expiry and use limit",
        tags,
        schema: { params: idParams, body: tokenLimits, response: { 200: spaceTokenView } },
        errors: [404],
      }),
      async (req) => {
        await spaces.getSpace(req.params.id);
        return tokens.setSpaceTokenLimits(actorOf(req), req.params.id, req.body);
      },
    );

    app.get(
      '/api/spaces/:id/rooms',
      route({
        access: 'viewer',
        scope: 'space',
        summary: 'Rooms of a space',
        tags,
        schema: { params: idParams, response: { 200: z.array(roomView) } },
        errors: [404],
      }),
      async (req) => {
        const g = req.principal!.grants;
        const all = roleInSpace(g, req.params.id) !== null;
        return (await spaces.roomViews(req.params.id)).filter((r) => all || g.rooms.has(r.id));
      },
    );

    app.post(
      '/api/spaces/:id/rooms',
      route({
        access: 'admin',
        scope: 'space',
        summary: 'Add a room',
        tags,
        schema: { params: idParams, body: roomBody, response: { 201: roomView } },
        errors: [404, 409],
      }),
      async (req, reply) =>
        reply.code(201).send(await spaces.createRoom(actorOf(req), req.params.id, req.body.name)),
    );

    app.patch(
      '/api/rooms/:id',
      route({
        access: 'admin',
        scope: 'room',
        summary: 'Rename a room',
        tags,
        schema: { params: idParams, body: roomBody, response: { 200: roomView } },
        errors: [404, 409],
      }),
      async (req) => spaces.renameRoom(actorOf(req), req.params.id, req.body.name),
    );

    app.delete(
      '/api/rooms/:id',
      route({
        access: 'admin',
        scope: 'room',
        summary: 'Delete a room (not the default one)',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await deps.plans.roomDeletable(req.params.id);
        await spaces.deleteRoom(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/spaces/:id/settings',
      route({
        access: 'viewer',
        scope: 'space',
        summary:
          "A space's settings for its nodes' life: when ephemeral and stale nodes are removed, announcements",
        tags,
        schema: { params: idParams, response: { 200: spaceSettings } },
        errors: [404],
      }),
      async (req) => deps.fleetLife.settingsOf(req.params.id),
    );

    app.patch(
      '/api/spaces/:id/settings',
      route({
        access: 'admin',
        scope: 'space',
        summary: "Change a space's settings (the fields given)",
        tags,
        schema: {
          params: idParams,
          body: spaceSettings.partial().strict(),
          response: { 200: spaceSettings },
        },
        errors: [404],
      }),
      async (req) => deps.fleetLife.setSettings(actorOf(req), req.params.id, req.body),
    );

    app.put(
      '/api/rooms/:id/rules',
      route({
        access: 'admin',
        scope: 'room',
        summary:
          "Set a room's rules: nodes of the space matching any of them join it (now, and whenever they link with new facts); those a rule put there leave when none matches. Needs admin on the space: rules can take in any of its nodes",
        tags,
        schema: {
          params: idParams,
          body: z.object({ rules: roomRules }).strict(),
          response: { 200: z.object({ room: roomView, moved: z.number() }) },
        },
        errors: [404, 409],
      }),
      async (req) => {
        const room = await spaces.getRoom(req.params.id);
        if (roleInSpace(req.principal!.grants, room.space_id) !== 'admin')
          throw new AppError(
            'FORBIDDEN',
            "a room's rules can take in any node of its space: they need admin on the space",
          );
        const { moved } = await deps.fleetLife.setRoomRules(actorOf(req), req.params.id, req.body.rules);
        // (with its node count as the room list shows it, the nodes the rules placed included)
        const after = (await spaces.roomViews(room.space_id)).find((r) => r.id === room.id)!;
        return { room: after, moved };
      },
    );

    app.put(
      '/api/rooms/:id/nodes/:nodeId',
      route({
        access: 'admin',
        scope: 'room',
        summary: 'Put a node in a room',
        tags,
        schema: { params: roomNodeParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await deps.guard.requireOnNode(req, req.params.nodeId, 'admin');
        await spaces.addNode(actorOf(req), req.params.id, req.params.nodeId);
        await deps.plans.membershipChanged(actorOf(req), req.params.nodeId);
        return sendNoContent(reply);
      },
    );

    app.delete(
      '/api/rooms/:id/nodes/:nodeId',
      route({
        access: 'admin',
        scope: 'room',
        summary: 'Take a node out of a room',
        tags,
        schema: { params: roomNodeParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await deps.guard.requireOnNode(req, req.params.nodeId, 'viewer');
        await spaces.removeNode(actorOf(req), req.params.id, req.params.nodeId);
        await deps.plans.membershipChanged(actorOf(req), req.params.nodeId);
        return sendNoContent(reply);
      },
    );
  };
}
