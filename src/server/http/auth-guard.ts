import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, UserActor } from '../actor.ts';
import { API_KEY_PREFIX, type ApiKeyService } from '../auth/api-keys.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { roleAtLeast, SESSION_COOKIE, type Principal, type Role } from '../auth/auth-types.ts';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Resolves the session cookie to a principal on every request; routes then ask for a role. */
export function createAuthGuard(auth: AuthService, apiKeys: ApiKeyService) {
  return {
    /** Session cookie, or `Authorization: Bearer mak_...` (agent bearers on the link are not API keys). */
    async resolve(req: FastifyRequest): Promise<void> {
      const header = req.headers.authorization ?? '';
      if (header.startsWith(`Bearer ${API_KEY_PREFIX}`)) {
        req.principal = await apiKeys.authenticate(header.slice(7).trim());
        return;
      }
      const token = req.cookies[SESSION_COOKIE];
      req.principal = token ? await auth.authenticateSession(token) : null;
    },
    /** preHandler: 401 without a principal, 403 below the role. */
    require(role: Role) {
      return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
        if (!req.principal)
          throw new AppError('UNAUTHENTICATED', 'sign in first (session missing or expired)');
        if (!roleAtLeast(req.principal.role, role))
          throw new AppError('FORBIDDEN', `this needs the ${role} role; you are ${req.principal.role}`);
      };
    },
  };
}
export type AuthGuard = ReturnType<typeof createAuthGuard>;

/** The signed-in user (or their API key) behind a request that passed `require`, for authorization and audit. */
export function actorOf(req: FastifyRequest): UserActor {
  const p = req.principal;
  if (!p) throw new AppError('UNAUTHENTICATED', 'sign in first (session missing or expired)');
  return {
    kind: p.via === 'api_key' ? 'api_key' : 'user',
    userId: p.userId,
    username: p.username,
    role: p.role,
    ip: req.ip,
  };
}

/** An agent's request (it proved its node's credentials), for the audit log. */
export const agentActor = (req: FastifyRequest, nodeId: string): Actor => ({
  kind: 'agent',
  nodeId,
  ip: req.ip,
});
