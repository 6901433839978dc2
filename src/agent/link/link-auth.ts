import { constants, privateDecrypt, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  challengeResponse,
  envResponse,
  LINK_ANSWER_CAPABILITY,
  LINK_SIGNATURE_CAPABILITY,
  LINK_TRANSPORT,
  linkSignatureMessage,
  passwordResponse,
} from '../../protocol/claim-api.ts';
import { EXIT } from '../../protocol/errors.ts';
import { claimFailure } from '../claim/claim-client.ts';
import type { HttpClient } from '../net/http-client.ts';
import { AgentError } from '../net/net-errors.ts';

/**
 * Only the server saying that this node was removed ends the agent's attempts at once. An id the server does not
 * know (`ErrNotFound`) is final only once it has been said for NOT_FOUND_FINAL_MS: a server whose database is being
 * restored, or was started empty by mistake, says it too, and must get its fleet back by itself. Every other
 * failure (a wrong answer, a proxy's 404, a 5xx) is retried with backoff.
 */
export function isFinalRefusal(e: { key?: string }): boolean {
  return e.key === 'ErrNodeRemoved';
}
function json<T>(text: string, schema: { parse(v: unknown): T }, what: string): T {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new AgentError(
      EXIT.UNKNOWN_HTTP_ERROR,
      `${what}: the server's answer is not what this agent understands; is the URL a Muster server?`,
    );
  }
}

type BackoffParams = { base: number; minSeconds: number; maxSeconds: number };

/** Where the link is and how to back off, from /api/v1/env. */
export async function linkEnv(
  http: HttpClient,
  url: string,
  claimId: string,
  onBackoff: (b: BackoffParams) => void,
) {
  const envRes = await http.request('GET', `${url}/api/v1/env?claim_id=${encodeURIComponent(claimId)}`);
  if (envRes.status !== 200) throw claimFailure(envRes, 'reading the link environment');
  const env = json(envRes.text, envResponse, 'reading the link environment');
  onBackoff(env.backoff);
  const transport = env.transports.find((t) => t.type === LINK_TRANSPORT);
  if (!transport)
    throw new AgentError(
      EXIT.UNKNOWN_HTTP_ERROR,
      `the server offers no ${LINK_TRANSPORT} transport; upgrade the server or the agent`,
    );
  // The server's clock as its answer dated it (to the second), against this machine's: signatures carry its time.
  const dated = Date.parse(String(envRes.headers.date ?? ''));
  const clockOffsetMs = Number.isFinite(dated) ? dated + 500 - Date.now() : 0;
  /** What later links keep when the server takes signatures (null when it does not). */
  const signed: LinkMemo['signed'] = env.capabilities.some((c) => c.name === LINK_SIGNATURE_CAPABILITY)
    ? { endpoint: transport.endpoint, clockOffsetMs }
    : null;
  return { env, transport, signed };
}

/**
 * What an agent keeps of its server between links: where the link is, and whether the server takes the node's
 * signature on the upgrade (then every later link is the upgrade alone), with the server's clock offset.
 */
export interface LinkMemo {
  signed: { endpoint: string; clockOffsetMs: number } | null;
  /**
   * Signed attempts in a row that never reached a welcome; at SIGNED_MISSES the next link authenticates in full
   * (and learns the server anew). A refused signed upgrade counts as all of them at once.
   */
  misses: number;
  /**
   * The last signed upgrade was answered by a proxy with no server behind it (502-504) or told to slow down (429):
   * the next link reads the env first, a plain request that finds where the link is now and shows the proxy the
   * server is back (nginx takes a websocket as a success only once it closes), then opens with the signature.
   */
  envFirst: boolean;
}
/**
 * Signed attempts in a row that reached no server after which the agent reads the env again (its link may have
 * moved). With the backoff these span minutes: a server restarting keeps its fleet on the short way.
 */
export const SIGNED_MISSES = 10;

/**
 * An answer to a signed upgrade that says nothing about the signature: too many requests, or no server behind a
 * proxy (bad gateway, unavailable, gateway timeout). It counts as a miss, not as a refusal.
 */
export const signedMiss = (status: number) => status === 429 || (status >= 502 && status <= 504);

/** The Authorization header of a signed link upgrade: the node's key over its id, the server's time and a nonce. */
export function signedAuthorization(claimId: string, privateKey: string | KeyObject, at: number): string {
  const random = randomBytes(18).toString('base64url');
  const signature = sign('sha256', Buffer.from(linkSignatureMessage(claimId, at, random)), privateKey);
  const proof = `${at}.${random}.${signature.toString('base64url')}`;
  return `Signature ${Buffer.from(`${claimId}:${proof}`).toString('base64')}`;
}

/**
 * Prove key possession (challenge/response) for one link: the Authorization header that opens it. A server that
 * takes the answer on the upgrade itself (capability "link-answer") gets it there; an older one first exchanges
 * it for a single-use link password.
 */
export async function authenticateLink(
  http: HttpClient,
  url: string,
  claimId: string,
  privateKey: string,
  agentVersion: string,
  onBackoff: (b: BackoffParams) => void = () => undefined,
): Promise<{ endpoint: string; authorization: string; signed: LinkMemo['signed'] }> {
  const { env, transport, signed } = await linkEnv(http, url, claimId, onBackoff);
  const chRes = await http.request('GET', `${env.authEndpoint}/node/${claimId}/challenge`);
  if (chRes.status !== 200) throw claimFailure(chRes, 'link authentication (challenge)');
  const { challenge } = json(chRes.text, challengeResponse, 'link authentication');
  let nonce: Buffer;
  try {
    nonce = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(challenge, 'base64'),
    );
  } catch {
    // Not final: a server answering with the wrong key may be a proxy or a restored backup; keep trying.
    throw new AgentError(
      EXIT.FORBIDDEN,
      "the server's challenge cannot be decrypted with this machine's key (was the node claimed with another key?); retrying",
    );
  }
  const pair = (secret: string) => Buffer.from(`${claimId}:${secret}`).toString('base64');
  if (env.capabilities.some((c) => c.name === LINK_ANSWER_CAPABILITY))
    return {
      endpoint: transport.endpoint,
      authorization: `Challenge ${pair(nonce.toString('base64'))}`,
      signed,
    };
  const pwRes = await http.request('POST', `${env.authEndpoint}/node/${claimId}/password`, {
    agent_version: agentVersion,
    response: nonce.toString('base64'),
  });
  if (pwRes.status !== 201 && pwRes.status !== 200)
    throw claimFailure(pwRes, 'link authentication (password)');
  const creds = json(pwRes.text, passwordResponse, 'link authentication');
  return { endpoint: transport.endpoint, authorization: `Basic ${pair(creds.password)}`, signed };
}
