// The agent as self-contained executables: the agent's bundle compiled with Bun (`bun build --compile`) into the Bun
// runtime of each platform. Bun was chosen by measurement (bench/agent-footprint.ts, bench/README.md): the same agent
// code idles in about 25 MB less memory than in a Node.js single executable, and Bun cross-compiles for every
// platform from one machine. The runtimes are the registry's @oven/bun-* packages at the version and integrity pinned
// here, fetched with `npm pack` (so through the npm registry and its settings, never from anywhere else) and cached
// under node_modules/.cache. Each executable is also written zstd-compressed (the download the server offers); the
// checksums are those of the executables themselves. The same inputs give byte-identical files.
import { spawn, spawnSync } from 'node:child_process';
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
import * as tar from 'tar';

/** Raise the version and every integrity together (`npm view @oven/bun-<target>@V dist.integrity`). */
export const RUNTIME_VERSION = '1.4.5';
/**
 * x86-64 runtimes are Bun's "baseline" builds: they run on every x86-64 CPU, where the default builds need AVX2 (a
 * fleet has old machines). Linux executables link against glibc (Debian, Ubuntu, RHEL and the like; not Alpine).
 */
export const PLATFORMS = {
  'linux-amd64': {
    os: 'linux',
    arch: 'amd64',
    package: '@oven/bun-linux-x64-baseline',
    bin: 'bun',
    target: 'bun-linux-x64-baseline',
    integrity:
      'sha512-s8yMwYcFnnrA178gji0gZbkE2WVDej/Ti1x770oPfihxyRxSMNhGhiAQNXV53aDeraZxksdvKV/RAdQBCd0qPA==',
  },
  'linux-arm64': {
    os: 'linux',
    arch: 'arm64',
    package: '@oven/bun-linux-aarch64',
    bin: 'bun',
    target: 'bun-linux-arm64',
    integrity:
      'sha512-4BXmsSKnjOrlGWqZV4x/oWa7AVoR+B6lCXddMzOAXBIm3t50eslg9wb66gmtW1AamEQ1l1CDvmmruysEhqOWMg==',
  },
  'darwin-arm64': {
    os: 'darwin',
    arch: 'arm64',
    package: '@oven/bun-darwin-aarch64',
    bin: 'bun',
    target: 'bun-darwin-arm64',
    integrity:
      'sha512-4MIFXHmctH2EhAxLXm2/qxNtv17dFtLJylvaOCsrgq6KSqHTs6eW5YSrJjRbJxYUJaR901fsN8JfZOa+CsWpWQ==',
  },
  'darwin-amd64': {
    os: 'darwin',
    arch: 'amd64',
    package: '@oven/bun-darwin-x64-baseline',
    bin: 'bun',
    target: 'bun-darwin-x64-baseline',
    integrity:
      'sha512-zqfLA5A4B+hYMh5WYzYSot3uZ06FzhdP0OEwQisEzdirYtXGj5cQFlfy31BGfNsAsk1Gd/w/OxJ/jqqJ3cMclw==',
  },
  'windows-amd64': {
    os: 'windows',
    arch: 'amd64',
    package: '@oven/bun-windows-x64-baseline',
    bin: 'bun.exe',
    target: 'bun-windows-x64-baseline',
    integrity:
      'sha512-/U3Dc74uGqE6EUqef7mPtg9KwJs7iJH4JHRMfIZIn18MrJh6Xz4gVvWDXRvzCL2j8wPlTnJVyrO4n7Qq4uM7TQ==',
  },
};

/** zstd level of the compressed downloads: 19 keeps every platform's download at or under 45 MB. */
export const ZSTD_LEVEL = 19;
/** The JIT tier-up threshold scale compiled into the executables (`--compile-jit-policy`; Bun's default is 1). */
export const JIT_POLICY = 100;

/** Fetched runtimes and compressed files are kept here (MUSTER_AGENT_CACHE: another directory, an image build's). */
const CACHE_ROOT = resolve(process.env.MUSTER_AGENT_CACHE || 'node_modules/.cache');
const CACHE = join(CACHE_ROOT, 'muster-agent-runtimes');
const ZSTD_CACHE = join(CACHE_ROOT, 'muster-agent-zstd');

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** The Bun executable of a platform's runtime package, fetched and checked once, then taken from the cache. */
export async function runtimeFor(platform) {
  const p = PLATFORMS[platform];
  const dir = join(CACHE, `${p.package.replace('/', '+')}-${RUNTIME_VERSION}`);
  const bin = join(dir, p.bin);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    'npm',
    ['pack', `${p.package}@${RUNTIME_VERSION}`, '--pack-destination', dir, '--silent'],
    { encoding: 'utf8' },
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
  await tar.x({ file: tgz, cwd: dir, strict: true, strip: 2 }, [`package/bin/${p.bin}`]);
  rmSync(tgz);
  await chmod(bin, 0o755);
  return bin;
}

