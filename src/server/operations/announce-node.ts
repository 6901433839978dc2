import { createPublicKey, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isValidHostname } from '../../protocol/hostnames.ts';
import { canonicalId } from '../../protocol/ids.ts';
import { nodeFacts } from '../../protocol/link-facts.ts';
import type { Actor, UserActor } from '../actor.ts';
import { admitNode } from '../claiming/node-admission.ts';
import type { Clock } from '../clock.ts';
import { sha256Hex } from '../crypto.ts';
import type { AnnouncementsTable } from '../db/schema.ts';
import { AppError, ClaimError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../repos/store.ts';
import { acceptPublicKey } from './claim-node.ts';
import type { FleetLife } from './fleet-life.ts';

/** How long an announcement waits for a decision. */
export const ANNOUNCEMENT_TTL_MS = 24 * 3600_000;
/** Announcements one space holds waiting at most: more are refused until some are decided or expire. */
export const MAX_PENDING = 100;

/** What an agent sends to announce itself. */
export const announceBody = z.object({
  node: z.object({ hostname: z.unknown().optional() }).partial().optional(),
  publicKey: z.unknown().optional(),
  /** The space by id or slug; the default space when absent. */
  space: z.string().max(100).optional(),
  facts: z.unknown().optional(),
});
export type AnnounceBody = z.infer<typeof announceBody>;

export const announcementView = z.object({
  id: z.string(),
  space_id: z.string(),
  node_id: z.string(),
  hostname: z.string(),
  fingerprint: z
    .string()
    .describe("SHA-256 of the agent's public key (hex): compare it with `muster-agent status`"),
  facts: z.record(z.string(), z.unknown()),
  source_ip: z.string().nullable(),
  state: z.enum(['pending', 'approved', 'rejected']),
  created_at: z.number(),
  expires_at: z.number(),
  decided_at: z.number().nullable(),
});
export type AnnouncementView = z.infer<typeof announcementView>;

/** SHA-256 (hex) of a public key's DER form: the same key has the same fingerprint in any PEM layout. */
export function keyFingerprint(pem: string): string {
  return sha256Hex(createPublicKey(pem).export({ type: 'spki', format: 'der' }));
}

function present(a: AnnouncementsTable): AnnouncementView {
  return {
    id: a.id,
    space_id: a.space_id,
    node_id: a.node_id,
    hostname: a.hostname,
    fingerprint: a.fingerprint,
    facts: JSON.parse(a.facts) as Record<string, unknown>,
    source_ip: a.source_ip,
    state: a.state,
    created_at: a.created_at,
    expires_at: a.expires_at,
    decided_at: a.decided_at,
  };
}

/**
 * Approval without a token: an agent that has only the server's URL and pin announces its key and facts, and waits;
 * an operator approves it into a room (it becomes a node, and its next announcement answers so) or rejects it (its
 * key is refused from then on). Off unless the space allows it; bounded per space and by the rate limit per address;
 * unanswered announcements expire after a day.
 */
export function createAnnounceNode(deps: {
  store: Store;
  clock: Clock;
  bus: EventBus;
  fleetLife: Pick<FleetLife, 'settingsOf'>;
}) {
  const { store, clock, bus } = deps;
  const repo = store.repos.announcements;

  async function spaceOf(space: string | undefined) {
    const spaces = await store.repos.spaces.listSpaces();
    const s = space ? spaces.find((x) => x.id === space || x.slug === space) : spaces[0];
    if (!s) throw new ClaimError('ErrNotFound', `no space "${String(space).slice(0, 100)}" on this server`);
    return s;
  }

  return {
    /** An agent announces itself (or asks again how its announcement stands). */
    async announce(
      rawId: string,
      body: AnnounceBody,
      sourceIp: string | null,
    ): Promise<
      { state: 'pending'; fingerprint: string; expires_at: number } | { state: 'approved'; node_id: string }
    > {
      const id = canonicalId(rawId);
      if (!id) throw new ClaimError('ErrInvalidNodeID', `node id "${rawId.slice(0, 80)}" is not a UUID`);
      const hostname = body.node?.hostname;
      if (!isValidHostname(hostname))
        throw new ClaimError(
          'ErrInvalidNodeName',
          'hostname must be 1-253 characters of letters, digits, "-", "_" and "."',
        );
      const publicKey = acceptPublicKey(body.publicKey);
      if (!publicKey)
        throw new ClaimError(
          'ErrInvalidPublicKey',
          'publicKey must be a PEM RSA public key of 2048 bits or more',
        );
      const facts = nodeFacts.partial().safeParse(body.facts ?? {});
      if (!facts.success) throw new ClaimError('ErrBadRequest', 'facts do not parse');
      const factsJson = JSON.stringify(facts.data);
      const fingerprint = keyFingerprint(publicKey);
      const now = clock.now();

      const known = await repo.findByFingerprint(fingerprint);
      if (known?.state === 'rejected')
        throw new ClaimError('ErrForbidden', 'an operator rejected this agent (its key is refused)', {
          nonRetryable: true,
        });
      if (known?.state === 'approved') return { state: 'approved', node_id: known.node_id };
      if (known && known.expires_at > now) {
        await repo.refresh(known.id, hostname, factsJson, sourceIp);
        return { state: 'pending', fingerprint, expires_at: known.expires_at };
      }
      if (known) await repo.pruneExpired(now);

      const space = await spaceOf(body.space);
      if (!(await deps.fleetLife.settingsOf(space.id)).announce)
        throw new ClaimError(
          'ErrForbidden',
          `space "${space.name}" takes no announcements: claim with a token, or an admin turns announcements on in the space's settings`,
          { nonRetryable: true },
        );
      if (await store.repos.nodes.findNode(id))
        throw new ClaimError('ErrAlreadyClaimed', `node id ${id} is already registered`);
      if ((await repo.countPending(space.id, now)) >= MAX_PENDING)
        throw new ClaimError(
          'ErrTooManyRequests',
          `${MAX_PENDING} agents already await approval in this space: approve or reject them first`,
          { retryDelaySeconds: 600 },
        );
      await repo.insert({
        id: randomUUID(),
        space_id: space.id,
        node_id: id,
        hostname,
        public_key: publicKey,
        fingerprint,
        facts: factsJson,
        source_ip: sourceIp,
        state: 'pending',
        created_at: now,
        expires_at: now + ANNOUNCEMENT_TTL_MS,
        decided_by: null,
        decided_at: null,
      });
      return { state: 'pending', fingerprint, expires_at: now + ANNOUNCEMENT_TTL_MS };
    },

    list: async () => (await repo.list(clock.now(), 500)).map(present),

    /** Approve into the space's default rooms and `roomId` (when given): the agent links at its next announcement. */
    async approve(actor: UserActor, id: string, roomId: string | null): Promise<AnnouncementView> {
      const a = await repo.findById(id);
      const now = clock.now();
      if (!a || (a.state === 'pending' && a.expires_at <= now))
        throw new AppError('NOT_FOUND', `announcement ${id} does not exist (or expired)`);
      if (a.state !== 'pending')
        throw new AppError('ANNOUNCEMENT_DECIDED', `the announcement was ${a.state} already`);
      if (roomId) {
        const room = await store.repos.spaces.findRoom(roomId);
        if (!room || room.space_id !== a.space_id)
          throw new AppError(
            'VALIDATION_FAILED',
            `room ${roomId} is not a room of the space the agent announced itself to`,
          );
      }
      await store.transaction(async (r) => {
        const admitted = await admitNode(r, null, {
          id: a.node_id,
          spaceId: a.space_id,
          hostname: a.hostname,
          machineGuid: null,
          publicKey: a.public_key,
          bearerHash: null,
          rooms: roomId ? [roomId] : [],
          now,
          audit: {
            action: 'node.approved',
            detail: { hostname: a.hostname, fingerprint: a.fingerprint, room_id: roomId },
            ip: actor.ip,
            actor,
          },
        });
        if (!admitted)
          throw new AppError('ANNOUNCEMENT_DECIDED', `node id ${a.node_id} is already registered`);
        if (!(await r.announcements.decide(id, 'approved', actor.userId, now)))
          throw new AppError('ANNOUNCEMENT_DECIDED', 'the announcement was decided meanwhile');
      });
      bus.publish({ type: 'node.claimed', node_id: a.node_id, space_id: a.space_id, hostname: a.hostname });
      return present((await repo.findById(id))!);
    },

    /** Reject: the announcement is kept, and its key refused from now on. */
    async reject(actor: Actor & { userId: string }, id: string): Promise<AnnouncementView> {
      const a = await repo.findById(id);
      if (!a) throw new AppError('NOT_FOUND', `announcement ${id} does not exist`);
      if (a.state !== 'pending')
        throw new AppError('ANNOUNCEMENT_DECIDED', `the announcement was ${a.state} already`);
      const now = clock.now();
      await store.transaction(async (r) => {
        if (!(await r.announcements.decide(id, 'rejected', actor.userId, now)))
          throw new AppError('ANNOUNCEMENT_DECIDED', 'the announcement was decided meanwhile');
        await r.audit.record(
          actor,
          'node.rejected',
          { type: 'node', id: a.node_id },
          {
            hostname: a.hostname,
            fingerprint: a.fingerprint,
          },
        );
      });
      return present((await repo.findById(id))!);
    },
    pruneExpired: () => repo.pruneExpired(clock.now()),
  };
}
export type AnnounceNode = ReturnType<typeof createAnnounceNode>;
