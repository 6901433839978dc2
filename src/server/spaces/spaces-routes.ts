import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditService } from '../audit/audit-service.ts';
import { principalOf, type AuthGuard } from '../auth/auth-guard.ts';
import type { RoomsTable } from '../db/schema.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import type { TokensService } from '../tokens/tokens-service.ts';
import type { SpacesService } from './spaces-service.ts';

const idParams = z.object({ id: pathId });
const roomNodeParams = z.object({ id: pathId, nodeId: pathId });
const roomBody = z.object({ name: z.string().trim().min(1).max(100) });
const tokenLimits = z
  .object({
    expires_at: z.number().int().positive().nullable().optional(),
    max_uses: z.number().int().positive().nullable().optional(),
  })
  .strict();

function presentRoom(r: RoomsTable & { node_count?: number | string }) {
  return {
    id: r.id,
    space_id: r.space_id,
    name: r.name,
    slug: r.slug,
    is_default: r.is_default === 1,
    created_at: r.created_at,
    node_count: Number(r.node_count ?? 0),
  };
}

/** Spaces, rooms and the space claim token. */
export function spacesRoutes(deps: {
  spaces: SpacesService;
  tokens: TokensService;
  guard: AuthGuard;
  audit: AuditService;
}) {
  const { spaces, tokens, guard, audit } = deps;
  return async (app: FastifyInstance) => {
    app.get('/api/spaces', { preHandler: guard.require('viewer') }, async (req) => {
      const role = principalOf(req).role;
      return (await spaces.listSpaces()).map((s) => ({ id: s.id, name: s.name, slug: s.slug, role }));
    });

    app.get('/api/spaces/:id/claim-token', { preHandler: guard.require('admin') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      await spaces.getSpace(id);
      return tokens.getSpaceToken(id);
    });

    app.post('/api/spaces/:id/claim-token/rotate', { preHandler: guard.require('admin') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const limits = parseOr400(tokenLimits, req.body ?? {});
      await spaces.getSpace(id);
      const t = await tokens.rotateSpaceToken(id, principalOf(req).userId, {
        expires_at: limits.expires_at ?? null,
        max_uses: limits.max_uses ?? null,
      });
      await audit.record({
        actorType: 'user',
        actorId: principalOf(req).userId,
        action: 'token.rotated',
        targetType: 'space',
        targetId: id,
        sourceIp: req.ip,
      });
      return t;
    });

    app.patch('/api/spaces/:id/claim-token', { preHandler: guard.require('admin') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const limits = parseOr400(tokenLimits, req.body);
      await spaces.getSpace(id);
      const t = await tokens.setSpaceTokenLimits(id, {
        expires_at: limits.expires_at ?? null,
        max_uses: limits.max_uses ?? null,
      });
      await audit.record({
        actorType: 'user',
        actorId: principalOf(req).userId,
        action: 'token.limits_changed',
        targetType: 'space',
        targetId: id,
        sourceIp: req.ip,
        detail: limits,
      });
      return t;
    });

    app.get('/api/spaces/:id/rooms', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      await spaces.getSpace(id);
      return (await spaces.listRooms(id)).map(presentRoom);
    });

    app.post('/api/spaces/:id/rooms', { preHandler: guard.require('admin') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const { name } = parseOr400(roomBody, req.body);
      await spaces.getSpace(id);
      const room = await spaces.createRoom(id, name);
      await audit.record({
        actorType: 'user',
        actorId: principalOf(req).userId,
        action: 'room.created',
        targetType: 'room',
        targetId: room.id,
        sourceIp: req.ip,
        detail: { name },
      });
      return reply.code(201).send(presentRoom(room));
    });

    app.patch('/api/rooms/:id', { preHandler: guard.require('admin') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const { name } = parseOr400(roomBody, req.body);
      return presentRoom(await spaces.renameRoom(id, name));
    });

    app.delete('/api/rooms/:id', { preHandler: guard.require('admin') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const room = await spaces.deleteRoom(id);
      await audit.record({
        actorType: 'user',
        actorId: principalOf(req).userId,
        action: 'room.deleted',
        targetType: 'room',
        targetId: id,
        sourceIp: req.ip,
        detail: { name: room.name },
      });
      return reply.code(204).send();
    });

    app.put('/api/rooms/:id/nodes/:nodeId', { preHandler: guard.require('admin') }, async (req, reply) => {
      const { id, nodeId } = parseOr400(roomNodeParams, req.params, 'path');
      await spaces.addNode(id, nodeId);
      return reply.code(204).send();
    });

    app.delete('/api/rooms/:id/nodes/:nodeId', { preHandler: guard.require('admin') }, async (req, reply) => {
      const { id, nodeId } = parseOr400(roomNodeParams, req.params, 'path');
      await spaces.removeNode(id, nodeId);
      return reply.code(204).send();
    });
  };
}
