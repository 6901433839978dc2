import { z } from 'zod';

/** Characters every token is made of; they survive shell scripts and query strings. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,200}$/;

/** PUT /api/v1/spaces/nodes/{claimed_id}: loose on purpose, each field is judged by the service with its own error key. */
export const claimRequest = z.object({
  node: z.object({ id: z.unknown().optional(), hostname: z.unknown().optional() }).partial().optional(),
  token: z.unknown().optional(),
  rooms: z.unknown().optional(),
  publicKey: z.unknown().optional(),
  mGUID: z.unknown().optional(),
  /** Muster's agent claimed with --ephemeral: remove the node after its space's time offline. */
  ephemeral: z.unknown().optional(),
});
export type ClaimRequest = z.infer<typeof claimRequest>;

/** GET /api/v1/env answer. */
export const envResponse = z.object({
  authEndpoint: z.string(),
  transports: z.array(z.object({ type: z.string(), endpoint: z.string() })),
  backoff: z.object({ base: z.number(), minSeconds: z.number(), maxSeconds: z.number() }),
  capabilities: z.array(z.object({ name: z.string(), version: z.number() })),
});
export type EnvResponse = z.infer<typeof envResponse>;

/** GET /api/v1/env answer for a stock Netdata agent (it asks with `cap=proto,...`): its ACLK over MQTT 5. */
export const aclkEnvResponse = z.object({
  encoding: z.literal('proto'),
  capabilities: z.array(z.string()),
  authEndpoint: z.string(),
  transports: z.array(z.object({ type: z.literal('MQTTv5'), endpoint: z.string() })),
  backoff: z.object({ base: z.number(), minSeconds: z.number(), maxSeconds: z.number() }),
});
export type AclkEnvResponse = z.infer<typeof aclkEnvResponse>;

/** GET <authEndpoint>/node/{id}/challenge answer. */
export const challengeResponse = z.object({ challenge: z.string() });

/** POST <authEndpoint>/node/{id}/password body. */
export const passwordRequest = z.object({
  agent_version: z.string().max(100),
  response: z.string().max(2048),
});
export type PasswordRequest = z.infer<typeof passwordRequest>;

/** POST <authEndpoint>/node/{id}/password answer: a single-use link credential. */
export const passwordResponse = z.object({
  clientID: z.string(),
  username: z.string(),
  password: z.string(),
  /** Empty for Muster's agent; for a Netdata agent, the MQTT topic of every topic name it knows. */
  topics: z.array(z.object({ name: z.string(), topic: z.string() })),
});
export type PasswordResponse = z.infer<typeof passwordResponse>;

/** Transport name the link speaks. */
export const LINK_TRANSPORT = 'muster-ws/1';
/**
 * Env capability: the link upgrade accepts `Authorization: Challenge base64(<node id>:<base64 nonce>)`, the answer
 * to a challenge, so an agent opens its link with two requests (challenge, upgrade) instead of three.
 */
export const LINK_ANSWER_CAPABILITY = 'link-answer';
/**
 * Env capability: the link upgrade accepts `Authorization: Signature base64(<node id>:<at>.<random>.<signature>)`,
 * the node's own signature (its claim key, RSA PKCS#1 v1.5 with SHA-256) over linkSignatureMessage: an agent that
 * has read the env once opens every later link with the upgrade alone, one request on one connection. Each
 * signature is accepted once, within LINK_SIGNATURE_WINDOW_MS of the server's time.
 */
export const LINK_SIGNATURE_CAPABILITY = 'link-signature';
/** How far a signature's time may be from the server's, either way (the agent corrects its clock by `Date`). */
export const LINK_SIGNATURE_WINDOW_MS = 60_000;
/** What a node signs to open its link: the purpose, the node, the time (ms since the epoch) and a random part. */
export function linkSignatureMessage(nodeId: string, at: number, random: string): string {
  return `muster-link-signature\n${nodeId}\n${at}\n${random}`;
}
/** Version of the link protocol in `hello`. */
export const LINK_PROTOCOL_VERSION = 1;

/** What an enrolling agent signs with its private key to prove it holds the key it sends (bound to the token). */
export function enrollProofMessage(token: string, hostname: string): string {
  return `muster-enroll\n${token}\n${hostname.toLowerCase()}`;
}
