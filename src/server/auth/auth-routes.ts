import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../audit/audit-service.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import { AppError } from '../errors.ts';
import { z } from 'zod';

const userParams = z.object({ id: pathId });
import { perMinute } from '../rate-limits.ts';
import type { AuthGuard } from './auth-guard.ts';
import { principalOf } from './auth-guard.ts';
import type { AuthService } from './auth-service.ts';
import type { ApiKeyService } from './api-keys.ts';
import {
  createApiKeyBody,
  createUserBody,
  loginBody,
  updateUserBody,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from './auth-types.ts';

/** Login, logout, the signed-in user, and user management for admins. */
/** A failed login answers only after this delay, so password guessing is slow even below the rate limit. */
export const FAILED_LOGIN_DELAY_MS = 1000;

export function authRoutes(deps: {
  auth: AuthService;
  apiKeys: ApiKeyService;
  guard: AuthGuard;
  audit: AuditService;
  secureCookies: boolean;
  loginPerMinute: number;
}) {
  const { auth, apiKeys, guard, audit } = deps;
  return async (app: FastifyInstance) => {
    app.post('/api/auth/login', { config: perMinute(deps.loginPerMinute) }, async (req, reply) => {
      const body = parseOr400(loginBody, req.body);
      try {
        const { token, user } = await auth.login(body.username, body.password, req.ip);
        await audit.record({
          actorType: 'user',
          actorId: user.id,
          action: 'auth.login',
          sourceIp: req.ip,
          detail: { username: user.username },
        });
        void reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: deps.secureCookies,
          path: '/',
          maxAge: SESSION_TTL_MS / 1000,
        });
        return { user_id: user.id, username: user.username, role: user.role };
      } catch (err) {
        await audit.record({
          actorType: 'anonymous',
          action: 'auth.login_failed',
          sourceIp: req.ip,
          detail: { username: body.username.slice(0, 200) },
        });
        await new Promise((r) => setTimeout(r, FAILED_LOGIN_DELAY_MS));
        throw err;
      }
    });

    app.post('/api/auth/logout', async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await auth.logout(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    });

    app.get('/api/me', { preHandler: guard.require('viewer') }, async (req) => {
      const p = principalOf(req);
      return { user_id: p.userId, username: p.username, role: p.role };
    });

    app.get('/api/users', { preHandler: guard.require('admin') }, async () => auth.listUsers());

    app.post('/api/users', { preHandler: guard.require('admin') }, async (req, reply) => {
      const body = parseOr400(createUserBody, req.body);
      const user = await auth.createUser(body);
      await audit.record({
        actorType: 'user',
        actorId: principalOf(req).userId,
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        sourceIp: req.ip,
        detail: { username: user.username, role: user.role },
      });
      return reply.code(201).send(user);
    });

    app.patch('/api/users/:id', { preHandler: guard.require('admin') }, async (req) => {
      const { id } = parseOr400(userParams, req.params, 'path');
      const body = parseOr400(updateUserBody, req.body);
      const p = principalOf(req);
      if (id === p.userId && (body.role !== undefined || body.disabled === true))
        throw new AppError('CONFLICT', 'admins cannot demote or disable themselves; ask another admin');
      const { before, after } = await auth.updateUser(id, body);
      if (body.role !== undefined && body.role !== before.role)
        await audit.record({
          actorType: 'user',
          actorId: p.userId,
          action: 'user.role_changed',
          targetType: 'user',
          targetId: id,
          sourceIp: req.ip,
          detail: { from: before.role, to: body.role },
        });
      if (body.disabled !== undefined && body.disabled !== (before.disabled === 1))
        await audit.record({
          actorType: 'user',
          actorId: p.userId,
          action: body.disabled ? 'user.disabled' : 'user.enabled',
          targetType: 'user',
          targetId: id,
          sourceIp: req.ip,
        });
      return after;
    });

    app.post('/api/api-keys', { preHandler: guard.require('viewer') }, async (req, reply) => {
      const body = parseOr400(createApiKeyBody, req.body);
      const p = principalOf(req);
      const key = await apiKeys.create(p, body.name, body.role);
      await audit.record({
        actorType: 'user',
        actorId: p.userId,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: key.id,
        sourceIp: req.ip,
        detail: { name: body.name, role: key.role },
      });
      return reply.code(201).send(key);
    });

    app.get('/api/api-keys', { preHandler: guard.require('viewer') }, async (req) =>
      apiKeys.list(principalOf(req)),
    );

    app.delete('/api/api-keys/:id', { preHandler: guard.require('viewer') }, async (req, reply) => {
      const { id } = parseOr400(userParams, req.params, 'path');
      const p = principalOf(req);
      await apiKeys.revoke(p, id);
      await audit.record({
        actorType: 'user',
        actorId: p.userId,
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: id,
        sourceIp: req.ip,
      });
      return reply.code(204).send();
    });
  };
}
