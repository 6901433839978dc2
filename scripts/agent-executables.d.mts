// Types for the build module, imported by benchmarks and tests.
export type Platform = 'linux-amd64' | 'linux-arm64' | 'darwin-arm64' | 'darwin-amd64' | 'windows-amd64';
export declare const RUNTIME_VERSION: string;
export declare const ZSTD_LEVEL: number;
export declare const JIT_POLICY: number;
export declare const PLATFORMS: Record<
  Platform,
  { os: string; arch: string; package: string; bin: string; target: string; integrity: string }
>;
export interface BuiltExecutable {
  os: string;
  arch: string;
  file: string;
  size: number;
  sha256: string;
  zstd?: { file: string; size: number; sha256: string; level: number };
}
export declare function runtimeFor(platform: Platform): Promise<string>;
export declare function hostPlatform(): Platform;
export declare function buildAgentExecutables(opts: {
  main: string;
  outDir: string;
  version: string;
  platforms?: Platform[];
  compress?: number | null;
  log?: (message: string) => void;
}): Promise<{ version: string; runtime: string; files: BuiltExecutable[] }>;
