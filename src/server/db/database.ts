import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
  type DialectAdapter,
  type LogEvent,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import pg from 'pg';
import { VERSION } from '../../version.ts';
import { databaseUnreachable } from './db-errors.ts';
import { isPostgresUrl, type DialectName } from './dialect.ts';
import { coreMigration } from './migrations/001-core.ts';
import { enrollmentMigration } from './migrations/002-enrollment.ts';
import { jobsMigration } from './migrations/003-jobs.ts';
import { schedulesMigration } from './migrations/004-schedules.ts';
import { canonicalIdsMigration } from './migrations/005-canonical-ids.ts';
import type { Database } from './schema.ts';
import { createStorageHealth, type StorageHealth } from './storage-health.ts';
import { storageProbeMigration } from './migrations/006-storage-probe.ts';
import { agentKindMigration } from './migrations/007-agent-kind.ts';
import { fleetIndexesMigration } from './migrations/008-fleet-indexes.ts';
import { clusterMigration } from './migrations/009-cluster.ts';
import { backupsMigration } from './migrations/010-backups.ts';
import { accountLockoutMigration } from './migrations/011-account-lockout.ts';
import { alertsMigration } from './migrations/012-alerts.ts';
import { backupPlansMigration } from './migrations/013-backup-plans.ts';
import { accessMigration } from './migrations/014-access.ts';
import { fleetLifeMigration } from './migrations/015-fleet-life.ts';

export type Db = Kysely<Database>;

/** An open database with the dialect it speaks. */
export interface OpenDatabase {
  db: Db;
  dialect: DialectName;
  /** The PostgreSQL schema it works in when not the default one (tests isolate themselves in one). */
  schema?: string | null;
  /** Where it is, for messages: the SQLite file, or PostgreSQL's host:port/database (never a password). */
  location: string;
  /** Whether writes succeed (a full disk makes them fail). */
  health: StorageHealth;
  /** Try a write that needs fresh space; true (and healthy again) when it went through. */
  probeWrite(): Promise<boolean>;
  /** Whether the database answers a trivial query. */
  answers(): Promise<boolean>;
  /** Why the database does not answer a trivial query (the driver's error), or null when it does. */
  problem(): Promise<string | null>;
  /**
   * A mark that differs after any committed write, by this process or any other: what was read after taking
   * a mark is still what a read would give while the mark stays the same. Null when the database cannot tell.
   */
  changeMark: () => Promise<string | null>;
  close(): Promise<void>;
}

/** Bytes the write probe stores and deletes: enough to need new pages, small enough to be cheap. */
const PROBE_BYTES = 256 * 1024;

