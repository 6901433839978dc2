import {
  constants,
  createHmac,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import {
  LINK_TRANSPORT,
  type AclkEnvResponse,
  type EnvResponse,
  type PasswordResponse,
} from '../../protocol/claim-api.ts';
import { canonicalId } from '../../protocol/ids.ts';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import { ClaimError } from '../errors.ts';
import type { NodesRepo } from '../repos/nodes-repo.ts';

/** How long a challenge may be answered, and how long a link password may be used. */
export const CHALLENGE_TTL_MS = 60_000;
export const LINK_PASSWORD_TTL_MS = 60_000;
const MAX_PENDING = 100_000;
/** Parsed node keys kept for challenges (a PEM key is parsed anew in about 0.2 ms; a parsed one is reused). */
const KEY_CACHE_SIZE = 50_000;

/** Reconnect backoff every agent is told to use. */
export const LINK_BACKOFF = { base: 2, minSeconds: 1, maxSeconds: 60 };
/** Netdata agents refuse a backoff whose maximum is under 500 s. */
export const ACLK_BACKOFF = { base: 2, minSeconds: 1, maxSeconds: 600 };

/** A challenge nonce: 24 random bytes, expiry (ms, 8 bytes), HMAC-SHA256 over node id, random part and expiry. */
const NONCE_RANDOM = 24;
const NONCE_BYTES = NONCE_RANDOM + 8 + 32;

/**
 * Proof of key possession before every link: a nonce encrypted to the node's public key (RSA-OAEP, SHA-256),
 * answered in clear, exchanged for a single-use 60 s link password. Nothing reusable travels.
 *
 * The server keeps no per-node challenge state: each nonce carries its own expiry and a MAC bound to the node, so
 * asking for challenges (which anybody may do) never replaces or invalidates the one an agent is answering. Only
 * answered nonces are remembered, until they expire, so that each is accepted once.
 */
export function createLinkAuthService(deps: { nodes: NodesRepo; clock: Clock; challengeKey: Buffer }) {
  const { nodes, clock, challengeKey } = deps;
  const answered = new Map<string, number>();
  const passwords = new Map<string, { nodeId: string; agentVersion: string; expires: number }>();

  function prune<V>(map: Map<string, V>, expiresOf: (v: V) => number) {
    const now = clock.now();
    for (const [k, v] of map) if (expiresOf(v) <= now) map.delete(k);
  }

  /** Expired entries go once a minute, or at once when either map holds more than MAX_PENDING. */
  let nextPrune = 0;
  function pruneNow() {
    const now = clock.now();
    if (now < nextPrune && answered.size <= MAX_PENDING && passwords.size <= MAX_PENDING) return;
    nextPrune = now + CHALLENGE_TTL_MS;
    prune(answered, (v) => v);
    prune(passwords, (v) => v.expires);
  }

  function mac(nodeId: string, random: Buffer, expires: Buffer): Buffer {
    return createHmac('sha256', challengeKey).update(nodeId).update(random).update(expires).digest();
  }

  /** Parsed keys by their PEM text: a node claimed again with another key simply finds another entry. */
  const parsedKeys = new Map<string, KeyObject>();
  function parsedKey(pem: string): KeyObject {
    let key = parsedKeys.get(pem);
    if (!key) {
      key = createPublicKey(pem);
      if (parsedKeys.size >= KEY_CACHE_SIZE) parsedKeys.delete(parsedKeys.keys().next().value!);
      parsedKeys.set(pem, key);
    }
    return key;
  }

  async function nodeKey(nodeId: string): Promise<KeyObject> {
    const node = await nodes.findCredentials(nodeId);
    if (!node)
      throw new ClaimError('ErrNotFound', `this server does not know node ${nodeId}; claim the agent again`);
    if (node.status === 'removed')
      throw new ClaimError(
        'ErrNodeRemoved',
        `node ${nodeId} was removed from the server; claim it again to bring it back`,
      );
    if (node.bearer_hash)
      throw new ClaimError(
        'ErrForbidden',
        `node ${nodeId} was enrolled with a bearer token; open the link with it`,
      );
    if (!node.public_key)
      throw new ClaimError(
        'ErrNodeRemoved',
        `node ${nodeId} has no credentials on the server; claim it again`,
      );
    return parsedKey(node.public_key);
  }

  /** The node id of a path, in its canonical form; ids that cannot be a node are unknown nodes. */
  function nodeIdOf(raw: string): string {
    const id = canonicalId(raw);
    if (!id)
      throw new ClaimError('ErrNotFound', 'this server knows no node by that id; claim the agent again');
    return id;
  }

  /** The node an agent bearer token belongs to, or null (unknown token or removed node). */
  async function nodeForBearer(token: string): Promise<string | null> {
    const n = await nodes.findByBearerHash(sha256Hex(token));
    return n && n.status !== 'removed' ? n.id : null;
  }

  /** Use a link password once; returns the node it was issued to (and the agent version it was asked with), or null. */
  function consumeLinkPassword(
    username: string,
    password: string,
  ): { nodeId: string; agentVersion: string } | null {
    const key = sha256Hex(password);
    const entry = passwords.get(key);
    if (!entry) return null;
    passwords.delete(key);
    if (entry.expires <= clock.now() || entry.nodeId !== canonicalId(username)) return null;
    return { nodeId: entry.nodeId, agentVersion: entry.agentVersion };
  }

  return {
    env(baseUrl: string): EnvResponse {
      const ws = baseUrl.replace(/^http/, 'ws');
      return {
        authEndpoint: `${baseUrl}/api/v1/auth`,
        transports: [{ type: LINK_TRANSPORT, endpoint: `${ws}/api/v1/link` }],
        backoff: LINK_BACKOFF,
        capabilities: [{ name: 'link', version: 1 }],
      };
    },

    /** What a stock Netdata agent needs to open its own link (ACLK): protobuf over MQTT 5 on /mqtt. */
    aclkEnv(baseUrl: string): AclkEnvResponse {
      const ws = baseUrl.replace(/^http/, 'ws');
      return {
        encoding: 'proto',
        capabilities: ['proto'],
        authEndpoint: `${baseUrl}/api/v1/auth/aclk`,
        transports: [{ type: 'MQTTv5', endpoint: `${ws}/mqtt` }],
        backoff: ACLK_BACKOFF,
      };
    },

    /**
     * A challenge for the node's key: RSA-OAEP with SHA-256 for Muster's agent; Netdata's agent decrypts with
     * OAEP's default digest, SHA-1, so its challenge (on the ACLK auth path) uses that.
     */
    async challenge(rawId: string, oaepHash: 'sha256' | 'sha1' = 'sha256'): Promise<{ challenge: string }> {
      const nodeId = nodeIdOf(rawId);
      const publicKey = await nodeKey(nodeId);
      const random = randomBytes(NONCE_RANDOM);
      const expires = Buffer.alloc(8);
      expires.writeBigUInt64BE(BigInt(clock.now() + CHALLENGE_TTL_MS));
      const nonce = Buffer.concat([random, expires, mac(nodeId, random, expires)]);
      const encrypted = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
        nonce,
      );
      return { challenge: encrypted.toString('base64') };
    },

    async password(rawId: string, response: string, agentVersion: string): Promise<PasswordResponse> {
      const nodeId = nodeIdOf(rawId);
      await nodeKey(nodeId);
      const nonce = Buffer.from(response, 'base64');
      const random = nonce.subarray(0, NONCE_RANDOM);
      const expires = nonce.subarray(NONCE_RANDOM, NONCE_RANDOM + 8);
      const given = nonce.subarray(NONCE_RANDOM + 8);
      if (nonce.length !== NONCE_BYTES || !timingSafeEqual(given, mac(nodeId, random, expires)))
        throw new ClaimError(
          'ErrForbidden',
          'the challenge response is wrong: the agent does not hold the key this node was claimed with',
        );
      const until = Number(expires.readBigUInt64BE());
      const key = random.toString('base64');
      if (until <= clock.now() || answered.has(key))
        throw new ClaimError(
          'ErrForbidden',
          'this challenge expired or was already answered; ask for a new one',
          { retryDelaySeconds: 1 },
        );
      pruneNow();
      answered.set(key, until);
      const password = newSecret('');
      passwords.set(sha256Hex(password), {
        nodeId,
        agentVersion: agentVersion.replace(/^v/, ''),
        expires: clock.now() + LINK_PASSWORD_TTL_MS,
      });
      return { clientID: nodeId, username: nodeId, password, topics: [] };
    },

    nodeForBearer,
    consumeLinkPassword,

    /** The node whose credentials an Authorization header carries: an agent bearer, or a single-use link password. */
    async nodeOfAuthorization(header: string | undefined): Promise<string | null> {
      const h = header ?? '';
      if (h.startsWith('Bearer ')) return nodeForBearer(h.slice(7).trim());
      const creds = basicCredentials(h);
      return creds ? (consumeLinkPassword(creds.username, creds.password)?.nodeId ?? null) : null;
    },
  };
}
export type LinkAuthService = ReturnType<typeof createLinkAuthService>;

/** Credentials of a link upgrade: `Authorization: Basic <node id>:<single-use password>`. */
export function basicCredentials(h: string | undefined): { username: string; password: string } | null {
  if (!h?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
