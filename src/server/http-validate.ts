import { z } from 'zod';
import { canonicalId } from '../protocol/ids.ts';
import { AppError } from './errors.ts';

/** Parse a request part with a zod schema, turning failures into one readable 400. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what = 'request body'): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  throw new AppError('VALIDATION_FAILED', `invalid ${what}: ${issues}`);
}

/** An id in a path: at most 100 characters; a UUID in any letter case becomes its canonical lower-case form. */
export const pathId = z
  .string()
  .min(1)
  .max(100)
  .transform((v) => canonicalId(v) ?? v);
