// Builds everything the server runs and serves, into dist/:
//   dist/server/muster.mjs  the server and its admin commands, compiled (no TypeScript loader at run time)
//   dist/muster-agent.mjs   the agent: one ESM file with no native dependencies
//   dist/web/               the web UI (Vite)
// and dist/.build-stamp, which `npm start` compares with the sources to build again only when they changed.
import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';
import { build as viteBuild } from 'vite';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
};

async function agent() {
  const outfile = 'dist/muster-agent.mjs';
  await build({
    ...common,
    entryPoints: ['src/cli/muster-agent.ts'],
    outfile,
    // ws loads these optional native helpers when present; the agent runs without them.
    external: ['bufferutil', 'utf-8-validate'],
    banner: {
      js: "import { createRequire as __muster_createRequire } from 'node:module';\nconst require = __muster_createRequire(import.meta.url);",
    },
  });
  chmodSync(outfile, 0o755);
}

async function server() {
  // Our code in one file; the packages stay in node_modules (native ones like better-sqlite3 and argon2 cannot be
  // bundled), so a production install is `npm ci --omit=dev` beside dist/.
  await build({
    ...common,
    entryPoints: ['src/cli/muster.ts'],
    outfile: 'dist/server/muster.mjs',
    packages: 'external',
    sourcemap: 'linked',
  });
}

async function web() {
  await viteBuild({ configFile: 'web/vite.config.ts' });
}

const started = Date.now();
await Promise.all([agent(), server(), web()]);
writeFileSync('dist/.build-stamp', `${new Date().toISOString()}\n`);
if (!process.argv.includes('--quiet'))
  process.stdout.write(
    `built dist/ (server, agent, web UI) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
