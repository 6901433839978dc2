import { createPublicKey } from 'node:crypto';
import { TOKEN_PATTERN, type ClaimRequest } from '../../protocol/claim-api.ts';
import { isValidHostname } from '../../protocol/hostnames.ts';
import { canonicalId } from '../../protocol/ids.ts';
import { admitNode, usesCountedAfter } from '../claiming/node-admission.ts';
import type { Clock } from '../clock.ts';
import { sha256Hex } from '../crypto.ts';
import { ClaimError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../repos/store.ts';
import type { TokenUses } from '../tokens/token-uses.ts';
import { tokenUnusableReason } from '../tokens/tokens-service.ts';

const MAX_ROOMS = 100;

/** Normalise a PEM public key we accept (RSA, 2048 bits or more, for RSA-OAEP challenges); null otherwise. */
export function acceptPublicKey(pem: unknown): string | null {
  if (typeof pem !== 'string' || pem.length > 10_000 || !pem.includes('-----BEGIN')) return null;
  try {
    const key = createPublicKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') return null;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048 || bits > 8192) return null;
    return canonicalSpki(pem) ?? key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return null;
  }
}

/**
 * The key as it was sent when that already is the normal form (an SPKI PEM in 64-character lines, as agents
 * send it), so that the costlier re-encoding is only needed for other forms; null otherwise.
 */
function canonicalSpki(pem: string): string | null {
  const m = /^-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n-----END PUBLIC KEY-----\s*$/.exec(
    pem,
  );
  if (!m) return null;
  const body = m[1]!.replace(/\r/g, '');
  const wrapped = body.replace(/\n/g, '').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return wrapped === body ? `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n` : null;
}

/** Rooms as sent: an array of ids or slugs (a comma-separated string is tolerated for old scripts). */
function parseRooms(rooms: unknown): string[] | null {
  if (rooms === undefined || rooms === null) return [];
  const list = typeof rooms === 'string' ? rooms.split(',') : rooms;
  if (!Array.isArray(list) || list.length > MAX_ROOMS) return null;
  const out: string[] = [];
  for (const r of list) {
    if (typeof r !== 'string' || r.length > 100) return null;
    if (r.trim()) out.push(r.trim());
  }
  return out;
}

export type ClaimOutcome = { kind: 'claimed' | 'retry'; nodeId: string; spaceId: string };
/** The claim's transaction decided: the outcome, and the token whose use is counted after the commit. */
type Decided = ClaimOutcome & { countUseOf?: string | null };

/**
 * The claim endpoint's rules: validate every field with its own error key, then consume the token, create the
 * node and record it in the audit log in one transaction (a token with no limit has its use counted just after);
 * then announce it.
 */
export function createClaimNode(deps: { store: Store; clock: Clock; bus: EventBus; tokenUses: TokenUses }) {
  const { store, clock, bus, tokenUses } = deps;

  return {
    async claimNode(rawId: string, body: ClaimRequest, sourceIp: string | null): Promise<ClaimOutcome> {
      // One node per id whatever the letter case: ids are stored and compared in lower case.
      const claimedId = canonicalId(rawId);
      if (!claimedId)
        throw new ClaimError('ErrInvalidNodeID', `node id "${rawId.slice(0, 80)}" is not a UUID`);
      if (body.node?.id !== undefined && canonicalId(body.node.id) !== claimedId)
        throw new ClaimError('ErrInvalidNodeID', 'node.id in the body differs from the id in the URL');
      const hostname = body.node?.hostname;
      if (!isValidHostname(hostname))
        throw new ClaimError(
          'ErrInvalidNodeName',
          'hostname must be 1-253 characters of letters, digits, "-", "_" and "." labels',
        );
      const publicKey = acceptPublicKey(body.publicKey);
      if (!publicKey)
        throw new ClaimError(
          'ErrInvalidPublicKey',
          'publicKey must be a PEM RSA public key of 2048 bits or more',
        );
      const rooms = parseRooms(body.rooms);
      if (!rooms) throw new ClaimError('ErrInvalidRoomID', 'rooms must be a list of room ids or slugs');
      const token = body.token;
      if (typeof token !== 'string' || !TOKEN_PATTERN.test(token))
        throw new ClaimError('ErrForbidden', 'the claim token is missing or malformed');
      const mGUID = typeof body.mGUID === 'string' && body.mGUID.length <= 64 ? body.mGUID : null;

      const outcome = await store.transaction(async (r): Promise<Decided> => {
        const { tokens, nodes } = r;
        const now = clock.now();
        const t = await tokens.findBySecretHash(sha256Hex(token));
        if (!t) throw new ClaimError('ErrForbidden', 'the claim token is not valid for this server');

        /**
         * A node with this id may exist: the same machine asking again (its first answer was lost) is answered
         * as a retry, another key or space is a clash; with no such node, `refusal` stands.
         */
        const retryOr = async (refusal: ClaimError): Promise<ClaimOutcome> => {
          const existing = await nodes.findNode(claimedId);
          if (!existing) throw refusal;
          const secrets = await nodes.findSecrets(claimedId);
          if (
            existing.status !== 'removed' &&
            secrets?.public_key === publicKey &&
            existing.space_id === t.space_id
          )
            return { kind: 'retry', nodeId: claimedId, spaceId: t.space_id };
          throw new ClaimError(
            'ErrAlreadyClaimed',
            `node id ${claimedId} is already registered with another key or space`,
          );
        };

        // A retry is answered whatever became of the token since (used up, expired): it claims nothing new.
        const unusable =
          tokenUnusableReason(t, now) ??
          (t.hostname !== null && t.hostname.toLowerCase() !== hostname.toLowerCase()
            ? 'the token is bound to another hostname'
            : null);
        if (unusable) return retryOr(new ClaimError('ErrForbidden', unusable));

        const admitted = await admitNode(r, t, {
          id: claimedId,
          hostname,
          machineGuid: mGUID,
          publicKey,
          bearerHash: null,
          rooms,
          now,
          ephemeral: body.ephemeral === true,
          audit: {
            action: 'node.claimed',
            detail: { hostname, token_id: t.id, machine_guid: mGUID },
            ip: sourceIp,
          },
        });
        if (!admitted)
          return retryOr(new ClaimError('ErrAlreadyClaimed', `node id ${claimedId} is already registered`));
        return {
          kind: 'claimed',
          nodeId: claimedId,
          spaceId: t.space_id,
          countUseOf: usesCountedAfter(t) ? t.id : null,
        };
      });

      if (outcome.kind === 'claimed') {
        if (outcome.countUseOf) await tokenUses.count(outcome.countUseOf);
        bus.publish({ type: 'node.claimed', node_id: claimedId, space_id: outcome.spaceId, hostname });
      }
      return { kind: outcome.kind, nodeId: outcome.nodeId, spaceId: outcome.spaceId };
    },
  };
}
export type ClaimNode = ReturnType<typeof createClaimNode>;