function withProbe(
  db: Db,
  dialect: DialectName,
  location: string,
  health: StorageHealth,
  close: () => Promise<void>,
): OpenDatabase {
  async function problem() {
    try {
      await sql`select 1`.execute(db);
      return null;
    } catch (err) {
      return databaseUnreachable(err) ?? (err instanceof Error ? err.message : String(err));
    }
  }
  return {
    db,
    dialect,
    location,
    health,
    close,
    answers: async () => (await problem()) === null,
    problem,
    changeMark: changeMarkOf(db, dialect),
    async probeWrite() {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('storage_probe')
            .values({ id: 1, data: 'x'.repeat(PROBE_BYTES) })
            .execute();
          await trx.deleteFrom('storage_probe').execute();
        });
        health.recovered();
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * SQLite: rows this connection changed (`total_changes()`) and commits by other connections (`data_version`);
 * a read waits for an open transaction to end, so a mark never counts a change the read after it cannot see.
 * PostgreSQL: the position where the next write-ahead log record goes, which every commit moves, whichever
 * replica makes it; a transaction still open when the mark is taken commits behind it. A standby, or a role not
 * allowed to ask, refuses (SQLSTATE classes 42 and 55): the mark is null from then on; any other failure makes
 * only that mark null.
 */
function changeMarkOf(db: Db, dialect: DialectName): () => Promise<string | null> {
  const query =
    dialect === 'sqlite'
      ? sql<{
          mark: string;
        }>`select total_changes() || ':' || (select data_version from pragma_data_version()) as mark`
      : sql<{ mark: string }>`select pg_current_wal_insert_lsn()::text as mark`;
  let unavailable = false;
  return async () => {
    if (unavailable) return null;
    try {
      const { rows } = await query.execute(db);
      return rows[0]!.mark;
    } catch (err) {
      if (/^(42|55)/.test(String((err as { code?: unknown }).code))) unavailable = true;
      return null;
    }
  };
}

/** How long a query waits for a PostgreSQL connection before it fails. */
const PG_CONNECT_TIMEOUT_MS = 5000;

const PG_INT8 = 20;
const PG_NUMERIC = 1700;

/** pg returns 64-bit integers as strings; our timestamps fit a JS number, so parse them for this pool only. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (v: string) => Number(v);

    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format) as never;
  },
};

/**
 * Open the database named by `url`: `postgres://...` for PostgreSQL, anything else is a SQLite file path.
 * `schema` (PostgreSQL only) isolates tests in their own schema.
 */
export function openDatabase(
  url: string,
  opts: {
    schema?: string;
    onHealthChange?: (failing: string | null) => void;
    /** An idle PostgreSQL connection failed (a restart, a terminated backend); the pool replaces it. */
    onConnectionError?: (err: Error) => void;
    /** PostgreSQL connections at most (10). */
    connections?: number;
  } = {},
): OpenDatabase {
  const health = createStorageHealth({ onChange: opts.onHealthChange });
  const log = (e: LogEvent) => health.observe(e);
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.connections ?? 10,
      types: pgTypes,
      // While PostgreSQL is away a request fails within seconds (503), instead of waiting for a connection forever.
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle connection that PostgreSQL drops emits 'error' on the pool; unheard, that would end the process. The
    // pool has already discarded it and opens a new one on the next query.
    pool.on('error', (err) => opts.onConnectionError?.(err));
    // A connection PostgreSQL drops while it is checked out between two statements (a transaction waiting on this
    // process) emits 'error' on its client, which the pool no longer hears: heard here, the next statement on it
    // fails instead of the process, and the pool discards it when it comes back.
    pool.on('connect', (client) => client.on('error', (err) => opts.onConnectionError?.(err)));
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: withNamedStatements(pool) }),
      log,
    });
    const u = new URL(url);
    const location = `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname === '/' ? '' : u.pathname}`;
    return {
      ...withProbe(db, 'postgres', location, health, () => db.destroy()),
      schema: opts.schema ?? null,
    };
  }
  if (url !== ':memory:') {
    mkdirSync(dirname(url), { recursive: true });
    // Created readable by this user alone whatever the umask; SQLite gives its -wal and -shm files the same mode.
    if (!existsSync(url)) {
      closeSync(openSync(url, 'wx', 0o600));
      chmodSync(url, 0o600);
    }
  }
  const sqlite = new SQLite(url);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
  } catch (err) {
    sqlite.close();
    throw corrupt({ dialect: 'sqlite', location: url }, err) ?? err;
  }
  const db = new Kysely<Database>({
    dialect: new TransactionalSqliteDialect({ database: withStatementCache(sqlite) }),
    log,
  });
  return withProbe(db, 'sqlite', url, health, () => db.destroy());
}

/**
 * SQLite's DDL is transactional, but Kysely's adapter says otherwise, so its migrator would apply the pending
 * migrations one statement at a time: an upgrade cut off half-way (a full disk, a killed process) would leave a
 * half-migrated database. With this adapter every pending migration runs in one transaction, as on PostgreSQL.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

/** Distinct SQL texts PostgreSQL keeps prepared on each connection; others are parsed every time. */
const PG_NAMED_STATEMENTS = 500;

