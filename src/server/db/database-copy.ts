import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, openDatabase, type OpenDatabase } from './database.ts';

/** Rows read (and written) per statement; PostgreSQL takes at most 65,535 bound values in one. */
const PAGE_ROWS = 2000;
const MAX_BOUND = 30_000;
/** Tables that say whether the target is in use already. */
const IN_USE = ['users', 'spaces', 'nodes'];

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
type Row = Record<string, unknown>;

export interface TableCopy {
  table: string;
  rows: number;
  /** SHA-256 over the table's rows (each row's canonical form, sorted): the same on both sides. */
  checksum: string;
}

/** A value as both databases give it back: numbers and text alike, bytes as hex. */
function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toString() : v.toPrecision(15);
  if (Buffer.isBuffer(v)) return `hex:${v.toString('hex')}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
function rowHash(row: Row, columns: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify(columns.map((c) => canonical(row[c]))))
    .digest('hex');
}

/** The SQLite tables to copy, parents before children (foreign keys), with their columns and primary key. */
async function sqliteTables(db: AnyDb) {
  const names = (
    await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(
      db,
    )
  ).rows.map((r) => r.name);
  const info = new Map<string, { columns: string[]; key: string[]; parents: string[] }>();
  for (const t of names) {
    const cols = (
      await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${t})`.execute(db)
    ).rows;
    const parents = (
      await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${t})`.execute(db)
    ).rows.map((r) => r.table);
    const key = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    info.set(t, { columns: cols.map((c) => c.name), key, parents: parents.filter((p) => p !== t) });
  }
  const ordered: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t)) return;
    path.add(t);
    for (const p of info.get(t)?.parents ?? []) if (info.has(p)) visit(p, path);
    ordered.push(t);
  };
  for (const t of names) visit(t, new Set());
  return ordered.map((t) => ({ table: t, ...info.get(t)! }));
}

/** Every row of a table, a page at a time, in primary-key order (any fixed order will do: the checksum sorts). */
async function* pages(db: AnyDb, table: string, order: string[]) {
  for (let offset = 0; ; offset += PAGE_ROWS) {
    const by = order.map((c) => sql.ref(c));
    const rows = (
      await sql<Row>`select * from ${sql.table(table)} order by ${sql.join(by)} limit ${PAGE_ROWS} offset ${offset}`.execute(
        db,
      )
    ).rows;
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE_ROWS) return;
  }
}

/** The table's checksum from its rows' hashes (sorted: the two databases order text differently). */
function digest(hashes: string[]) {
  hashes.sort();
  const h = createHash('sha256');
  for (const x of hashes) h.update(x);
  return { rows: hashes.length, checksum: h.digest('hex') };
}

async function checksum(db: AnyDb, table: string, columns: string[], order: string[]) {
  const hashes: string[] = [];
  for await (const rows of pages(db, table, order)) for (const r of rows) hashes.push(rowHash(r, columns));
  return digest(hashes);
}

/**
 * Copy a SQLite database into a PostgreSQL one, everything in one transaction: both are brought to this version's
 * schema, the target must hold no fleet yet (`force` empties it first), every table is copied parents first, the
 * identity counters are moved past the copied ids, and each table's row count and checksum are compared before the
 * transaction commits. A difference rolls everything back.
 */
export async function copyDatabase(
  from: string,
  to: string,
  opts: { force?: boolean; onTable?: (t: TableCopy) => void } = {},
): Promise<TableCopy[]> {
  const source = openDatabase(from);
  let target: OpenDatabase | null = null;
  try {
    if (source.dialect !== 'sqlite')
      throw new Error('--from must be a SQLite file (the server data dir holds muster.db)');
    target = openDatabase(to);
    if (target.dialect !== 'postgres') throw new Error('--to must be a postgres:// URL');
    await migrateToLatest(source);
    await migrateToLatest(target);
    const src = source.db as unknown as AnyDb;
    const dst = target.db as unknown as AnyDb;
    const tables = await sqliteTables(src);
    const used: string[] = [];
    for (const t of IN_USE) {
      const n = Number(
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(dst)).rows[0]?.n ?? 0,
      );
      if (n > 0) used.push(`${t}: ${n}`);
    }
    if (used.length > 0 && !opts.force)
      throw new Error(
        `the target database is in use (${used.join(', ')}): copy into a new, empty database, or pass --force to replace what it holds`,
      );
    const done: TableCopy[] = [];
    await dst.transaction().execute(async (trx) => {
      // Emptied children first; then filled parents first.
      for (const t of [...tables].reverse()) await sql`delete from ${sql.table(t.table)}`.execute(trx);
      for (const t of tables) {
        const order = t.key.length > 0 ? t.key : t.columns;
        const batch = Math.max(1, Math.min(PAGE_ROWS, Math.floor(MAX_BOUND / t.columns.length)));
        // The source's rows are hashed as they are copied (read once); the target's are read back.
        const read: string[] = [];
        for await (const rows of pages(src, t.table, order)) {
          for (const r of rows) read.push(rowHash(r, t.columns));
          for (let i = 0; i < rows.length; i += batch)
            await trx
              .insertInto(t.table)
              .values(rows.slice(i, i + batch))
              .execute();
        }
        const a = digest(read);
        const b = await checksum(trx, t.table, t.columns, order);
        if (a.rows !== b.rows || a.checksum !== b.checksum)
          throw new Error(
            `${t.table}: ${a.rows} rows were read but ${b.rows} arrived, or their contents differ (checksums ${a.checksum.slice(0, 12)} / ${b.checksum.slice(0, 12)}); nothing was copied`,
          );
        const copy = { table: t.table, rows: a.rows, checksum: a.checksum };
        done.push(copy);
        opts.onTable?.(copy);
      }
      // Identity columns count on from the highest id copied.
      const identities = (
        await sql<{
          table_name: string;
          column_name: string;
        }>`select table_name, column_name from information_schema.columns where is_identity = 'YES' and table_schema = current_schema()`.execute(
          trx,
        )
      ).rows;
      for (const c of identities)
        await sql`select setval(pg_get_serial_sequence(${c.table_name}, ${c.column_name}), coalesce((select max(${sql.ref(c.column_name)}) from ${sql.table(c.table_name)}), 0) + 1, false)`.execute(
          trx,
        );
    });
    return done;
  } finally {
    await source.close();
    await target?.close();
  }
}
