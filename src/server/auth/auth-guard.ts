import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AuthService } from './auth-service.ts';
import { API_KEY_PREFIX, type ApiKeyService } from './api-keys.ts';
import { roleAtLeast, SESSION_COOKIE, type Principal, type Role } from './auth-types.ts';

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

/** The principal of a request that passed `require`. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'sign in first (session missing or expired)');
  return req.principal;
}
