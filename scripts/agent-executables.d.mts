// Types for the build module, imported by benchmarks and tests.
export declare const RUNTIME_VERSION: string;
export declare const EXEC_ARGV: string[];
export declare const PLATFORMS: Record<
  'linux-amd64' | 'linux-arm64',
  { os: string; arch: string; nodeArch: string; package: string; integrity: string }
>;
export interface BuiltExecutable {
  os: string;
  arch: string;
  file: string;
  size: number;
  sha256: string;
}
export declare function runtimeFor(platform: keyof typeof PLATFORMS): Promise<string>;
export declare function buildAgentExecutables(opts: {
  main: string;
  outDir: string;
  version: string;
  platforms?: (keyof typeof PLATFORMS)[];
}): Promise<{ version: string; runtime: string; exec_argv: string[]; files: BuiltExecutable[] }>;
