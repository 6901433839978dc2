import { z } from 'zod';

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** A host name as Muster accepts it everywhere: 1-253 characters of dot-separated DNS labels. */
export function isValidHostname(h: unknown): h is string {
  return (
    typeof h === 'string' && h.length >= 1 && h.length <= 253 && h.split('.').every((l) => LABEL.test(l))
  );
}

/** The same rule as a schema field. */
export const hostname = z.string().min(1).max(253).refine(isValidHostname, 'must be a host name');
