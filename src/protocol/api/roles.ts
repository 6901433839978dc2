import { z } from 'zod';

/** Roles of users and API keys, lowest first. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

/** True when `have` is at least `need` in viewer < operator < admin. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
