import { randomUUID, verify } from 'node:crypto';
import { z } from 'zod';
import { enrollProofMessage } from '../../protocol/claim-api.ts';
import { hostname } from '../../protocol/hostnames.ts';
import { admitNode, usesCountedAfter } from '../claiming/node-admission.ts';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex } from '../crypto.ts';
import { AppError, ClaimError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../repos/store.ts';
import type { TokenUses } from '../tokens/token-uses.ts';
import { tokenUnusableReason } from '../tokens/tokens-service.ts';
import { acceptPublicKey } from './claim-node.ts';

export const AGENT_TOKEN_PREFIX = 'mab_';

/** POST /api/agents/enroll body (fixed by existing onboarding scripts). */
export const enrollBody = z.object({
  token: z.string().min(1).max(200),
  hostname,
  os: z.string().max(100).optional(),
  arch: z.string().max(50).optional(),
  agent_version: z.string().max(100).optional(),
  restic_version: z.string().max(100).optional(),
  /** The agent's public key and its signature over the token: a retried enroll returns the same host. */
  public_key: z.string().max(10_000).optional(),
  key_proof: z.string().max(4096).optional(),
  /** Remove the host after its space's time offline (autoscaled machines, CI runners). */
  ephemeral: z.boolean().optional(),
});
export type EnrollBody = z.infer<typeof enrollBody>;

/** The enrolling agent's public key when it proved holding it (a valid signature over token and host name). */
function provenKey(body: EnrollBody): string | null {
  if (!body.public_key || !body.key_proof) return null;
  const key = acceptPublicKey(body.public_key);
  if (!key)
    throw new AppError('VALIDATION_FAILED', 'public_key must be a PEM RSA public key of 2048 bits or more');
  let ok = false;
  try {
    ok = verify(
      'sha256',
      Buffer.from(enrollProofMessage(body.token, body.hostname)),
      key,
      Buffer.from(body.key_proof, 'base64'),
    );
  } catch {
    ok = false;
  }
  if (!ok)
    throw new AppError('KEY_PROOF_INVALID', 'key_proof is not a signature of this token by public_key');
  return key;
}

/** Bearer enrollment: a one-time (or space) token becomes a node with its own long-lived agent token. */
export function createEnrollNode(deps: {
  store: Store;
  clock: Clock;
  bus: EventBus;
  caPin: string | null;
  tokenUses: TokenUses;
}) {
  const { store, clock, bus, tokenUses } = deps;
  return {
    async enrollNode(body: EnrollBody, sourceIp: string | null) {
      const agentToken = newSecret(AGENT_TOKEN_PREFIX);
      const publicKey = provenKey(body);
      const outcome = await store.transaction(async (r) => {
        const t = await r.tokens.findBySecretHash(sha256Hex(body.token));
        if (!t) throw new AppError('TOKEN_WRONG_SERVER', 'the enrollment token is not valid for this server');
        // The same agent (same key, proven) asking again for a host this token made, which never connected: its
        // first answer was lost. It gets the same host and a fresh agent token; the token is not used again.
        const nodes = r.nodes;
        const retried = publicKey ? await nodes.findPendingEnrollment(t.id, publicKey) : undefined;
        if (retried && retried.hostname.toLowerCase() === body.hostname.toLowerCase()) {
          await nodes.setBearerHash(retried.id, sha256Hex(agentToken));
          return { kind: 'retry', hostId: retried.id, tokenId: t.id } as const;
        }
        const hostId = randomUUID();
        const unusable = tokenUnusableReason(t, clock.now());
        if (unusable) throw new AppError('TOKEN_UNUSABLE', `${unusable}; mint a new one`);
        if (t.hostname !== null && t.hostname.toLowerCase() !== body.hostname.toLowerCase())
          throw new AppError(
            'TOKEN_WRONG_HOST',
            `the token was minted for host "${t.hostname}", not "${body.hostname}"`,
          );
        try {
          const admitted = await admitNode(r, t, {
            id: hostId,
            hostname: body.hostname,
            machineGuid: null,
            publicKey: publicKey ?? '',
            bearerHash: sha256Hex(agentToken),
            rooms: [],
            facts: { os: body.os, arch: body.arch, agent_version: body.agent_version },
            ephemeral: body.ephemeral === true,
            now: clock.now(),
            audit: {
              action: 'node.enrolled',
              detail: { hostname: body.hostname, token_id: t.id },
              ip: sourceIp,
            },
          });
          // A fresh random id: only a broken random source could meet an existing node.
          if (!admitted) throw new AppError('HOST_EXISTS', `host id ${hostId} exists already; enroll again`);
        } catch (err) {
          if (err instanceof ClaimError && err.key === 'ErrForbidden')
            throw new AppError('TOKEN_UNUSABLE', `${err.message}; mint a new one`);
          if (err instanceof ClaimError) throw new AppError('ENROLL_REFUSED', err.message);
          throw err;
        }
        return { kind: 'enrolled', hostId, countUseOf: usesCountedAfter(t) ? t.id : null } as const;
      });
      const { hostId } = outcome;
      if (outcome.kind === 'retry')
        return { host_id: hostId, agent_token: agentToken, cert_pin_sha256: deps.caPin };
      if (outcome.countUseOf) await tokenUses.count(outcome.countUseOf);
      bus.publish({ type: 'node.claimed', node_id: hostId, space_id: '', hostname: body.hostname });
      return { host_id: hostId, agent_token: agentToken, cert_pin_sha256: deps.caPin };
    },
  };
}
export type EnrollNode = ReturnType<typeof createEnrollNode>;
