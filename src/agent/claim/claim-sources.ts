import { z } from 'zod';
import { existsSync, readFileSync } from 'node:fs';
import { normalisePin } from '../../protocol/pin.ts';
import { EXIT } from '../../protocol/errors.ts';
import { AgentError } from '../net/net-errors.ts';
import { iniBool, parseIni } from '../state/ini.ts';
import type { StateDir } from '../state/state-dir.ts';

/** Connection settings given on the command line (both `claim` and `run` take them), parsed from its options. */
export const connectionFlags = z.object({
  token: z.string().optional(),
  /** A file holding the token (keeps it off the command line). */
  tokenFile: z.string().optional(),
  rooms: z.string().optional(),
  url: z.string().optional(),
  id: z.string().optional(),
  hostname: z.string().optional(),
  proxy: z.string().optional(),
  noproxy: z.boolean().optional(),
  insecure: z.boolean().optional(),
  caPin: z.string().optional(),
  caFile: z.string().optional(),
  /** Claim as an ephemeral node (removed by the server after a time offline). */
  ephemeral: z.boolean().optional(),
  /** With no token: announce this machine and wait for an operator to approve it. */
  announce: z.boolean().optional(),
  /** The space to announce into (id or slug). */
  space: z.string().optional(),
});
export type ConnectionFlags = z.infer<typeof connectionFlags>;

/** Everything a claim needs, with where the token came from. */
export interface ClaimSettings {
  token: string;
  url: string;
  rooms: string[];
  proxy: string;
  insecure: boolean;
  caPin: string | null;
  caFile: string | null;
  id: string | null;
  hostname: string | null;
  ephemeral: boolean;
  source: 'flags' | 'environment' | 'claim.conf' | 'token file';
}

function rooms(v: string | undefined): string[] | undefined {
  return v === undefined
    ? undefined
    : v
        .split(/[,\s]+/)
        .map((r) => r.trim())
        .filter(Boolean);
}

function pinOrThrow(v: string | null | undefined): string | null {
  if (!v) return null;
  const pin = normalisePin(v);
  if (!pin)
    throw new AgentError(
      EXIT.UNKNOWN_ARGUMENT,
      `"${v}" is not a CA pin; expected sha256: followed by 64 hex digits`,
    );
  return pin;
}

/** The token kept in `path`, or undefined when no file is named; a named file that cannot be read is an error. */
function tokenFromFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch (err) {
    throw new AgentError(
      EXIT.UNKNOWN_ARGUMENT,
      `cannot read the token file ${path}: ${(err as Error).message}`,
    );
  }
}

/**
 * The claim to make when the agent is not claimed: the token comes from the first source that has one, in order
 * flags, MUSTER_CLAIM_* environment, claim.conf, then cloud.d/token + cloud.d/rooms; every other setting is taken
 * field by field in that same order, then from cloud.conf. Null when no source holds a token.
 */
