import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { newSecret, sha256Hex, type Sealer } from '../crypto.ts';
import type { TokensTable } from '../db/schema.ts';
import type { SpaceTokenView } from '../../protocol/api/views.ts';
import { SYSTEM, type Actor } from '../actor.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';

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
export function presentSpaceToken(t: TokensTable, raw: string): SpaceTokenView {
  return {
    token: raw,
    expires_at: t.expires_at,
    max_uses: t.max_uses,
    uses: t.uses,
    created_at: t.created_at,
  };
}

/** When a space claim token stops working: a time, a number of uses, or never (null). */
export interface TokenLimits {
  expires_at: number | null;
  max_uses: number | null;
}

/** Space claim tokens: one active per space, kept as hash plus an encrypted copy admins may view again. */
export function createTokensService(deps: { store: Store; sealer: Sealer; clock: Clock }) {
  const { store, sealer, clock } = deps;
  const repo = store.repos.tokens;

  /** A new token for the space (the old one stops working), recorded as rotated unless the server made it. */
  async function mint(actor: Actor, spaceId: string, limits: TokenLimits) {
    const raw = newSecret(SPACE_TOKEN_PREFIX);
    const row: TokensTable = {
      id: randomUUID(),
      kind: 'space_claim',
      space_id: spaceId,
      secret_hash: sha256Hex(raw),
      secret_enc: sealer.seal(raw),
      created_by: actor.kind === 'user' || actor.kind === 'api_key' ? actor.userId : null,
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
    await store.transaction(async (r) => {
      await r.tokens.revokeSpaceTokens(spaceId, clock.now());
      await r.tokens.insert(row);
      if (actor.kind !== 'system')
        await r.audit.record(actor, 'token.rotated', { type: 'space', id: spaceId });
    });
    return presentSpaceToken(row, raw);
  }

  return {
    /** The space's active claim token (made on first use). */
    async getSpaceToken(spaceId: string) {
      const t = await repo.activeSpaceToken(spaceId);
      if (!t) return mint(SYSTEM, spaceId, { expires_at: null, max_uses: null });
      if (!t.secret_enc)
        throw new AppError('CLAIM_TOKEN_MISSING', 'the space claim token has no stored copy; rotate it');
      return presentSpaceToken(t, sealer.open(t.secret_enc));
    },
    /** A new token for the space; the old one stops working at once. */
    rotateSpaceToken: mint,
    /** Change expiry and use limit of the active token without changing its value. */
    /** Change the limits given (null lifts one); a limit not given stays as it is. */
    async setSpaceTokenLimits(actor: Actor, spaceId: string, change: Partial<TokenLimits>) {
      const t = await repo.activeSpaceToken(spaceId);
      if (!t || !t.secret_enc)
        throw new AppError('NOT_FOUND', 'the space has no active claim token; rotate to make one');
      const limits: TokenLimits = {
        expires_at: change.expires_at !== undefined ? change.expires_at : t.expires_at,
        max_uses: change.max_uses !== undefined ? change.max_uses : t.max_uses,
      };
      await store.transaction(async (r) => {
        await r.tokens.setLimits(t.id, limits);
        await r.audit.record(actor, 'token.limits_changed', { type: 'space', id: spaceId }, { ...limits });
      });
      return presentSpaceToken({ ...t, ...limits }, sealer.open(t.secret_enc));
    },
  };
}
export type TokensService = ReturnType<typeof createTokensService>;
