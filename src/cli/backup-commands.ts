import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import * as tar from 'tar';
import type { ServerConfig } from '../server/config.ts';
import { isPostgresUrl } from '../server/db/dialect.ts';
import { createSealer } from '../server/crypto.ts';
import {
  appliedMigrations,
  KNOWN_MIGRATIONS,
  NewerDatabaseError,
  openDatabase,
} from '../server/db/database.ts';
import { checkMasterKey, loadMasterKey } from '../server/main.ts';
import { chownTree, ownerFor } from '../server/ownership.ts';
import { VERSION } from '../version.ts';

/** What a backup file says about itself (`manifest.json` inside it). */
interface Manifest {
  format: 'muster-backup-1';
  muster_version: string;
  created_at: string;
  /** sqlite: the database is inside; postgres: it is not (pg_dump it), the keys and CA are. */
  database: 'sqlite' | 'postgres';
  migrations: string[];
  files: string[];
}

const MANIFEST = 'manifest.json';

/**
 * `muster backup --out FILE`: a consistent copy of the server's state while it runs, as one gzipped tar file:
 * the SQLite database (`VACUUM INTO`: one read transaction, so writers carry on and the copy is a single moment),
 * the master key (without it no sealed secret can be opened) and the CA with the server certificate (so agents keep
 * trusting the pin). With PostgreSQL the database is not in the file: pg_dump it (docs/operations.md).
 */
export async function backupCommand(config: ServerConfig, out: string): Promise<void> {
  const dataDir = resolve(config.dataDir);
  const target = resolve(out);
  const postgres = isPostgresUrl(config.db);
  const dbFile = config.db ?? join(dataDir, 'muster.db');
  if (!postgres && !existsSync(dbFile))
    throw new Error(
      `no Muster database at ${dbFile}: is ${dataDir} the server's data directory? (pass --data-dir)`,
    );
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  chmodSync(staging, 0o700);
  try {
    const files: string[] = [];
    if (!postgres) {
      const sqlite = new SQLite(dbFile, { fileMustExist: true });
      try {
        sqlite.pragma('busy_timeout = 10000');
        sqlite.prepare('VACUUM INTO ?').run(join(staging, 'muster.db'));
      } finally {
        sqlite.close();
      }
      files.push('muster.db');
    }
    // The schema the backup holds: of the copy, or of the PostgreSQL database whose keys these are.
    const database = openDatabase(postgres ? config.db! : join(staging, 'muster.db'));
    let migrations: string[];
    try {
      migrations = await appliedMigrations(database);
    } finally {
      await database.close();
    }
    // The key in use, whether it came from the data dir or MUSTER_MASTER_KEY.
    writeFileSync(
      join(staging, 'master.key'),
      `${loadMasterKey({ ...config, dataDir }).toString('base64')}\n`,
      {
        mode: 0o600,
      },
    );
    files.push('master.key');
    if (existsSync(join(dataDir, 'tls'))) {
      cpSync(join(dataDir, 'tls'), join(staging, 'tls'), { recursive: true });
      files.push('tls');
    }
    const manifest: Manifest = {
      format: 'muster-backup-1',
      muster_version: VERSION,
      created_at: new Date().toISOString(),
      database: postgres ? 'postgres' : 'sqlite',
      migrations,
      files,
    };
    writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const partial = `${target}.partial`;
    await tar.create(
      {
        gzip: true,
        file: partial,
        cwd: staging,
        portable: true,
        mode: 0o600,
      },
      [MANIFEST, ...files],
    );
    chmodSync(partial, 0o600);
    renameSync(partial, target);
    process.stdout.write(
      `backed up ${postgres ? 'the master key and CA (the PostgreSQL database is not in it: pg_dump it, see docs/operations.md)' : 'the database, the master key and the CA'} to ${target}\n`,
    );
    process.stderr.write(
      `warning: ${target} holds the master key and the CA's private key: keep it as safe as the server itself (mode 0600)\n`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * `muster restore FILE`: unpack a backup into an empty data dir, after checking that it is whole, that this
 * version can run its database, and that its master key opens it. The server then starts on that data dir.
 */
export async function restoreCommand(config: ServerConfig, file: string, ownerSpec?: string): Promise<void> {
  const dataDir = resolve(config.dataDir);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(`${dataDir} is not empty: restore into a new or empty data directory (pass --data-dir)`);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  // The restored files belong to whoever will run the server: --owner, else the data directory's owner (made for the
  // service user beforehand), else its parent's. Only root can give files away.
  const existed = existsSync(dataDir);
  const owner = ownerFor(existed ? dataDir : dirname(dataDir), ownerSpec);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dataDir, '.restore-'));
  try {
    await tar.extract({ file, cwd: staging, strict: true }).catch((err: unknown) => {
      throw new Error(
        `${file} is not a Muster backup (a gzipped tar made by muster backup): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    });
    const manifestPath = join(staging, MANIFEST);
    if (!existsSync(manifestPath)) throw new Error(`${file} is not a Muster backup (no ${MANIFEST} inside)`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const format: unknown = manifest.format;
    if (format !== 'muster-backup-1') throw new Error(`${file}: unknown backup format ${String(format)}`);
    const unknown = manifest.migrations.filter((m) => !KNOWN_MIGRATIONS.includes(m));
    if (unknown.length > 0) throw new NewerDatabaseError(unknown);
    for (const f of manifest.files)
      if (!existsSync(join(staging, f))) throw new Error(`${file} is incomplete: ${f} is missing`);
    if (manifest.database === 'sqlite') {
      const database = openDatabase(join(staging, 'muster.db'));
      try {
        const key = Buffer.from(readFileSync(join(staging, 'master.key'), 'utf8').trim(), 'base64');
        await checkMasterKey(database, createSealer(key));
      } finally {
        await database.close();
      }
    }
    for (const f of manifest.files) renameSync(join(staging, f), join(dataDir, f));
    for (const secret of ['master.key', 'muster.db'])
      if (existsSync(join(dataDir, secret))) chmodSync(join(dataDir, secret), 0o600);
    const root = process.getuid?.() === 0;
    if (root) chownTree(dataDir, owner);
    if (root && owner.uid === 0)
      process.stdout.write(
        `the restored files belong to root; if the server runs as another user, give them to it (chown -R USER: ${dataDir}) or restore with --owner USER\n`,
      );
    process.stdout.write(
      `restored the backup of ${manifest.created_at} (Muster ${manifest.muster_version}) into ${dataDir}${root && owner.uid !== 0 ? ` (owned by uid ${owner.uid})` : ''}\n` +
        (manifest.database === 'postgres'
          ? 'its database is PostgreSQL: restore the pg_dump taken with it, then start the server with --db and this --data-dir\n'
          : `start the server with --data-dir ${dataDir}; agents reconnect by themselves when it listens where they expect it\n`),
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
