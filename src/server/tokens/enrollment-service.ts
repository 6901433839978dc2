import { randomUUID } from 'node:crypto';
import { repositoryUrl } from '../../protocol/repository-url.ts';
import { z } from 'zod';
import { backupPath } from '../../protocol/schedules.ts';
import { hostname } from '../../protocol/hostnames.ts';
import type { EnrollmentTokenView } from '../../protocol/api/views.ts';
import type { Actor, UserActor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex, type Sealer } from '../crypto.ts';
import type { TokensTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import { tokenUnusableReason } from './tokens-service.ts';

export const ENROLLMENT_TOKEN_PREFIX = 'mse_';
export const DEFAULT_ENROLLMENT_TTL_SECONDS = 3600;
/** Expired and used tokens stay listed this long, then the sweeper deletes them. */
export const ENROLLMENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** POST /api/enrollment-tokens body (fixed by existing onboarding scripts; the rest is optional). */
export const mintEnrollmentBody = z.object({
  hostname,
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
  rooms: z.array(z.string().min(1).max(100)).max(50).default([]),
  repo_url: repositoryUrl.optional(),
  repo_username: z.string().max(500).optional(),
  repo_password: z.string().max(2000).optional(),
  initial_paths: z.array(backupPath).max(200).default([]),
  ttl_seconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(DEFAULT_ENROLLMENT_TTL_SECONDS),
  space_id: z.string().max(100).optional(),
  /** The host it enrolls is ephemeral: removed after its space's time offline. */
  ephemeral: z.boolean().default(false),
});
export type MintEnrollmentBody = z.infer<typeof mintEnrollmentBody>;

/** Repository credentials a node receives over its link. */
export interface RepoSecrets {
  repo_url: string;
  repo_username?: string;
  repo_password?: string;
}

export type EnrollmentState = 'active' | 'used' | 'expired' | 'revoked';

/** State of an enrollment token at `now`. */
export function enrollmentState(t: TokensTable, now: number): EnrollmentState {
  if (t.revoked_at !== null) return 'revoked';
  if (t.max_uses !== null && t.uses >= t.max_uses) return 'used';
  if (t.expires_at !== null && t.expires_at <= now) return 'expired';
  return 'active';
}

/** One-time enrollment tokens: shown once, stored as a hash, optionally carrying sealed repository secrets. */
export function createEnrollmentService(deps: { store: Store; sealer: Sealer; clock: Clock }) {
  const { store, sealer, clock } = deps;
  const repo = store.repos.tokens;
  const spaces = store.repos.spaces;

  return {
    async mint(actor: UserActor, spaceId: string, body: MintEnrollmentBody) {
      const rooms = await spaces.listRooms(spaceId);
      const roomIds = body.rooms.map((wanted) => {
        const room = rooms.find((r) => r.id === wanted || r.slug === wanted);
        if (!room) throw new AppError('VALIDATION_FAILED', `room "${wanted}" is not in this space`);
        return room.id;
      });
      if ((body.repo_username || body.repo_password) && !body.repo_url)
        throw new AppError('VALIDATION_FAILED', 'repo_username and repo_password need repo_url');
      const secrets: RepoSecrets | null = body.repo_url
        ? { repo_url: body.repo_url, repo_username: body.repo_username, repo_password: body.repo_password }
        : null;
      const raw = newSecret(ENROLLMENT_TOKEN_PREFIX);
      const now = clock.now();
      const row: TokensTable = {
        id: randomUUID(),
        kind: 'enrollment',
        space_id: spaceId,
        secret_hash: sha256Hex(raw),
        secret_enc: null,
        created_by: actor.userId,
        created_at: now,
        expires_at: now + body.ttl_seconds * 1000,
        max_uses: 1,
        uses: 0,
        revoked_at: null,
        hostname: body.hostname,
        rooms: JSON.stringify(roomIds),
        tags: JSON.stringify(body.tags),
        config: JSON.stringify({ initial_paths: body.initial_paths }),
        secrets_enc: secrets ? sealer.seal(JSON.stringify(secrets)) : null,
        ephemeral: body.ephemeral ? 1 : 0,
      };
      await store.transaction(async (r) => {
        await r.tokens.insert(row);
        await r.audit.record(
          actor,
          'token.minted',
          { type: 'token', id: row.id },
          { hostname: body.hostname, kind: 'enrollment' },
        );
      });
      return { id: row.id, token: raw, expires_at: row.expires_at! };
    },

    async list(spaceId: string): Promise<EnrollmentTokenView[]> {
      const now = clock.now();
      const rows = await repo.listEnrollment(spaceId);
      return rows.map((t) => presentEnrollment(t, now));
    },

    /**
     * Revoke by the token's hash (SHA-256 of the token, hex), the onboarding guide's path: a token already used,
     * expired or revoked is answered as it is, so a script that tidies up stale tokens can run twice.
     */
    async revokeByHash(actor: Actor, hash: string): Promise<EnrollmentTokenView> {
      const t = await repo.findBySecretHash(hash.toLowerCase());
      if (!t || t.kind !== 'enrollment') throw new AppError('NOT_FOUND', 'no enrollment token has this hash');
      const now = clock.now();
      if (!tokenUnusableReason(t, now))
        await store.transaction(async (r) => {
          await r.tokens.revoke(t.id, now);
          await r.audit.record(actor, 'token.revoked', { type: 'token', id: t.id }, { by: 'hash' });
        });
      const [after] = await repo.listEnrollment(t.space_id, t.id);
      return presentEnrollment(after!, now);
    },

    async revoke(actor: Actor, id: string) {
      const t = await repo.findById(id);
      if (!t || t.kind !== 'enrollment')
        throw new AppError('NOT_FOUND', `enrollment token ${id} does not exist`);
      if (tokenUnusableReason(t, clock.now()))
        throw new AppError('TOKEN_NOT_ACTIVE', `the token is already ${enrollmentState(t, clock.now())}`);
      await store.transaction(async (r) => {
        await r.tokens.revoke(id, clock.now());
        await r.audit.record(actor, 'token.revoked', { type: 'token', id });
      });
      return t;
    },

    /** Drop secrets of tokens that can no longer be used, and delete old ones. */
    async sweep(): Promise<number> {
      const now = clock.now();
      await repo.clearSecretsOfExpired(now);
      return repo.deleteEnrollmentBefore(now - ENROLLMENT_RETENTION_MS);
    },
  };
}
export type EnrollmentService = ReturnType<typeof createEnrollmentService>;

function presentEnrollment(
  t: TokensTable & { created_by_username: string | null },
  now: number,
): EnrollmentTokenView {
  return {
    id: t.id,
    token_hash: t.secret_hash,
    hostname: t.hostname,
    state: enrollmentState(t, now),
    created_by: t.created_by_username,
    created_at: t.created_at,
    expires_at: t.expires_at,
    revoked_at: t.revoked_at,
    rooms: JSON.parse(t.rooms) as string[],
    tags: JSON.parse(t.tags) as string[],
    has_repository: t.secrets_enc !== null,
  };
}
