/**
 * Whether version `a` is older than `b`, comparing dotted numbers (1.10.0 is newer than 1.9.2); anything after a
 * "-" or "+" is ignored, and a version that is not dotted numbers is never called older.
 */
export function isOlderVersion(a: string, b: string): boolean {
  const parts = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.');
  const pa = parts(a);
  const pb = parts(b);
  if (![...pa, ...pb].every((p) => /^\d+$/.test(p))) return false;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}
