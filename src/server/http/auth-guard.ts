import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, UserActor } from '../actor.ts';
import type { AccessService, Scope } from '../auth/access-service.ts';
import { API_KEY_PREFIX, type ApiKeyService } from '../auth/api-keys.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { roleAtLeast, SESSION_COOKIE, type Principal, type Role } from '../auth/auth-types.ts';
import { AppError } from '../errors.ts';
import { canonicalId } from '../../protocol/ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The caller's role on what the route acts on, once its scope was checked. */
    scopedRole?: Role | null;
  }
}

/** What a signed-in route needs: a role, or only a signed-in user (their own account, whatever their roles). */
export type Need = Role | 'signed_in';

const SCOPE_NAMES: Record<Scope, string> = {
  global: 'server',
  any: 'server',
  node: 'node',
  room: 'room',
  space: 'space',
  job: 'job',
  alert: 'alert',
  plan: 'backup plan',
};

/**
 * Resolves the session cookie or API key to a principal on every request; routes then ask for a role (anywhere, as
 * the request arrives) and for a role on what they act on (once the path is parsed). What the caller holds no role on
 * is answered as absent.
 */
export function createAuthGuard(auth: AuthService, apiKeys: ApiKeyService, access: AccessService) {
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
    /** onRequest: 401 without a principal, 403 below the role wherever it is held (or before a needed enrolment). */
    require(need: Need) {
      return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
        const p = req.principal;
        if (!p) throw new AppError('UNAUTHENTICATED', 'sign in first (session missing or expired)');
        if (need === 'signed_in') return;
        if (p.restricted)
          throw new AppError(
            'SECOND_FACTOR_ENROLMENT',
            'this server requires a second factor: enrol one on your account page (TOTP or a passkey) first',
          );
        if (!p.role || !roleAtLeast(p.role, need))
          throw new AppError(
            'FORBIDDEN',
            `this needs the ${need} role; you are ${p.role ?? 'without a role'}`,
          );
      };
    },
    /** preHandler: the role on what the route's `:id` names, or over the whole server for a global route. */
    scoped(need: Role, scope: Scope) {
      return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
        const p = req.principal!;
        if (scope === 'any') {
          req.scopedRole = p.role;
          return;
        }
        const raw = (req.params as { id?: string } | undefined)?.id;
        // Not validated yet: a UUID in any letter case is the same thing.
        const id = raw === undefined ? undefined : (canonicalId(raw) ?? raw);
        const held = await access.roleOn(p.grants, scope, id);
        if (scope === 'global') {
          if (!held || !roleAtLeast(held, need))
            throw new AppError(
              'FORBIDDEN',
              `this needs the ${need} role over the whole server; ${held ? `you are ${held}` : 'your roles are in spaces or rooms'}`,
            );
        } else if (!held) {
          throw new AppError('NOT_FOUND', `${SCOPE_NAMES[scope]} ${id} does not exist`);
        } else if (!roleAtLeast(held, need)) {
          throw new AppError(
            'FORBIDDEN',
            `this needs the ${need} role on this ${SCOPE_NAMES[scope]}; you are ${held}`,
          );
        }
        req.scopedRole = held;
      };
    },
    /**
     * Inside a route: the caller must hold `need` on another node the request names (a node put in a room must be
     * one the caller administers, or a room admin could take over any node by moving it into their room).
     */
    async requireOnNode(req: FastifyRequest, nodeId: string, need: Role): Promise<void> {
      const p = req.principal!;
      const held = await access.roleOn(p.grants, 'node', nodeId);
      if (!held) throw new AppError('NOT_FOUND', `node ${nodeId} does not exist`);
      if (!roleAtLeast(held, need))
        throw new AppError('FORBIDDEN', `this needs the ${need} role on node ${nodeId}; you are ${held}`);
    },
    access,
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
    role: req.scopedRole !== undefined ? req.scopedRole : p.role,
    ip: req.ip,
  };
}

/** Where the caller's roles are, for a list to show only what they may see; undefined: everything. */
export function visibleTo(req: FastifyRequest): { spaceIds: string[]; roomIds: string[] } | undefined {
  const g = req.principal?.grants;
  if (!g || g.global) return undefined;
  return { spaceIds: [...g.spaces.keys()], roomIds: [...g.rooms.keys()] };
}

/** Whether the caller holds the admin role over the whole server. */
export const isGlobalAdmin = (req: FastifyRequest) => req.principal?.grants.global === 'admin';

/** An agent's request (it proved its node's credentials), for the audit log. */
export const agentActor = (req: FastifyRequest, nodeId: string): Actor => ({
  kind: 'agent',
  nodeId,
  ip: req.ip,
});
