import { sql } from 'kysely';
import type { Sealer } from '../crypto.ts';
import type { Db } from './database.ts';

/**
 * Every column that holds a value sealed with the master key, by table and primary key. A new sealed column belongs
 * here (test/server-growth.test.ts fails for a `*_enc` column that is not), or a key rotation would leave it
 * unreadable.
 */
export const SEALED_COLUMNS = [
  { table: 'users', key: 'id', columns: ['totp_secret_enc', 'totp_pending_enc'] },
  { table: 'tokens', key: 'id', columns: ['secret_enc', 'secrets_enc'] },
  { table: 'node_secrets', key: 'node_id', columns: ['repo_enc'] },
  { table: 'backup_plans', key: 'id', columns: ['secrets_enc'] },
  { table: 'notification_channels', key: 'id', columns: ['config'] },
  { table: 'server_settings', key: 'name', columns: ['value'], only: ['master_key_check'] },
] as const;

/**
 * Seal every sealed value again, opened with any key of `from` and sealed with `to`, in one transaction; `all`: every
 * value, otherwise only those not sealed with `from`'s sealing key. The number of values sealed again.
 */
async function reseal(db: Db, from: Sealer, to: Sealer, all: boolean): Promise<number> {
  let n = 0;
  await db.transaction().execute(async (trx) => {
    for (const s of SEALED_COLUMNS) {
      const only = 'only' in s ? sql` where ${sql.ref(s.key)} in (${sql.join([...s.only])})` : sql``;
      const rows = (
        await sql<Record<string, string | null>>`select ${sql.ref(s.key)}, ${sql.join(
          s.columns.map((c) => sql.ref(c)),
        )} from ${sql.table(s.table)}${only}`.execute(trx)
      ).rows;
      for (const row of rows) {
        for (const c of s.columns) {
          const v = row[c];
          if (!v) continue;
          const opened = from.openAny(v);
          if (!all && opened.current) continue;
          await sql`update ${sql.table(s.table)} set ${sql.ref(c)} = ${to.seal(opened.plain)} where ${sql.ref(s.key)} = ${row[s.key]}`.execute(
            trx,
          );
          n++;
        }
      }
    }
  });
  return n;
}

/** A rotation: every sealed value sealed again under the new key. */
export const resealAll = (db: Db, from: Sealer, to: Sealer) => reseal(db, from, to, true);
/** After a rotation: what is still sealed under another key of the ring, sealed under the current one. */
export const resealStragglers = (db: Db, sealer: Sealer) => reseal(db, sealer, sealer, false);