/**
 * The pool as Kysely's driver sees it, running each distinct SQL text with bound values as a named prepared
 * statement: PostgreSQL parses and plans it once per connection instead of once per query (a third less of
 * its CPU on a claim). A prepared `select *` fails once its table gains a column ("cached plan must not change
 * result type", another replica having upgraded the schema): that query runs again unprepared, and so does
 * everything else on that connection from then on.
 */
function withNamedStatements(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < PG_NAMED_STATEMENTS) names.set(text, (name = `muster_${names.size}`));
    return name;
  };
  const seen = new WeakSet<pg.PoolClient>();
  const unprepared = new WeakSet<pg.PoolClient>();
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  return Object.assign(Object.create(pool) as pg.Pool, {
    // The pool's own end: called on this wrapper it would set its "ending" state here, where the pool never looks,
    // and wait for its clients forever (a server on PostgreSQL that had served a link never finished closing).
    end: pool.end.bind(pool),
    async connect(): Promise<pg.PoolClient> {
      const client = await connect();
      if (seen.has(client)) return client;
      seen.add(client);
      const query = client.query.bind(client) as (q: pg.QueryConfig) => Promise<pg.QueryResult>;
      (client as { query: unknown }).query = async (text: string, values?: unknown[]) => {
        const name = values?.length && !unprepared.has(client) ? nameOf(text) : undefined;
        if (!name) return query({ text, values });
        try {
          return await query({ text, values, name });
        } catch (err) {
          if ((err as { code?: string }).code !== PG_FEATURE_NOT_SUPPORTED) throw err;
          unprepared.add(client);
          // Inside a transaction the retry meets the aborted transaction: the caller sees the real cause.
          try {
            return await query({ text, values });
          } catch {
            throw err;
          }
        }
      };
      return client;
    },
  });
}
/** SQLSTATE of "cached plan must not change result type". */
const PG_FEATURE_NOT_SUPPORTED = '0A000';

/** Distinct statements kept prepared; our queries are a few hundred shapes, and values are always bound. */
const STATEMENT_CACHE_SIZE = 500;

/** What Kysely's SQLite driver uses of a statement. */
interface DriverStatement {
  readonly reader: boolean;
  readonly busy: boolean;
  all(params: unknown[]): unknown[];
  run(params: unknown[]): SQLite.RunResult;
  iterate(params: unknown[]): IterableIterator<unknown>;
}

/**
 * A statement whose rows are read as arrays and made into objects here: better-sqlite3 builds each row object key
 * by key, which costs about twice as much for wide rows (a page of nodes) as filling them from an array. The
 * objects come from a function made for the statement's columns (`{"id": r[0], "hostname": r[1], …}`): one
 * object literal of a fixed shape is ten times faster than adding thirty properties in a loop.
 */
function rowObjects(stmt: SQLite.Statement): DriverStatement {
  if (!stmt.reader) return stmt;
  const names = stmt.columns().map((c) => c.name);
  stmt.raw(true);
  // Names are the statement's own column names, each quoted as a JSON string literal: no code can get in.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const toObject = new Function(
    'r',
    `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`,
  ) as (row: unknown[]) => Record<string, unknown>;
  return {
    reader: true,
    get busy() {
      return stmt.busy;
    },
    all: (params) => (stmt.all(params) as unknown[][]).map(toObject),
    run: (params) => stmt.run(params),
    *iterate(params) {
      for (const row of stmt.iterate(params) as IterableIterator<unknown[]>) yield toObject(row);
    },
  };
}

/**
 * The SQLite database as Kysely's driver sees it, preparing each distinct SQL text once. Kysely prepares every
 * statement anew, which costs more than running the small statements of the hot paths; a statement still being
 * iterated (a streamed result) is never handed out twice.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, DriverStatement>();
  const prepare = (source: string): DriverStatement => {
    const hit = cache.get(source);
    if (hit && !hit.busy) return hit;
    const stmt = rowObjects(sqlite.prepare(source));
    if (!hit) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** All migrations, in order; one set for both dialects. */
