#!/usr/bin/env node
// The server runs from its build (`npm run build` makes it; `npm start` builds when the sources changed).
import { existsSync } from 'node:fs';

const built = new URL('../dist/server/muster.mjs', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('muster: the server is not built: run `npm run build` in the Muster directory\n');
  process.exit(1);
}
await import(built.href);