export function resolveClaimSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  state: StateDir,
): ClaimSettings | null {
  const fromEnv: ConnectionFlags = {
    token: env.MUSTER_CLAIM_TOKEN || tokenFromFile(env.MUSTER_CLAIM_TOKEN_FILE),
    url: env.MUSTER_CLAIM_URL || undefined,
    rooms: env.MUSTER_CLAIM_ROOMS || undefined,
    proxy: env.MUSTER_CLAIM_PROXY || undefined,
    insecure: iniBool(env.MUSTER_CLAIM_INSECURE),
    caPin: env.MUSTER_CLAIM_CA_PIN || undefined,
    caFile: env.MUSTER_CLAIM_CA_FILE || undefined,
    ephemeral: iniBool(env.MUSTER_EPHEMERAL),
  };
  const conf = existsSync(state.paths.claimConf)
    ? (parseIni(readFileSync(state.paths.claimConf, 'utf8')).global ?? {})
    : {};
  const fromConf: ConnectionFlags = {
    token: conf.token || undefined,
    url: conf.url || undefined,
    rooms: conf.rooms || undefined,
    proxy: conf.proxy || undefined,
    insecure: iniBool(conf.insecure),
    caPin: conf['ca pin'] || undefined,
    caFile: conf['ca file'] || undefined,
    ephemeral: iniBool(conf.ephemeral),
  };
  const cloud = state.readCloudConf();
  const fromFiles: ConnectionFlags = {
    token: state.readFileIfAny(state.paths.token) ?? undefined,
    rooms: state.readFileIfAny(state.paths.rooms) ?? undefined,
  };

  const sources: [ClaimSettings['source'], ConnectionFlags][] = [
    ['flags', { ...flags, token: flags.token ?? tokenFromFile(flags.tokenFile) }],
    ['environment', fromEnv],
    ['claim.conf', fromConf],
    ['token file', fromFiles],
  ];
  const withToken = sources.find(([, s]) => s.token);
  if (!withToken) return null;
  const pick = <K extends keyof ConnectionFlags>(k: K): ConnectionFlags[K] =>
    sources.map(([, s]) => s[k]).find((v) => v !== undefined);

  const url = pick('url') ?? cloud.url ?? undefined;
  if (!url)
    throw new AgentError(
      EXIT.UNKNOWN_ARGUMENT,
      `a claim token was found (${withToken[0]}) but no server URL; pass --url`,
    );
  if (!/^https?:\/\//.test(url))
    throw new AgentError(EXIT.UNKNOWN_ARGUMENT, `"${url}" is not an http(s) URL`);
  return {
    token: withToken[1].token!,
    url: url.replace(/\/+$/, ''),
    rooms: rooms(withToken[1].rooms ?? pick('rooms')) ?? [],
    proxy: flags.noproxy ? 'none' : (pick('proxy') ?? cloud.proxy),
    insecure: pick('insecure') ?? cloud.insecure,
    caPin: pinOrThrow(pick('caPin') ?? cloud.caPin),
    caFile: pick('caFile') ?? null,
    id: flags.id ?? null,
    hostname: flags.hostname ?? null,
    ephemeral: pick('ephemeral') ?? false,
    source: withToken[0],
  };
}

/**
 * Where to announce this machine when it has no token and `--announce` (or MUSTER_ANNOUNCE=1) asks for it: the URL and
 * trust of the flags, the environment or cloud.conf; null when not asked or no URL is known.
 */
export function resolveAnnounceSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv, state: StateDir) {
  if (!(flags.announce ?? iniBool(env.MUSTER_ANNOUNCE) ?? false)) return null;
  const cloud = state.readCloudConf();
  const url = flags.url ?? (env.MUSTER_CLAIM_URL || undefined) ?? cloud.url ?? undefined;
  if (!url) throw new AgentError(EXIT.UNKNOWN_ARGUMENT, '--announce needs the server URL: pass --url');
  if (!/^https?:\/\//.test(url))
    throw new AgentError(EXIT.UNKNOWN_ARGUMENT, `"${url}" is not an http(s) URL`);
  return {
    url: url.replace(/\/+$/, ''),
    proxy: flags.noproxy ? 'none' : (flags.proxy ?? cloud.proxy),
    insecure: flags.insecure ?? cloud.insecure,
    caPin: pinOrThrow(flags.caPin ?? (env.MUSTER_CLAIM_CA_PIN || undefined) ?? cloud.caPin),
    caFile: flags.caFile ?? null,
    hostname: flags.hostname ?? null,
    space: flags.space ?? (env.MUSTER_ANNOUNCE_SPACE || null),
  };
}

/** Link settings for a claimed agent: cloud.conf, with trust and proxy flags of `run` taking precedence. */
export function linkSettings(flags: ConnectionFlags, state: StateDir) {
  const cloud = state.readCloudConf();
  const url = (flags.url ?? cloud.url)?.replace(/\/+$/, '');
  if (!url)
    throw new AgentError(
      EXIT.STATE_DIR,
      `${state.paths.cloudConf} names no server URL; claim the agent again`,
    );
  return {
    url,
    proxy: flags.noproxy ? 'none' : (flags.proxy ?? cloud.proxy),
    insecure: flags.insecure ?? cloud.insecure,
    caPin: pinOrThrow(flags.caPin ?? cloud.caPin),
    caFile: flags.caFile ?? null,
    enabled: cloud.enabled,
  };
}
