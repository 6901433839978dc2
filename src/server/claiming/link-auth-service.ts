import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { LINK_TRANSPORT, type EnvResponse, type PasswordResponse } from '../../protocol/claim-api.ts';
import type { Clock } from '../clock.ts';
import { newSecret, safeEqual, sha256Hex } from '../crypto.ts';
import { ClaimError } from '../errors.ts';
import type { NodesRepo } from '../nodes/nodes-repo.ts';

/** How long a challenge may be answered, and how long a link password may be used. */
export const CHALLENGE_TTL_MS = 60_000;
export const LINK_PASSWORD_TTL_MS = 60_000;
const MAX_PENDING = 100_000;

/** Reconnect backoff every agent is told to use. */
export const LINK_BACKOFF = { base: 2, minSeconds: 1, maxSeconds: 60 };

/**
 * Proof of key possession before every link: a random nonce encrypted to the node's public key (RSA-OAEP, SHA-256),
 * answered in clear, exchanged for a single-use 60 s link password. Nothing reusable travels.
 */
export function createLinkAuthService(deps: { nodes: NodesRepo; clock: Clock }) {
  const { nodes, clock } = deps;
  const challenges = new Map<string, { nonce: string; expires: number }>();
  const passwords = new Map<string, { nodeId: string; expires: number }>();

  function prune(map: Map<string, { expires: number }>) {
    const now = clock.now();
    for (const [k, v] of map) if (v.expires <= now) map.delete(k);
  }

  async function nodeKey(nodeId: string): Promise<string> {
    const node = await nodes.findNode(nodeId);
    if (!node)
      throw new ClaimError('ErrNotFound', `this server does not know node ${nodeId}; claim the agent again`);
    if (node.status === 'removed')
      throw new ClaimError(
        'ErrNodeRemoved',
        `node ${nodeId} was removed from the server; claim it again to bring it back`,
      );
    const secrets = await nodes.findSecrets(nodeId);
    if (secrets && !secrets.public_key)
      throw new ClaimError(
        'ErrForbidden',
        `node ${nodeId} was enrolled with a bearer token; open the link with it`,
      );
    if (!secrets)
      throw new ClaimError(
        'ErrNodeRemoved',
        `node ${nodeId} has no credentials on the server; claim it again`,
      );
    return secrets.public_key;
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

    async challenge(nodeId: string): Promise<{ challenge: string }> {
      const publicKey = await nodeKey(nodeId);
      if (challenges.size > MAX_PENDING) prune(challenges);
      const nonce = randomBytes(32);
      const encrypted = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        nonce,
      );
      challenges.set(nodeId, { nonce: nonce.toString('base64'), expires: clock.now() + CHALLENGE_TTL_MS });
      return { challenge: encrypted.toString('base64') };
    },

    async password(nodeId: string, response: string): Promise<PasswordResponse> {
      await nodeKey(nodeId);
      const pending = challenges.get(nodeId);
      challenges.delete(nodeId);
      if (!pending || pending.expires <= clock.now())
        throw new ClaimError(
          'ErrForbidden',
          'no open challenge for this node (expired or already answered); ask for a new one',
          { retryDelaySeconds: 1 },
        );
      if (!safeEqual(pending.nonce, response))
        throw new ClaimError(
          'ErrForbidden',
          'the challenge response is wrong: the agent does not hold the key this node was claimed with',
        );
      if (passwords.size > MAX_PENDING) prune(passwords);
      const password = newSecret('');
      passwords.set(sha256Hex(password), { nodeId, expires: clock.now() + LINK_PASSWORD_TTL_MS });
      return { clientID: nodeId, username: nodeId, password, topics: [] };
    },

    /** The node an agent bearer token belongs to, or null (unknown token or removed node). */
    async nodeForBearer(token: string): Promise<string | null> {
      const n = await nodes.findByBearerHash(sha256Hex(token));
      return n && n.status !== 'removed' ? n.id : null;
    },

    /** Use a link password once; returns the node it was issued to, or null. */
    consumeLinkPassword(username: string, password: string): string | null {
      const key = sha256Hex(password);
      const entry = passwords.get(key);
      if (!entry) return null;
      passwords.delete(key);
      if (entry.expires <= clock.now() || entry.nodeId !== username) return null;
      return entry.nodeId;
    },
  };
}
export type LinkAuthService = ReturnType<typeof createLinkAuthService>;

/** Credentials of a link upgrade: `Authorization: Basic <node id>:<single-use password>`. */
export function basicCredentials(req: FastifyRequest): { username: string; password: string } | null {
  const h = req.headers.authorization;
  if (!h?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