/** The platform whose runtime runs here: it compiles for all of them. */
export function hostPlatform() {
  const key = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  if (!(key in PLATFORMS) || !key.startsWith('linux-'))
    throw new Error(`the agent executables are built on Linux amd64 or arm64, not on ${key}`);
  return key;
}

/**
 * zstd-compresses `file` into `file.zst` with the host's Bun (no zstd tool needed), or takes it from the cache when
 * the same executable was compressed at the same level before (level 19 takes about a minute per platform).
 */
async function compress(bun, file, sum, level) {
  const cached = join(ZSTD_CACHE, `${sum}-${level}.zst`);
  if (!existsSync(cached)) {
    mkdirSync(ZSTD_CACHE, { recursive: true });
    await new Promise((ok, fail) => {
      const script =
        'const [f, o, l] = process.argv.slice(-3); await Bun.write(o, Bun.zstdCompressSync(await Bun.file(f).bytes(), { level: Number(l) }))';
      const c = spawn(bun, ['-e', script, file, `${cached}.tmp`, String(level)], { stdio: 'inherit' });
      c.on('error', fail);
      c.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`cannot compress ${file}: exit ${code}`))));
    });
    renameSync(`${cached}.tmp`, cached);
  }
  copyFileSync(cached, `${file}.zst`);
  return readFileSync(`${file}.zst`);
}

/**
 * Builds `muster-agent-<os>-<arch>` (`.exe` on Windows) for every platform from the ESM bundle `main`, into `outDir`,
 * with SHA256SUMS and manifest.json ({version, runtime, files}) beside them. With `compress` (a zstd level), each
 * also as `<file>.zst`, listed under the file's `zstd`. Returns the manifest.
 */
export async function buildAgentExecutables({
  main,
  outDir,
  version,
  platforms = Object.keys(PLATFORMS),
  compress: level = null,
  log = () => {},
}) {
  const unknown = platforms.filter((p) => !(p in PLATFORMS));
  if (unknown.length)
    throw new Error(
      `no runtime for ${unknown.join(', ')}; the platforms are ${Object.keys(PLATFORMS).join(', ')}`,
    );
  mkdirSync(outDir, { recursive: true });
  // What earlier builds left: the Node.js single executables' entry.
  rmSync(join(outDir, 'muster-agent.cjs'), { force: true });
  const host = await runtimeFor(hostPlatform());
  const files = [];
  for (const platform of platforms) {
    const { os, arch, target } = PLATFORMS[platform];
    const file = `muster-agent-${os}-${arch}${os === 'windows' ? '.exe' : ''}`;
    const tmp = join(outDir, `.${file}.tmp`);
    const r = spawnSync(
      host,
      [
        'build',
        '--compile',
        '--minify',
        `--target=${target}`,
        `--compile-executable-path=${await runtimeFor(platform)}`,
        // Neither .env files nor bunfig.toml of the directory the agent is started in change what it does.
        '--no-compile-autoload-dotenv',
        '--no-compile-autoload-bunfig',
        // JavaScriptCore compiles a function with its optimizing tiers 100 times later than by default: an idle
        // agent's code then stays in the lower tiers, and its resident memory 1.8 MiB lower at the same CPU over
        // 10 minutes (bench/README.md, "Agent footprint"; higher and lower scales measured no better).
        `--compile-jit-policy=${JIT_POLICY}`,
        '--outfile',
        tmp,
        resolve(main),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`cannot compile ${file}: ${r.stderr || r.stdout}`);
    // Bun adds .exe to a Windows output name that lacks it.
    const built = existsSync(tmp) ? tmp : `${tmp}.exe`;
    const body = readFileSync(built);
    renameSync(built, join(outDir, file));
    await chmod(join(outDir, file), 0o755);
    files.push({ os, arch, file, size: body.length, sha256: sha256(body) });
    rmSync(join(outDir, `${file}.zst`), { force: true });
  }
  if (level !== null) {
    if (level > 9 && files.some((f) => !existsSync(join(ZSTD_CACHE, `${f.sha256}-${level}.zst`))))
      log(
        `compressing the agent downloads (zstd level ${level}: about a minute per platform, once per build of the agent)\n`,
      );
    // Two at a time: compression is what takes long, and it uses one core each.
    const queue = [...files];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const z = await compress(host, join(outDir, f.file), f.sha256, level);
        f.zstd = { file: `${f.file}.zst`, size: z.length, sha256: sha256(z), level };
      }
    };
    await Promise.all([worker(), worker()]);
  }
  const manifest = { version, runtime: `bun ${RUNTIME_VERSION}`, files };
  writeFileSync(join(outDir, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.file}\n`).join(''));
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