export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '001-core': coreMigration(dialect),
    '002-enrollment': enrollmentMigration(),
    '003-jobs': jobsMigration(),
    '004-schedules': schedulesMigration(),
    '005-canonical-ids': canonicalIdsMigration(),
    '006-storage-probe': storageProbeMigration(),
    '007-agent-kind': agentKindMigration(),
    '008-fleet-indexes': fleetIndexesMigration(),
    '009-cluster': clusterMigration(),
    '010-backups': backupsMigration(),
    '011-account-lockout': accountLockoutMigration(),
    '012-alerts': alertsMigration(),
    '013-backup-plans': backupPlansMigration(),
    '014-access': accessMigration(),
    '015-fleet-life': fleetLifeMigration(),
  };
}

/** Names of the migrations already applied to this database (none for a new one). */
export async function appliedMigrations(open: OpenDatabase): Promise<string[]> {
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      open.db,
    );
    return rows.rows.map((r) => r.name);
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    if (code === '42P01' || /no such table/.test(message ?? '')) return [];
    throw corrupt(open, err) ?? unreachable(open, err);
  }
}

/** Connection failures that mean the database is not there, or not for us. */
const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there; is PostgreSQL running and listening on that address?',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out; check the address and any firewall',
  EHOSTUNREACH: 'the host is unreachable',
  '28P01': 'the password was refused',
  '28000': 'the server refused this user',
  '3D000': 'that database does not exist; create it first (createdb)',
};

/** A connection failure, saying where and what to check; other errors pass unchanged. */
function unreachable(open: OpenDatabase, err: unknown): unknown {
  const code = (err as { code?: string }).code;
  const hint = code ? CONNECT_ERRORS[code] : undefined;
  if (!hint || open.dialect !== 'postgres') return err;
  return new Error(`cannot use the PostgreSQL database at ${open.location}: ${hint} (${code})`, {
    cause: err,
  });
}

/**
 * A SQLite file that is damaged or not a database, as an error that names the file and what to do; null for any
 * other error.
 */
export function corrupt(open: Pick<OpenDatabase, 'dialect' | 'location'>, err: unknown): Error | null {
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  if (open.dialect !== 'sqlite' || !/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return null;
  return new Error(
    `the SQLite database ${open.location} is damaged (${code}: ${err instanceof Error ? err.message : String(err)}): stop the server, move the file aside and restore it (with its master.key) from your last backup, see docs/operations.md#restore`,
    { cause: err },
  );
}

/** The migrations this version knows, in order. */
export const KNOWN_MIGRATIONS = Object.keys(migrationsFor('sqlite'));

/** A database written by a newer Muster than this one: refused, nothing is changed. */
export class NewerDatabaseError extends Error {
  constructor(unknown: string[]) {
    super(
      `this database was upgraded by a newer Muster: it has migration ${unknown.join(', ')}, which Muster ${VERSION} does not know (its last is ${KNOWN_MIGRATIONS.at(-1)}). Run that newer version, or restore the backup taken before the upgrade (docs/operations.md); an older server must not write to it`,
    );
    this.name = 'NewerDatabaseError';
  }
}

/**
 * Bring the schema up to date: all pending migrations in one transaction, so an upgrade applies whole or not at
 * all. Refuses a database that a newer version migrated; throws with the failing migration's name.
 */
export async function migrateToLatest(open: OpenDatabase): Promise<void> {
  const unknown = (await appliedMigrations(open)).filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) throw new NewerDatabaseError(unknown);
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(open.dialect) };
  // In a schema of its own, the migrator looks for its tables there (not in another schema of the same database).
  const migrator = new Migrator({
    db: open.db,
    provider,
    ...(open.schema ? { migrationTableSchema: open.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
}
