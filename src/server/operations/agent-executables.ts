import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import { packagePath } from '../paths.ts';

/** Where `npm run build` puts the agent executables and their manifest. */
export const AGENT_EXECUTABLES_DIR = packagePath('dist', 'agent');

/** One self-contained agent executable, as scripts/agent-executables.mjs lists it in manifest.json. */
export interface AgentExecutable {
  os: string;
  arch: string;
  file: string;
  size: number;
  sha256: string;
  /** The same executable zstd-compressed: what is downloaded by clients that accept zstd. */
  zstd?: { file: string; size: number; sha256: string };
}
export interface AgentManifest {
  version: string;
  runtime: string;
  files: AgentExecutable[];
}

/** `uname -m` and Node.js names for the same architectures. */
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x64: 'amd64', aarch64: 'arm64' };

/** The executables the build produced, re-read when the build changes; none when they are not built. */
export function agentExecutables(dir = AGENT_EXECUTABLES_DIR) {
  const manifestPath = join(dir, 'manifest.json');
  let cached: { mtimeMs: number; manifest: AgentManifest } | null = null;
  function manifest(): AgentManifest | null {
    if (!existsSync(manifestPath)) return null;
    const mtimeMs = statSync(manifestPath).mtimeMs;
    if (!cached || cached.mtimeMs !== mtimeMs)
      cached = { mtimeMs, manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) as AgentManifest };
    return cached.manifest;
  }
  /** Versions of files (path, size, modification time) whose content matched their manifest checksum. */
  const verified = new Set<string>();
  return {
    dir,
    manifest,
    /**
     * The size of the open executable, once its content matches the manifest's checksum (hashed once per version
     * of the file); a 503 that says to rebuild when it does not.
     */
    async verify(exe: Pick<AgentExecutable, 'file' | 'sha256'>, handle: FileHandle): Promise<number> {
      const st = await handle.stat();
      const key = `${exe.file}:${st.size}:${st.mtimeMs}:${exe.sha256}`;
      if (verified.has(key)) return st.size;
      const hash = createHash('sha256');
      // Hashed from the file's path (a FileHandle serves one read stream): the version key above is the handle's.
      for await (const chunk of createReadStream(join(dir, exe.file))) hash.update(chunk as Buffer);
      const actual = hash.digest('hex');
      if (actual !== exe.sha256)
        throw new AppError(
          'AGENT_EXECUTABLE_MISMATCH',
          `the agent executable ${exe.file} on the server does not match its manifest (sha256 ${actual.slice(0, 12)}…, the manifest says ${exe.sha256.slice(0, 12)}…): it changed after the build; rebuild with npm run build`,
        );
      verified.add(key);
      return st.size;
    },
    /** The executable for `os`/`arch` (aliases accepted), or a 404 that lists what exists. */
    find(os: string, arch: string): AgentExecutable {
      const want = { os: os.toLowerCase(), arch: ARCH_ALIASES[arch.toLowerCase()] ?? arch.toLowerCase() };
      const files = manifest()?.files ?? [];
      const hit = files.find((f) => f.os === want.os && f.arch === want.arch);
      if (hit) return hit;
      const available = files.map((f) => `${f.os}/${f.arch}`).join(', ') || 'none (npm run build makes them)';
      throw new AppError(
        'NOT_FOUND',
        `no agent executable for ${want.os}/${want.arch}; this server has: ${available}. On any other platform with Node.js 20 or newer, use the JavaScript agent: /agent/muster-agent.mjs (checksum at /agent/muster-agent.mjs.sha256)`,
      );
    },
  };
}
export type AgentExecutables = ReturnType<typeof agentExecutables>;
