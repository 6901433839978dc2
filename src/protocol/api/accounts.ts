import { z } from 'zod';
import { ROLES } from './roles.ts';

/** A user's role over the whole server; `none` for a user given roles only in spaces or rooms. */
export const userRole = z.enum([...ROLES, 'none']);

/** Every password a user is given: by the API, the UI or `muster user add|passwd`. */
export const password = z.string().min(12, 'at least 12 characters').max(1000);
/** A new user, from the API or `muster user add`. */
export const createUserBody = z.object({
  username: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  password,
  role: userRole,
});
