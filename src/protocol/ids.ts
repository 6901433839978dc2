const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `v` is a UUID in any letter case. */
function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}

/**
 * The one form a node (or any UUID) id is stored and compared in: lower case. Null when `v` is not a UUID.
 * `canonicalId('0E1D…')` and `canonicalId('0e1d…')` name the same node.
 */
export function canonicalId(v: unknown): string | null {
  return isUuid(v) ? v.toLowerCase() : null;
}
