import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type LogEvent,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect.ts';
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

export type Db = Kysely<Database>;

/** An open database with the dialect it speaks. */
export interface OpenDatabase {
  db: Db;
  dialect: DialectName;
  /** Whether writes succeed (a full disk makes them fail). */
  health: StorageHealth;
  /** Try a write that needs fresh space; true (and healthy again) when it went through. */
  probeWrite(): Promise<boolean>;
  /** Whether the database answers a trivial query. */
  answers(): Promise<boolean>;
  close(): Promise<void>;
}

/** Bytes the write probe stores and deletes: enough to need new pages, small enough to be cheap. */
const PROBE_BYTES = 256 * 1024;

function withProbe(
  db: Db,
  dialect: DialectName,
  health: StorageHealth,
  close: () => Promise<void>,
): OpenDatabase {
  return {
    db,
    dialect,
    health,
    close,
    async answers() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
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
  opts: { schema?: string; onHealthChange?: (failing: string | null) => void } = {},
): OpenDatabase {
  const health = createStorageHealth({ onChange: opts.onHealthChange });
  const log = (e: LogEvent) => health.observe(e);
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      types: pgTypes,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return withProbe(db, 'postgres', health, () => db.destroy());
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    log,
  });
  return withProbe(db, 'sqlite', health, () => db.destroy());
}

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
 * by key, which costs about twice as much for wide rows (a page of nodes) as filling them from an array.
 */
function rowObjects(stmt: SQLite.Statement): DriverStatement {
  if (!stmt.reader) return stmt;
  const names = stmt.columns().map((c) => c.name);
  stmt.raw(true);
  const toObject = (row: unknown[]) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i]!] = row[i];
    return o;
  };
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
function migrationsFor(dialect: DialectName): Record<string, Migration> {
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
  };
}

/** Bring the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(open: OpenDatabase): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(open.dialect) };
  const migrator = new Migrator({ db: open.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
}
