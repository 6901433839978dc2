import type { Db } from '../db/database.ts';
import type { TokensTable } from '../db/schema.ts';

/** Queries for claim and enrollment tokens. */
export function createTokensRepo(db: Db) {
  return {
    insert: (row: TokensTable) => db.insertInto('tokens').values(row).execute(),
    findBySecretHash: (hash: string) =>
      db.selectFrom('tokens').selectAll().where('secret_hash', '=', hash).executeTakeFirst(),
    activeSpaceToken: (spaceId: string) =>
      db
        .selectFrom('tokens')
        .selectAll()
        .where('space_id', '=', spaceId)
        .where('kind', '=', 'space_claim')
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst(),
    revokeSpaceTokens: (spaceId: string, now: number) =>
      db
        .updateTable('tokens')
        .set({ revoked_at: now })
        .where('space_id', '=', spaceId)
        .where('kind', '=', 'space_claim')
        .where('revoked_at', 'is', null)
        .execute(),
    /** Count one use, only while uses remain; false when someone else took the last one. */
    async incrementUses(id: string): Promise<boolean> {
      const r = await db
        .updateTable('tokens')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('id', '=', id)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Add `n` uses counted after their claims (a token with no limit: nothing to check). */
    addUses: (id: string, n: number) =>
      db
        .updateTable('tokens')
        .set((eb) => ({ uses: eb('uses', '+', n) }))
        .where('id', '=', id)
        .execute(),
    findById: (id: string) => db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst(),
    /** A space's enrollment tokens with who made them, newest first (or just the one `id` names). */
    listEnrollment: (spaceId: string, id?: string) => {
      let q = db
        .selectFrom('tokens')
        .leftJoin('users', 'users.id', 'tokens.created_by')
        .selectAll('tokens')
        .select('users.username as created_by_username')
        .where('tokens.space_id', '=', spaceId)
        .where('tokens.kind', '=', 'enrollment');
      if (id) q = q.where('tokens.id', '=', id);
      return q.orderBy('tokens.created_at', 'desc').limit(1000).execute();
    },
    revoke: (id: string, now: number) =>
      db.updateTable('tokens').set({ revoked_at: now, secrets_enc: null }).where('id', '=', id).execute(),
    clearSecretsOfExpired: (now: number) =>
      db
        .updateTable('tokens')
        .set({ secrets_enc: null })
        .where('expires_at', '<=', now)
        .where('secrets_enc', 'is not', null)
        .execute(),
    async deleteEnrollmentBefore(cutoff: number): Promise<number> {
      const r = await db
        .deleteFrom('tokens')
        .where('kind', '=', 'enrollment')
        .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    clearSecrets: (id: string) =>
      db.updateTable('tokens').set({ secrets_enc: null }).where('id', '=', id).execute(),
    setLimits: (id: string, set: { expires_at: number | null; max_uses: number | null }) =>
      db.updateTable('tokens').set(set).where('id', '=', id).execute(),
  };
}
export type TokensRepo = ReturnType<typeof createTokensRepo>;
