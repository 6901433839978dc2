import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The directory holding Muster's package.json. The server runs from its sources (tests, `npm run agent`) or from
 * its build in dist/server, so files it ships (the agent bundle, the web UI, the install scripts) are found from
 * the package root rather than from this module's own place.
 */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'muster'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no Muster package.json above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(import.meta.dirname);

/** A file shipped with Muster, by its path from the package root. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
