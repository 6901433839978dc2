import type { Role } from '../../protocol/api/roles.ts';
import type { Grants } from './grants.ts';

export { ROLES, role, roleAtLeast, type Role } from '../../protocol/api/roles.ts';

/** Who is making a request. */
export interface Principal {
  userId: string;
  username: string;
  /** The highest role held anywhere (null: none at all); a route's role gate compares with it. */
  role: Role | null;
  /** Where each role is held; a route checks the role on what it acts on. */
  grants: Grants;
  via: 'session' | 'api_key';
  /** The session (for a session principal), and how it was opened. */
  sessionId?: string;
  method?: string;
  /** The session may only enrol a second factor (the server requires one and the user has none). */
  restricted?: boolean;
  /** The user signs in with a password they did not choose (the first admin's generated one). */
  passwordChangeRequired?: boolean;
}

/** Lifetime of a login session unless the sign-in policy says otherwise. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'muster_session';
