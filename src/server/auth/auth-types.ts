import { z } from 'zod';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

/** Who is making a request. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  via: 'session' | 'api_key';
}

/** True when `have` is at least `need` in viewer < operator < admin. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
});
export const createUserBody = z.object({
  username: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  password: z.string().min(12, 'at least 12 characters').max(1000),
  role,
});
export type CreateUserBody = z.infer<typeof createUserBody>;

export const updateUserBody = z.object({ role: role.optional(), disabled: z.boolean().optional() }).strict();
export type UpdateUserBody = z.infer<typeof updateUserBody>;
export const createApiKeyBody = z.object({ name: z.string().trim().min(1).max(100), role: role.optional() });

/** Lifetime of a login session. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'muster_session';
