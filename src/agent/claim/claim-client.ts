import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import {
  claimErrorBody,
  CLAIM_ERRORS,
  EXIT,
  exitCodeForStatus,
  type ClaimErrorKey,
} from '../../protocol/errors.ts';
import { createHttpClient, type HttpResponse } from '../net/http-client.ts';
import { AgentError } from '../net/net-errors.ts';
import type { StateDir } from '../state/state-dir.ts';
import type { ClaimSettings } from './claim-sources.ts';

/** Turn a non-2xx answer of the claim or link-auth endpoints into an AgentError with the right exit code. */
export function claimFailure(res: HttpResponse, what: string): AgentError {
  let body: ReturnType<typeof claimErrorBody.parse> | null = null;
  try {
    body = claimErrorBody.parse(JSON.parse(res.text));
  } catch {
    body = null;
  }
  const retryAfter = Number(res.headers['retry-after']);
  const retryDelaySeconds =
    body?.errorRetryDelaySeconds ?? (Number.isFinite(retryAfter) ? retryAfter : undefined);
  if (body && body.errorMsgKey in CLAIM_ERRORS) {
    const key = body.errorMsgKey as ClaimErrorKey;
    return new AgentError(CLAIM_ERRORS[key].exit, `${what} failed: ${key}: ${body.errorMessage}`, {
      status: res.status,
      key,
      nonRetryable: body.errorNonRetryable,
      retryDelaySeconds,
    });
  }
  const exit = exitCodeForStatus(res.status);
  return new AgentError(
    exit,
    `${what} failed: the server answered HTTP ${res.status}${body ? `: ${body.errorMessage}` : ''}`,
    {
      status: res.status,
      retryDelaySeconds,
      nonRetryable: exit === EXIT.UNKNOWN_HTTP_ERROR,
    },
  );
}

/** Claim this machine: send the public key with the token under a fresh claimed id; record the result on success. */
export async function claimNode(
  settings: ClaimSettings,
  state: StateDir,
  env: NodeJS.ProcessEnv,
): Promise<{ claimedId: string }> {
  state.ensure();
  const mGUID = state.machineGuid();
  const { publicKey } = state.keyPair();
  const claimedId = settings.id ?? randomUUID();
  const http = createHttpClient({
    proxy: settings.proxy,
    env,
    trust: {
      insecure: settings.insecure,
      pin: settings.caPin,
      caFile: settings.caFile,
      savedCaPath: state.paths.ca,
    },
  });
  const body = {
    node: { id: claimedId, hostname: settings.hostname ?? osHostname() },
    token: settings.token,
    rooms: settings.rooms,
    publicKey,
    mGUID,
  };
  const res = await http.request(
    'PUT',
    `${settings.url}/api/v1/spaces/nodes/${encodeURIComponent(claimedId)}`,
    body,
  );
  if (res.status !== 204 && res.status !== 200) throw claimFailure(res, 'claiming');
  state.saveClaim(
    claimedId,
    {
      enabled: true,
      url: settings.url,
      proxy: settings.proxy,
      insecure: settings.insecure,
      caPin: settings.caPin,
    },
    http.trustedCaPem(),
  );
  return { claimedId };
}
