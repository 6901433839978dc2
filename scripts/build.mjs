// Builds everything the server runs and serves, into dist/:
//   dist/server/muster.mjs  the server and its admin commands, compiled (no TypeScript loader at run time)
//   dist/muster-agent.mjs   the agent: one ESM file with no native dependencies, for hosts with their own Node.js
//   dist/agent/             the agent as self-contained executables per platform (and zstd-compressed), SHA256SUMS,
//                           manifest.json
//   dist/web/               the web UI (Vite)
// and dist/.build-stamp, which `npm start` compares with the sources to build again only when they changed.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { build as viteBuild } from 'vite';
import { buildAgentExecutables, ZSTD_LEVEL } from './agent-executables.mjs';

// `--agent-version V` stamps the agent with another version (tests build an "older" agent this way).
const versionArg = process.argv.indexOf('--agent-version');
const agentVersion = versionArg > 0 ? process.argv[versionArg + 1] : null;
const agentDefine = agentVersion ? { MUSTER_BUILD_VERSION: JSON.stringify(agentVersion) } : {};
// `--agent-only DIR` builds only the agent (bundle and executables) into DIR; `--platform P` only for platform P.
const onlyArg = process.argv.indexOf('--agent-only');
const agentOut = onlyArg > 0 ? process.argv[onlyArg + 1] : 'dist';
const platformArg = process.argv.indexOf('--platform');
const platforms = platformArg > 0 ? [process.argv[platformArg + 1]] : undefined;
// `--zstd-level N` compresses the downloads at level N (the test run's build uses a fast level), `--zstd-level off`
// not at all; an --agent-only build compresses only when asked.
const zstdArg = process.argv.indexOf('--zstd-level');
const zstdValue = zstdArg > 0 ? process.argv[zstdArg + 1] : onlyArg > 0 ? 'off' : String(ZSTD_LEVEL);
const zstdLevel = zstdValue === 'off' ? null : Number(zstdValue);

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
};

/**
 * Node.js's network modules, imported by modules the agent loads only when it needs them (a proxy, the local API,
 * the Node.js transport): the bundle hoists every import of a built-in module to its top, so these become require
 * calls run when the module that wants them is first loaded. The Bun executable, which carries its links on Bun's
 * own client, then never loads them unless needed (they cost it several megabytes).
 */
const lazyNetworkModules = {
  name: 'lazy-network-modules',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(net|http|https|tls|dns)$/ }, (args) =>
      args.namespace === 'lazy-builtin'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

async function agent() {
  const outfile = `${agentOut}/muster-agent.mjs`;
  await build({
    ...common,
    entryPoints: ['src/cli/muster-agent.ts'],
    outfile,
    define: agentDefine,
    // ws loads these optional native helpers when present; the agent runs without them.
    external: ['bufferutil', 'utf-8-validate'],
    plugins: [lazyNetworkModules],
    banner: {
      js: "import { createRequire as __muster_createRequire } from 'node:module';\nconst require = __muster_createRequire(import.meta.url);",
    },
  });
  chmodSync(outfile, 0o755);
  // The executables: that same bundle compiled into each platform's Bun runtime, and compressed for download.
  const release = /RELEASE = '([^']+)'/.exec(readFileSync('src/version.ts', 'utf8'))[1];
  await buildAgentExecutables({
    main: outfile,
    outDir: `${agentOut}/agent`,
    version: agentVersion ?? release,
    platforms,
    compress: zstdLevel,
    log: process.argv.includes('--quiet') ? undefined : (m) => process.stdout.write(m),
  });
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
if (onlyArg > 0) await agent();
else {
  await Promise.all([agent(), server(), web()]);
  writeFileSync('dist/.build-stamp', `${new Date().toISOString()}\n`);
}
if (!process.argv.includes('--quiet'))
  process.stdout.write(
    `built dist/ (server, agent, web UI) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
