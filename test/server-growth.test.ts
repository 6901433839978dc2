import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createSealer } from '../src/server/crypto.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { SEALED_COLUMNS } from '../src/server/db/reseal.ts';
import { scratchDatabase } from './cluster-helpers.ts';
import {
  addUser,
  claimInto,
  login,
  muster,
  request,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  type AgentProcess,
  type TestServer,
} from './helpers.ts';

const pgUrl = process.env.MUSTER_TEST_PG_URL;
const keyOf = (dir: string, name = 'master.key') =>
  Buffer.from(readFileSync(join(dir, name), 'utf8').trim(), 'base64');

async function onlineIds(server: TestServer, cookie: string, ids: string[]) {
  const nodes = (await request(server, 'GET', '/api/nodes?limit=1000', { cookie })).json<
    { id: string; status: string }[]
  >();
  return ids.every((id) => nodes.some((n) => n.id === id && n.status === 'online'));
}

describe('the server grows: SQLite to PostgreSQL, master key rotation', () => {
  test(
    'a fleet claimed on SQLite comes online on PostgreSQL after `muster db copy`, checked by counts and checksums; a target in use is refused',
    { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' },
    async () => {
      const dir = tempDir('muster-grow-');
      const target = await scratchDatabase(pgUrl!);
      const agents: AgentProcess[] = [];
      let second: TestServer | null = null;
      try {
        const first = await startTestServer({ dataDir: dir.path });
        let cookie = await login(first);
        await addUser(first, cookie, 'kept-operator', 'operator');
        const token = (await first.services.tokens.getSpaceToken(first.spaceId)).token;
        const ids: string[] = [];
        for (const name of ['grow-1', 'grow-2']) {
          const state = join(dir.path, name);
          const claimed = await claimInto(first, state, token, '--hostname', name);
          assert.equal(claimed.code, 0, claimed.stderr);
          ids.push(readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim());
          agents.push(spawnAgent(['--state-dir', state]));
        }
        await waitFor(() => onlineIds(first, cookie, ids), 'both agents online on SQLite', 20_000);
        const port = first.port;
        await first.stop();

        const copied = await muster([
          'db',
          'copy',
          '--from',
          join(dir.path, 'muster.db'),
          '--to',
          target.url,
        ]);
        assert.equal(copied.code, 0, copied.err);
        assert.match(copied.out, /^nodes: 2 rows, checksum [0-9a-f]{16}$/m);
        assert.match(copied.out, /copied \d+ tables, \d+ rows; counts and checksums match/);
        const again = await muster(['db', 'copy', '--from', join(dir.path, 'muster.db'), '--to', target.url]);
        assert.equal(again.code, 1);
        assert.match(again.err, /the target database is in use \(users: 2, spaces: 1, nodes: 2\)/);

        // The same data dir (master key, CA) and port, the database now PostgreSQL: the agents come back by themselves.
        second = await startTestServer({ dataDir: dir.path, port, flags: { db: target.url } });
        assert.equal(second.database.dialect, 'postgres');
        cookie = await login(second);
        await waitFor(() => onlineIds(second!, cookie, ids), 'both agents online on PostgreSQL', 40_000);
        assert.equal(
          (await second.services.tokens.getSpaceToken(second.spaceId)).token,
          token,
          'the same claim token',
        );
        const users = (await request(second, 'GET', '/api/users', { cookie })).json<{ username: string }[]>();
        assert.ok(users.some((u) => u.username === 'kept-operator'));
        // Audit ids count on after the copied ones.
        const created = await request(second, 'POST', `/api/spaces/${second.spaceId}/rooms`, {
          cookie,
          body: { name: 'After the move' },
        });
        assert.equal(created.status, 201, created.text);
      } finally {
        await Promise.all(agents.map((a) => a.stop()));
        await second?.stop();
        await target.drop();
        dir.remove();
      }
    },
  );

  test('`muster key rotate` seals every secret again under a new key in one transaction; the old key alone is refused; values still under the previous key are sealed again at start', async () => {
    const dir = tempDir('muster-rotate-');
    try {
      const first = await startTestServer({ dataDir: dir.path });
      const cookie = await login(first);
      const token = (await first.services.tokens.getSpaceToken(first.spaceId)).token;
      const minted = await request(first, 'POST', '/api/enrollment-tokens', {
        cookie,
        body: {
          hostname: 'sealed-1',
          repo_url: '/srv/restic/sealed-1',
          repo_password: 'a repository password',
        },
      });
      assert.equal(minted.status, 200, minted.text);
      const port = first.port;
      await first.stop();
      const old = keyOf(dir.path);

      const rotated = await muster(['key', 'rotate', '--data-dir', dir.path]);
      assert.equal(rotated.code, 0, rotated.err);
      assert.match(rotated.out, /sealed \d+ values again under the new key/);
      const fresh = keyOf(dir.path);
      assert.ok(!fresh.equals(old));
      assert.ok(
        keyOf(dir.path, 'master.key.previous').equals(old),
        'the old key is kept until every replica has the new one',
      );

      // Every sealed value opens with the new key alone, none with the old one.
      const db = openDatabase(join(dir.path, 'muster.db'));
      let sealed = 0;
      try {
        for (const s of SEALED_COLUMNS)
          for (const c of s.columns) {
            const rows = (
              await sql<{ v: string | null }>`select ${sql.ref(c)} as v from ${sql.table(s.table)}`.execute(
                db.db,
              )
            ).rows;
            for (const { v } of rows) {
              if (!v || (s.table === 'server_settings' && !v.startsWith('v1.'))) continue;
              createSealer(fresh).open(v);
              assert.throws(() => createSealer(old).open(v));
              sealed++;
            }
          }
        // A value sealed under the previous key (a replica that still ran it), for the start to seal again.
        const straggler = createSealer(old).seal(token);
        await sql`update tokens set secret_enc = ${straggler} where kind = 'space_claim'`.execute(db.db);
      } finally {
        await db.close();
      }
      assert.ok(sealed >= 3, `${sealed} sealed values checked`);

      const second = await startTestServer({ dataDir: dir.path, port });
      try {
        assert.equal((await second.services.tokens.getSpaceToken(second.spaceId)).token, token);
      } finally {
        await second.stop();
      }
      const after = openDatabase(join(dir.path, 'muster.db'));
      try {
        const v = (
          await sql<{ v: string }>`select secret_enc as v from tokens where kind = 'space_claim'`.execute(
            after.db,
          )
        ).rows[0]!.v;
        assert.equal(createSealer(fresh).open(v), token, 'sealed again under the current key at start');
      } finally {
        await after.close();
      }

      // The previous key dropped: the server runs on the new key alone; the old key alone is refused.
      const { rmSync } = await import('node:fs');
      rmSync(join(dir.path, 'master.key.previous'));
      const third = await startTestServer({ dataDir: dir.path, port });
      await third.stop();
      writeFileSync(join(dir.path, 'master.key'), `${old.toString('base64')}\n`);
      const refused = await muster(['server', '--data-dir', dir.path, '--listen', '127.0.0.1:0']);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /the master key does not match this database/);
      assert.ok(existsSync(join(dir.path, 'muster.db')));
    } finally {
      dir.remove();
    }
  });

  test('every *_enc column is listed among the sealed columns a rotation seals again', async () => {
    const dir = tempDir('muster-sealed-');
    try {
      const server = await startTestServer({ dataDir: dir.path });
      await server.stop();
      const db = openDatabase(join(dir.path, 'muster.db'));
      try {
        const cols = (
          await sql<{
            t: string;
            c: string;
          }>`select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and p.name like '%\\_enc' escape '\\'`.execute(
            db.db,
          )
        ).rows;
        const listed = new Set(SEALED_COLUMNS.flatMap((s) => s.columns.map((c) => `${s.table}.${c}`)));
        const missing = cols.map((r) => `${r.t}.${r.c}`).filter((k) => !listed.has(k));
        assert.deepEqual(missing, []);
      } finally {
        await db.close();
      }
    } finally {
      dir.remove();
    }
  });
});
