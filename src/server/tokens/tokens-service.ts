import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex, type Sealer } from '../crypto.ts';
import type { TokensTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { TokensRepo } from './tokens-repo.ts';

export const SPACE_TOKEN_PREFIX = 'msc_';

/** Why a token cannot be used right now, or null when it can. */
export function tokenUnusableReason(t: TokensTable, now: number): string | null {
  if (t.revoked_at !== null)
    return t.kind === 'space_claim' ? 'the token was rotated or revoked' : 'the token was revoked';
  if (t.expires_at !== null && t.expires_at <= now) return 'the token has expired';
  if (t.max_uses !== null && t.uses >= t.max_uses) return 'the token has been used up';
  return null;
}

/** Public view of a space claim token; the raw token is shown to admins only. */
export function presentSpaceToken(t: TokensTable, raw: string) {
  return {
    token: raw,
    expires_at: t.expires_at,
    max_uses: t.max_uses,
    uses: t.uses,
    created_at: t.created_at,
  };
}

/** Space claim tokens: one active per space, kept as hash plus an encrypted copy admins may view again. */
export function createTokensService(deps: { repo: TokensRepo; sealer: Sealer; clock: Clock }) {
  const { repo, sealer, clock } = deps;

  async function mint(
    spaceId: string,
    createdBy: string | null,
    limits: { expires_at: number | null; max_uses: number | null },
  ) {
    const raw = newSecret(SPACE_TOKEN_PREFIX);
    const row: TokensTable = {
      id: randomUUID(),
      kind: 'space_claim',
      space_id: spaceId,
      secret_hash: sha256Hex(raw),
      secret_enc: sealer.seal(raw),
      created_by: createdBy,
      created_at: clock.now(),
      expires_at: limits.expires_at,
      max_uses: limits.max_uses,
      uses: 0,
      revoked_at: null,
      hostname: null,
      rooms: '[]',
      tags: '[]',
      config: '{}',
      secrets_enc: null,
    };
    await repo.revokeSpaceTokens(spaceId, clock.now());
    await repo.insert(row);
    return presentSpaceToken(row, raw);
  }

  return {
    /** The space's active claim token (made on first use). */
    async getSpaceToken(spaceId: string) {
      const t = await repo.activeSpaceToken(spaceId);
      if (!t) return mint(spaceId, null, { expires_at: null, max_uses: null });
      if (!t.secret_enc)
        throw new AppError('INTERNAL', 'the space claim token has no stored copy; rotate it');
      return presentSpaceToken(t, sealer.open(t.secret_enc));
    },
    /** A new token for the space; the old one stops working at once. */
    rotateSpaceToken: (
      spaceId: string,
      createdBy: string | null,
      limits: { expires_at: number | null; max_uses: number | null },
    ) => mint(spaceId, createdBy, limits),
    /** Change expiry and use limit of the active token without changing its value. */
    async setSpaceTokenLimits(
      spaceId: string,
      limits: { expires_at: number | null; max_uses: number | null },
    ) {
      const t = await repo.activeSpaceToken(spaceId);
      if (!t || !t.secret_enc)
        throw new AppError('NOT_FOUND', 'the space has no active claim token; rotate to make one');
      await repo.setLimits(t.id, limits);
      return presentSpaceToken({ ...t, ...limits }, sealer.open(t.secret_enc));
    },
  };
}
export type TokensService = ReturnType<typeof createTokensService>;
