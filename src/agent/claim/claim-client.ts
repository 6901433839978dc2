import { spawnSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { arch, hostname as osHostname, platform } from 'node:os';
import {
  claimErrorBody,
  CLAIM_ERRORS,
  EXIT,
  exitCodeForStatus,
  type ClaimErrorKey,
} from '../../protocol/errors.ts';
import { enrollProofMessage } from '../../protocol/claim-api.ts';
import { createHttpClient, type HttpResponse } from '../net/http-client.ts';
import { AgentError } from '../net/net-errors.ts';
import type { StateDir } from '../state/state-dir.ts';
import type { ClaimSettings } from './claim-sources.ts';

/** An HTTP client with the given proxy and trust settings, keeping a learned CA in the state directory. */
export function clientFor(
  c: { proxy: string; insecure: boolean; caPin: string | null; caFile: string | null },
  state: StateDir,
  env: NodeJS.ProcessEnv,
) {
  return createHttpClient({
    proxy: c.proxy,
    env,
    trust: { insecure: c.insecure, pin: c.caPin, caFile: c.caFile, savedCaPath: state.paths.ca },
  });
}

/** Record a claim the server took (by token or by an operator's approval): the id, where the server is, its CA. */
function recordClaim(
  state: StateDir,
  claimedId: string,
  settings: { url: string; proxy: string; insecure: boolean; caPin: string | null },
  http: { trustedCaPem(): string | null },
): void {
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
}

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

/**
 * Refuse to claim over an identity this state directory already holds, unless `force` asks to replace it (then the
 * old key and id are forgotten first, and the machine becomes a new node).
 */
export function takeIdentity(state: StateDir, force: boolean, log: (msg: string) => void = () => undefined) {
  if (force) {
    if (existsSync(state.paths.claimedId) || existsSync(state.paths.privateKey))
      log(
        "replacing this machine's identity: a new key and a new node id; remove the old node on the server",
      );
    state.forgetIdentity();
    return;
  }
  const current = state.claimedId();
  if (current)
    throw new AgentError(
      EXIT.ALREADY_CLAIMED,
      `this machine is already claimed as node ${current} (${state.readCloudConf().url ?? 'unknown server'}); nothing was changed. To replace that identity with a new node, run the command again with --force`,
    );
}

/**
 * Claim this machine: send the public key with the token under this state directory's claim id (kept until the
 * claim is recorded, so a retry after a crash is the same claim); record the result on success.
 */
export async function claimNode(
  settings: ClaimSettings,
  state: StateDir,
  env: NodeJS.ProcessEnv,
): Promise<{ claimedId: string }> {
  state.ensure();
  const mGUID = state.machineGuid();
  const { publicKey } = state.keyPair();
  const claimedId = settings.id ?? state.claimingId();
  const http = clientFor(settings, state, env);
  const body = {
    node: { id: claimedId, hostname: settings.hostname ?? osHostname() },
    token: settings.token,
    rooms: settings.rooms,
    publicKey,
    mGUID,
    ...(settings.ephemeral ? { ephemeral: true } : {}),
  };
  const res = await http.request(
    'PUT',
    `${settings.url}/api/v1/spaces/nodes/${encodeURIComponent(claimedId)}`,
    body,
  );
  if (res.status !== 204 && res.status !== 200) {
    const err = claimFailure(res, 'claiming');
    // Our pending id is held by another key or space on the server: the next attempt takes a new one.
    if (err.key === 'ErrAlreadyClaimed' && !settings.id) state.dropClaimingId();
    throw err;
  }
  recordClaim(state, claimedId, settings, http);
  return { claimedId };
}

/** Signature (RSA-SHA256, base64) proving the enrolling agent holds the key it sends. */
function enrollProof(privateKey: string, token: string, hostname: string): string {
  return sign('sha256', Buffer.from(enrollProofMessage(token, hostname)), privateKey).toString('base64');
}

/** `restic version` of this machine, or null when restic is not installed. */
export function resticVersion(): string | null {
  const r = spawnSync('restic', ['version'], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? (/restic ([0-9][^\s]*)/.exec(r.stdout)?.[1] ?? null) : null;
}

/**
 * Enroll with a one-time token (onboarding API): the server answers with a host id, a bearer agent token and its CA
 * pin. The pin is kept, so from here on the server is authenticated by it (even after an `--insecure` enroll).
 */
export async function enrollNode(
  settings: ClaimSettings,
  state: StateDir,
  env: NodeJS.ProcessEnv,
  agentVersion: string,
): Promise<{ hostId: string }> {
  state.ensure();
  state.machineGuid();
  const { privateKey, publicKey } = state.keyPair();
  const http = clientFor(settings, state, env);
  const hostname = settings.hostname ?? osHostname();
  // The key and a signature over the token make a retried enroll (after a crash before the answer was recorded)
  // return the same host instead of failing on a used token.
  const res = await http.request('POST', `${settings.url}/api/agents/enroll`, {
    token: settings.token,
    hostname,
    os: platform(),
    arch: arch(),
    agent_version: agentVersion,
    restic_version: resticVersion() ?? '',
    public_key: publicKey,
    key_proof: enrollProof(privateKey, settings.token, hostname),
    ...(settings.ephemeral ? { ephemeral: true } : {}),
  });
  if (res.status !== 201 && res.status !== 200) {
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(res.text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the status
    }
    const exit = [401, 403, 410].includes(res.status)
      ? EXIT.FORBIDDEN
      : res.status === 400
        ? EXIT.INVALID_NODE_NAME
        : exitCodeForStatus(res.status);
    throw new AgentError(exit, `enrolling failed: ${message}`, { status: res.status });
  }
  const body = JSON.parse(res.text) as {
    host_id: string;
    agent_token: string;
    cert_pin_sha256: string | null;
  };
  if (settings.caPin && body.cert_pin_sha256 && body.cert_pin_sha256 !== settings.caPin)
    throw new AgentError(
      EXIT.UNTRUSTED_SERVER,
      'the server reports a CA pin different from the one given; refusing to enroll',
    );
  const pin = settings.caPin ?? body.cert_pin_sha256;
  state.saveClaim(
    body.host_id,
    {
      enabled: true,
      url: settings.url,
      proxy: settings.proxy,
      insecure: pin ? false : settings.insecure,
      caPin: pin,
    },
    http.trustedCaPem(),
    body.agent_token,
  );
  return { hostId: body.host_id };
}

/** What an announcement needs: where the server is and how to trust it (no token). */
export interface AnnounceSettings {
  url: string;
  proxy: string;
  insecure: boolean;
  caPin: string | null;
  caFile: string | null;
  hostname: string | null;
  /** The space by id or slug (the server's default space when absent). */
  space: string | null;
}

/**
 * Announce this machine without a token: its key, host name and facts under its pending claim id. Pending: the
 * operator has not decided yet (ask again later); approved: the identity is recorded as a claim would record it, and
 * the link can start. A rejection is an AgentError (ErrForbidden).
 */
export async function announceNode(
  settings: AnnounceSettings,
  state: StateDir,
  env: NodeJS.ProcessEnv,
  facts: Record<string, unknown>,
): Promise<{ state: 'pending'; fingerprint: string } | { state: 'approved'; claimedId: string }> {
  state.ensure();
  const { publicKey } = state.keyPair();
  const claimedId = state.claimingId();
  const http = clientFor(settings, state, env);
  const res = await http.request(
    'PUT',
    `${settings.url}/api/v1/announce/nodes/${encodeURIComponent(claimedId)}`,
    {
      node: { hostname: settings.hostname ?? osHostname() },
      publicKey,
      facts,
      ...(settings.space ? { space: settings.space } : {}),
    },
  );
  if (res.status !== 200 && res.status !== 202) throw claimFailure(res, 'announcing');
  const body = JSON.parse(res.text) as { state: string; fingerprint?: string; node_id?: string };
  if (res.status === 202) return { state: 'pending', fingerprint: body.fingerprint ?? '' };
  if (body.node_id !== claimedId)
    throw new AgentError(
      EXIT.UNKNOWN_HTTP_ERROR,
      `the server approved node ${String(body.node_id)}, not ${claimedId}`,
    );
  recordClaim(state, claimedId, settings, http);
  return { state: 'approved', claimedId };
}
