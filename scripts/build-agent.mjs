// Bundles the agent into one ESM file with no native dependencies: dist/muster-agent.mjs
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const outfile = 'dist/muster-agent.mjs';
await build({
  entryPoints: ['src/cli/muster-agent.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  sourcemap: false,
  legalComments: 'inline',
  // ws loads these optional native helpers when present; the agent runs without them.
  external: ['bufferutil', 'utf-8-validate'],
  banner: {
    js: "import { createRequire as __muster_createRequire } from 'node:module';\nconst require = __muster_createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
