import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Migrator, sql } from 'kysely';
import {
  appliedMigrations,
  KNOWN_MIGRATIONS,
  migrateToLatest,
  migrationsFor,
  openDatabase,
} from './database.ts';

test('an upgrade whose migration fails half-way leaves the database exactly as it was (one transaction)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-migrate-'));
  try {
    const open = openDatabase(join(dir, 'muster.db'));
    // The database of the version before 010-backups...
    const all = migrationsFor('sqlite');
    const cut = Object.keys(all).indexOf('010-backups');
    const older = Object.fromEntries(Object.entries(all).slice(0, cut));
    const { error } = await new Migrator({
      db: open.db,
      provider: { getMigrations: async () => older },
    }).migrateToLatest();
    assert.equal(error, undefined);
    // ...where something already holds a name that migration creates after its first statements.
    await sql`create table backup_status (x integer)`.execute(open.db);
    await assert.rejects(migrateToLatest(open), /database migration 010-backups failed/);
    const columns = (await open.db.introspection.getTables()).find((t) => t.name === 'nodes')!.columns;
    assert.ok(
      !columns.some((c) => c.name === 'repo_location'),
      'the columns added before the failure are gone',
    );
    assert.deepEqual(await appliedMigrations(open), KNOWN_MIGRATIONS.slice(0, cut));
    // Cleared up, the same upgrade goes through.
    await sql`drop table backup_status`.execute(open.db);
    await migrateToLatest(open);
    assert.deepEqual(await appliedMigrations(open), KNOWN_MIGRATIONS);
    await open.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
