import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../audit/audit-service.ts';
import { parseOr400 } from '../http-validate.ts';
import { perMinute } from '../rate-limits.ts';
import type { AuthGuard } from './auth-guard.ts';
import { principalOf } from './auth-guard.ts';
import type { AuthService } from './auth-service.ts';
import { createUserBody, loginBody, SESSION_COOKIE, SESSION_TTL_MS } from './auth-types.ts';

/** Login, logout, the signed-in user, and user management for admins. */
/** A failed login answers only after this delay, so password guessing is slow even below the rate limit. */
export const FAILED_LOGIN_DELAY_MS = 1000;

export function authRoutes(deps: {
  auth: AuthService;
  guard: AuthGuard;
  audit: AuditService;
  secureCookies: boolean;
  loginPerMinute: number;
}) {
  const { auth, guard, audit } = deps;
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
  };
}
