import type { Role } from '../../protocol/api/roles.ts';

export { ROLES, role, roleAtLeast, type Role } from '../../protocol/api/roles.ts';

/** Who is making a request. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  via: 'session' | 'api_key';
}

/** Lifetime of a login session. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'muster_session';
