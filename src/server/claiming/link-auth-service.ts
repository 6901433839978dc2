import {
  constants,
  createHmac,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import {
  LINK_ANSWER_CAPABILITY,
  LINK_SIGNATURE_CAPABILITY,
  LINK_SIGNATURE_WINDOW_MS,
  LINK_TRANSPORT,
  linkSignatureMessage,
  type AclkEnvResponse,
  type EnvResponse,
  type PasswordResponse,
} from '../../protocol/claim-api.ts';
import { canonicalId } from '../../protocol/ids.ts';
import type { Clock } from '../clock.ts';
import { sha256Hex } from '../crypto.ts';
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
/** Random bytes at the start of a link password (its single-use key). */
const PASSWORD_RANDOM = 18;

/**
 * Records a single-use value until it expires; true the first time. One process keeps them in memory; replicas of a
 * cluster share them in the database, so a challenge answered or a link password used at one replica is refused at
 * every other.
 */
export type UseOnce = (key: string, expiresAt: number) => Promise<boolean>;

/** Single-use values in this process's memory; expired ones go once a minute, or at once past MAX_PENDING. */
export function memoryUseOnce(clock: Clock): UseOnce {
  const used = new Map<string, number>();
  let nextPrune = 0;
  return async (key, expiresAt) => {
    const now = clock.now();
    if (now >= nextPrune || used.size > MAX_PENDING) {
      nextPrune = now + CHALLENGE_TTL_MS;
      for (const [k, until] of used) if (until <= now) used.delete(k);
    }
    const seen = used.get(key);
    if (seen !== undefined && seen > now) return false;
    used.set(key, expiresAt);
    return true;
  };
}

/** A signature's random part: base64url of 16 to 48 bytes. */
const SIGNATURE_RANDOM = /^[A-Za-z0-9_-]{22,64}$/;
/** A signature itself: base64url, at most what a 8192-bit RSA key makes. */
const SIGNATURE = /^[A-Za-z0-9_-]{40,1400}$/;

/** Where an agent's link is and how it backs off (`/api/v1/env`). */
function linkEnvOf(baseUrl: string, signatures: boolean): EnvResponse {
  const ws = baseUrl.replace(/^http/, 'ws');
  return {
    authEndpoint: `${baseUrl}/api/v1/auth`,
    transports: [{ type: LINK_TRANSPORT, endpoint: `${ws}/api/v1/link` }],
    backoff: LINK_BACKOFF,
    capabilities: [
      { name: 'link', version: 1 },
      // The answer to a challenge opens the link itself (Authorization: Challenge), without a password first.
      { name: LINK_ANSWER_CAPABILITY, version: 1 },
      // The node's signature opens the link itself (Authorization: Signature), without a challenge first.
      ...(signatures ? [{ name: LINK_SIGNATURE_CAPABILITY, version: 1 }] : []),
    ],
  };
}

/** What a stock Netdata agent needs to open its own link (ACLK): protobuf over MQTT 5 on /mqtt. */
function aclkEnvOf(baseUrl: string): AclkEnvResponse {
  const ws = baseUrl.replace(/^http/, 'ws');
  return {
    encoding: 'proto',
    capabilities: ['proto'],
    authEndpoint: `${baseUrl}/api/v1/auth/aclk`,
    transports: [{ type: 'MQTTv5', endpoint: `${ws}/mqtt` }],
    backoff: ACLK_BACKOFF,
  };
}

/**
 * Proof of key possession before every link: a nonce encrypted to the node's public key (RSA-OAEP, SHA-256),
 * answered in clear, exchanged for a single-use 60 s link password. Nothing reusable travels.
 *
 * The server keeps no per-node challenge state: each nonce carries its own expiry and a MAC bound to the node, so
 * asking for challenges (which anybody may do) never replaces or invalidates the one an agent is answering. A link
 * password is signed the same way (node, expiry and agent version under a MAC), so any replica holding the master
 * key can check it. Only answered nonces and used passwords are remembered, until they expire, so that each is
 * accepted once.
 */
export function createLinkAuthService(deps: {
  nodes: NodesRepo;
  clock: Clock;
  /** The key challenges and link passwords are made with, then keys they are still accepted under (a rotation). */
  challengeKey: Buffer | Buffer[];
  useOnce?: UseOnce;
  /** False: neither offer nor take signatures on the upgrade, as servers before them (tests of agents against one). */
  signatures?: boolean;
}) {
  const { nodes, clock } = deps;
  const signatures = deps.signatures ?? true;
  const challengeKeys = Array.isArray(deps.challengeKey) ? deps.challengeKey : [deps.challengeKey];
  const challengeKey = challengeKeys[0]!;
  const useOnce = deps.useOnce ?? memoryUseOnce(clock);
  const passwordKeys = challengeKeys.map((k) => createHmac('sha256', k).update('link-password').digest());
  const passwordKey = passwordKeys[0]!;

  function mac(nodeId: string, random: Buffer, expires: Buffer, key = challengeKey): Buffer {
    return createHmac('sha256', key).update(nodeId).update(random).update(expires).digest();
  }

  /** A link password: random part, expiry and agent version, then a MAC over them and the node id. */
  function issuePassword(nodeId: string, agentVersion: string): string {
    const expires = Buffer.alloc(8);
    expires.writeBigUInt64BE(BigInt(clock.now() + LINK_PASSWORD_TTL_MS));
    const payload = Buffer.concat([
      randomBytes(PASSWORD_RANDOM),
      expires,
      Buffer.from(agentVersion.slice(0, 100)),
    ]);
    const tag = createHmac('sha256', passwordKey).update(nodeId).update(payload).digest();
    return `${payload.toString('base64url')}.${tag.toString('base64url')}`;
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
  async function consumeLinkPassword(
    username: string,
    password: string,
  ): Promise<{ nodeId: string; agentVersion: string } | null> {
    const nodeId = canonicalId(username);
    const [p, t] = password.split('.');
    if (!nodeId || !p || !t) return null;
    const payload = Buffer.from(p, 'base64url');
    const tag = Buffer.from(t, 'base64url');
    if (payload.length < PASSWORD_RANDOM + 8 || tag.length !== 32) return null;
    if (
      !passwordKeys.some((k) =>
        timingSafeEqual(tag, createHmac('sha256', k).update(nodeId).update(payload).digest()),
      )
    )
      return null;
    const until = Number(payload.readBigUInt64BE(PASSWORD_RANDOM));
    if (until <= clock.now()) return null;
    const random = payload.subarray(0, PASSWORD_RANDOM).toString('base64url');
    if (!(await useOnce(`password:${random}`, until))) return null;
    return { nodeId, agentVersion: payload.subarray(PASSWORD_RANDOM + 8).toString('utf8') };
  }

  /** Accept a challenge's answer for this node once: its MAC binds it to the node, its expiry to a minute. */
  async function useAnswer(nodeId: string, response: string): Promise<void> {
    const nonce = Buffer.from(response, 'base64');
    const random = nonce.subarray(0, NONCE_RANDOM);
    const expires = nonce.subarray(NONCE_RANDOM, NONCE_RANDOM + 8);
    const given = nonce.subarray(NONCE_RANDOM + 8);
    if (
      nonce.length !== NONCE_BYTES ||
      !challengeKeys.some((k) => timingSafeEqual(given, mac(nodeId, random, expires, k)))
    )
      throw new ClaimError(
        'ErrForbidden',
        'the challenge response is wrong: the agent does not hold the key this node was claimed with',
      );
    const until = Number(expires.readBigUInt64BE());
    if (until <= clock.now() || !(await useOnce(`challenge:${random.toString('base64url')}`, until)))
      throw new ClaimError(
        'ErrForbidden',
        'this challenge expired or was already answered; ask for a new one',
        {
          retryDelaySeconds: 1,
        },
      );
  }

  /** The node a challenge's answer given on the link upgrade proves, or null (same checks as for a password). */
  async function nodeOfAnswer(username: string, response: string): Promise<string | null> {
    const nodeId = canonicalId(username);
    if (!nodeId) return null;
    try {
      await nodeKey(nodeId);
      await useAnswer(nodeId, response);
      return nodeId;
    } catch (err) {
      if (err instanceof ClaimError) return null;
      throw err;
    }
  }

  /**
   * The node a signature given on the link upgrade proves, or null: `<at>.<random>.<signature>`, the node's key
   * over linkSignatureMessage, within the window of the server's time, accepted once (replicas share what was used).
   */
  async function nodeOfSignature(username: string, proof: string): Promise<string | null> {
    const nodeId = canonicalId(username);
    const [atText, random, signature, extra] = proof.split('.');
    if (!nodeId || !atText || !random || !signature || extra !== undefined) return null;
    if (!/^\d{1,16}$/.test(atText) || !SIGNATURE_RANDOM.test(random) || !SIGNATURE.test(signature))
      return null;
    const at = Number(atText);
    if (Math.abs(clock.now() - at) > LINK_SIGNATURE_WINDOW_MS) return null;
    let key: KeyObject;
    try {
      key = await nodeKey(nodeId);
    } catch (err) {
      if (err instanceof ClaimError) return null;
      throw err;
    }
    const message = Buffer.from(linkSignatureMessage(nodeId, at, random));
    const algorithm = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    let valid: boolean;
    try {
      valid = verify(algorithm, message, key, Buffer.from(signature, 'base64url'));
    } catch {
      return null;
    }
    if (!valid) return null;
    return (await useOnce(`signature:${nodeId}:${random}`, at + LINK_SIGNATURE_WINDOW_MS)) ? nodeId : null;
  }

  return {
    env: (baseUrl: string) => linkEnvOf(baseUrl, signatures),
    aclkEnv: aclkEnvOf,

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
      await useAnswer(nodeId, response);
      const password = issuePassword(nodeId, agentVersion.replace(/^v/, ''));
      return { clientID: nodeId, username: nodeId, password, topics: [] };
    },

    nodeForBearer,
    consumeLinkPassword,

    /**
     * The node whose credentials an Authorization header carries: an agent bearer, a single-use link password
     * (Basic), the answer to a challenge (Challenge: the same pair, the decrypted nonce in place of a password), or
     * the node's signature (Signature: the same pair, the signed proof in place of a password).
     */
    async nodeOfAuthorization(header: string | undefined): Promise<string | null> {
      const h = header ?? '';
      if (h.startsWith('Bearer ')) return nodeForBearer(h.slice(7).trim());
      if (h.startsWith('Signature ') && signatures) {
        const pair = credentialPair(h.slice(10));
        return pair ? nodeOfSignature(pair.username, pair.password) : null;
      }
      if (h.startsWith('Challenge ')) {
        const pair = credentialPair(h.slice(10));
        return pair ? nodeOfAnswer(pair.username, pair.password) : null;
      }
      const creds = basicCredentials(h);
      return creds ? ((await consumeLinkPassword(creds.username, creds.password))?.nodeId ?? null) : null;
    },
  };
}
export type LinkAuthService = ReturnType<typeof createLinkAuthService>;

/** Credentials of a link upgrade: `Authorization: Basic <node id>:<single-use password>`. */
export function basicCredentials(h: string | undefined): { username: string; password: string } | null {
  return h?.startsWith('Basic ') ? credentialPair(h.slice(6)) : null;
}

/** `base64(<name>:<secret>)`, as Basic and Challenge authorization carry it. */
function credentialPair(encoded: string): { username: string; password: string } | null {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
