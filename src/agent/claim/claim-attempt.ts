import { EXIT } from '../../protocol/errors.ts';
import { AgentError } from '../net/net-errors.ts';
import type { StateDir } from '../state/state-dir.ts';
import { claimNode, takeIdentity } from './claim-client.ts';
import { resolveClaimSettings, type ConnectionFlags } from './claim-sources.ts';

/** Exit codes after which retrying the same claim can help (the server or the path may recover). */
export const RETRYABLE_CLAIM_EXITS: number[] = [
  EXIT.CANNOT_REACH,
  EXIT.INTERNAL_SERVER_ERROR,
  EXIT.SERVICE_UNAVAILABLE,
  EXIT.GATEWAY_TIMEOUT,
];

export interface ClaimAttempt {
  ok: boolean;
  message: string;
  exitCode: number;
}

/** One claim from the running agent (a token in its flags, environment or state dir): never throws. */
export async function attemptClaim(
  state: StateDir,
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  log: (level: 'info', msg: string) => void,
): Promise<ClaimAttempt> {
  try {
    takeIdentity(state, false);
    const settings = resolveClaimSettings(flags, env, state);
    if (!settings) return { ok: false, message: 'no claim token given', exitCode: EXIT.UNKNOWN_ARGUMENT };
    const { claimedId } = await claimNode(settings, state, env);
    log('info', `claimed as node ${claimedId} (token from ${settings.source})`);
    return { ok: true, message: `claimed as node ${claimedId}`, exitCode: EXIT.OK };
  } catch (err) {
    const e = err instanceof AgentError ? err : new AgentError(EXIT.UNKNOWN_HTTP_ERROR, String(err));
    return { ok: false, message: e.message, exitCode: e.exitCode };
  }
}

/** The local API's answer to a claim attempt: 200, 403 for a refused token, 409 when already claimed, else 400. */
export function claimHttpStatus(a: ClaimAttempt): number {
  if (a.ok) return 200;
  if (a.exitCode === EXIT.FORBIDDEN) return 403;
  return a.exitCode === EXIT.ALREADY_CLAIMED ? 409 : 400;
}
