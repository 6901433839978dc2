import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../src/server/db/database.ts';
import { muster, startTestServer, tempDir } from './helpers.ts';

describe('configuration errors say what is wrong', () => {
  const dir = tempDir('muster-ops-');
  after(() => dir.remove());

  test('an unknown --db scheme is refused (exit 2) and no file named after it appears', () => {
    const r = muster(['server', '--db', 'mysql://root@127.0.0.1/muster', '--data-dir', 'data'], {
      cwd: dir.path,
    });
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /mysql: is not a database Muster can use: give a SQLite file path .* or postgres:\/\//,
    );
    assert.deepEqual(readdirSync(dir.path), []);
  });

  test('an unreachable PostgreSQL is named by host and port', () => {
    const r = muster([
      'server',
      '--db',
      'postgres://postgres@127.0.0.1:1/muster',
      '--data-dir',
      join(dir.path, 'pg'),
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      /cannot use the PostgreSQL database at 127\.0\.0\.1:1\/muster: nothing listens there.*ECONNREFUSED/,
    );
  });

  test('a master key that does not match the database is refused with what to do', async () => {
    const data = join(dir.path, 'keyed');
    const server = await startTestServer({ dataDir: data });
    await server.stop();
    writeFileSync(join(data, 'master.key'), `${Buffer.alloc(32, 7).toString('base64')}\n`);
    const r = muster(['server', '--data-dir', data, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      /the master key does not match this database.*backup's master\.key.*MUSTER_MASTER_KEY/,
    );
  });

  test('a database a newer version migrated is refused and left as it was', async () => {
    const data = join(dir.path, 'newer');
    const server = await startTestServer({ dataDir: data });
    await server.stop();
    const db = openDatabase(join(data, 'muster.db'));
    await db.db
      .insertInto('kysely_migration' as never)
      .values({ name: '999-from-the-future', timestamp: new Date().toISOString() })
      .execute();
    await db.close();
    const r = muster(['server', '--data-dir', data, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      /upgraded by a newer Muster: it has migration 999-from-the-future, which Muster [\d.]+ does not know/,
    );
    assert.ok(existsSync(join(data, 'muster.db')));
  });
});
