import type { Db } from '../db/database.ts';
import type { AuthChallengesTable, PasskeysTable } from '../db/schema.ts';

/** Queries for second factors (TOTP secrets, recovery codes, passkeys) and short-lived sign-in challenges. */
export function createFactorsRepo(db: Db) {
  return {
    setTotp: (
      userId: string,
      set: {
        totp_secret_enc?: string | null;
        totp_pending_enc?: string | null;
        totp_last_step?: number | null;
      },
    ) => db.updateTable('users').set(set).where('id', '=', userId).execute(),
    /** TOTP off: no secret, none pending, and its recovery codes gone. */
    clearTotp: async (userId: string) => {
      await db
        .updateTable('users')
        .set({ totp_secret_enc: null, totp_pending_enc: null, totp_last_step: null })
        .where('id', '=', userId)
        .execute();
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    },
    /** Accept a code's time step once: false when this step (or a later one) was used already. */
    async useTotpStep(userId: string, step: number): Promise<boolean> {
      const r = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    replaceRecoveryCodes: async (userId: string, hashes: string[]) => {
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (hashes.length > 0)
        await db
          .insertInto('recovery_codes')
          .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
          .execute();
    },
    /** Use a recovery code once: false when it is unknown or used. */
    async useRecoveryCode(userId: string, hash: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('recovery_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    recoveryCodesLeft: async (userId: string) =>
      Number(
        (
          await db
            .selectFrom('recovery_codes')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', userId)
            .where('used_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    passkeysOf: (userId: string) =>
      db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute(),
    findPasskey: (id: string) =>
      db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst(),
    insertPasskey: (row: PasskeysTable) => db.insertInto('passkeys').values(row).execute(),
    passkeyUsed: (id: string, counter: number, at: number) =>
      db.updateTable('passkeys').set({ counter, last_used_at: at }).where('id', '=', id).execute(),
    deletePasskey: (userId: string, id: string) =>
      db.deleteFrom('passkeys').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst(),
    deletePasskeysOf: (userId: string) => db.deleteFrom('passkeys').where('user_id', '=', userId).execute(),
    insertChallenge: (row: AuthChallengesTable) => db.insertInto('auth_challenges').values(row).execute(),
    /** Take a challenge (it is good once): the row, or undefined when unknown, used or expired. */
    async takeChallenge(id: string, purpose: AuthChallengesTable['purpose'], now: number) {
      const row = await db
        .selectFrom('auth_challenges')
        .selectAll()
        .where('id', '=', id)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      if (!row) return undefined;
      const r = await db.deleteFrom('auth_challenges').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0 && row.expires_at > now ? row : undefined;
    },
    pruneChallenges: (now: number) =>
      db.deleteFrom('auth_challenges').where('expires_at', '<=', now).execute(),
  };
}
export type FactorsRepo = ReturnType<typeof createFactorsRepo>;
