import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../src/server/db/database.ts';
import {
  addUser,
  claimInto,
  login,
  muster,
  request,
  simulatedIdentity,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  type AgentProcess,
} from './helpers.ts';

describe('configuration errors say what is wrong', () => {
  const dir = tempDir('muster-ops-');
  after(() => dir.remove());

  test('an unknown --db scheme is refused (exit 2) and no file named after it appears', async () => {
    const r = await muster(['server', '--db', 'mysql://root@127.0.0.1/muster', '--data-dir', 'data'], {
      cwd: dir.path,
    });
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /mysql: is not a database Muster can use: give a SQLite file path .* or postgres:\/\//,
    );
    assert.deepEqual(readdirSync(dir.path), []);
  });

  test('an unreachable PostgreSQL is named by host and port', async () => {
    const r = await muster([
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
    const r = await muster(['server', '--data-dir', data, '--listen', '127.0.0.1:0']);
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
    const r = await muster(['server', '--data-dir', data, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      /upgraded by a newer Muster: it has migration 999-from-the-future, which Muster [\d.]+ does not know/,
    );
    assert.ok(existsSync(join(data, 'muster.db')));
  });
});

describe('backup and restore of the server', () => {
  const dir = tempDir('muster-backup-');
  const agents: AgentProcess[] = [];
  after(async () => {
    for (const a of agents) await a.stop();
    dir.remove();
  });

  test('`muster backup` while the server is busy, `muster restore` into a fresh dir: same nodes, users and token, and the agents come back', async () => {
    const flags = { claimPerMinute: 1_000_000, loginPerMinute: 1000 };
    const first = await startTestServer({ dataDir: join(dir.path, 'original'), flags });
    let firstRunning = true;
    after(() => (firstRunning ? first.stop() : undefined));
    let cookie = await login(first);
    const { token } = await first.services.tokens.getSpaceToken(first.spaceId);
    const ids: string[] = [];
    for (const name of ['restored-a', 'restored-b']) {
      const state = join(dir.path, name);
      const claimed = await claimInto(first, state, token, '--hostname', name);
      assert.equal(claimed.code, 0, claimed.stderr);
      ids.push(readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim());
      agents.push(spawnAgent(['--state-dir', state]));
    }
    const online = async (server: { url: string; ca: string }, c: string) => {
      const nodes = (await request(server, 'GET', '/api/nodes?limit=1000', { cookie: c })).json<
        { id: string; status: string }[]
      >();
      return ids.every((id) => nodes.some((n) => n.id === id && n.status === 'online')) ? nodes : null;
    };
    await waitFor(() => online(first, cookie), 'both agents online', 20_000);
    await addUser(first, cookie, 'kept-user', 'operator');

    // Load while the backup runs: claims from simulated agents and new users, one after another.
    let busy = true;
    let writes = 0;
    const load = (async () => {
      while (busy) {
        const sim = await simulatedIdentity(first);
        sim.remove();
        await request(first, 'POST', '/api/users', {
          cookie,
          body: { username: `load-${writes}`, password: 'load-password-123', role: 'viewer' },
        });
        writes++;
      }
    })();
    await waitFor(() => writes >= 3, 'load to start');
    const file = join(dir.path, 'backups', 'muster.tar.gz');
    const backup = await muster(['backup', '--out', file, '--data-dir', first.dataDir]);
    busy = false;
    await load;
    assert.equal(backup.code, 0, backup.err);
    assert.match(backup.err, /holds the master key and the CA's private key/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(writes >= 4, `writes went on during the backup (${writes})`);

    const users = (await request(first, 'GET', '/api/users', { cookie })).json<{ username: string }[]>();
    const pin = first.pin;
    const port = first.port;
    await first.stop();
    firstRunning = false;

    const restoredDir = join(dir.path, 'restored');
    const restored = await muster(['restore', file, '--data-dir', restoredDir]);
    assert.equal(restored.code, 0, restored.err);
    const again = await muster(['restore', file, '--data-dir', restoredDir]);
    assert.match(again.err, /is not empty: restore into a new or empty data directory/);
    const junk = join(dir.path, 'not-a-backup.tar.gz');
    writeFileSync(junk, 'hello\n');
    const refused = await muster(['restore', junk, '--data-dir', join(dir.path, 'from-junk')]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /not-a-backup\.tar\.gz is not a Muster backup \(a gzipped tar made by muster backup\)/,
    );

    if (process.getuid?.() === 0) {
      // Run as root, a restore gives the files to the data dir's owner (the service user), or says they are root's;
      // a server that cannot open them names the file, the owner and the fix.
      const NOBODY = 65534;
      const open = mkdtempSync(join(tmpdir(), 'muster-owner-'));
      chmodSync(open, 0o755);
      try {
        const serviceDir = join(open, 'service');
        mkdirSync(serviceDir);
        chownSync(serviceDir, NOBODY, NOBODY);
        const given = await muster(['restore', file, '--data-dir', serviceDir]);
        assert.equal(given.code, 0, given.err);
        for (const f of ['muster.db', 'master.key', 'tls'])
          assert.equal(statSync(join(serviceDir, f)).uid, NOBODY, `${f} belongs to the data dir's owner`);
        const rootDir = join(open, 'as-root');
        const asRoot = await muster(['restore', file, '--data-dir', rootDir]);
        assert.match(
          asRoot.out,
          /the restored files belong to root; .*chown -R USER: .*or restore with --owner USER/,
        );
        const run = spawnSync(
          process.execPath,
          [
            join(import.meta.dirname, '..', 'bin', 'muster.js'),
            'server',
            '--data-dir',
            rootDir,
            '--listen',
            '127.0.0.1:0',
          ],
          {
            uid: NOBODY,
            gid: NOBODY,
            cwd: open,
            timeout: 20_000,
            encoding: 'utf8',
            env: { PATH: process.env.PATH },
          },
        );
        assert.equal(run.status, 1, run.stderr);
        assert.match(
          run.stderr,
          /cannot open .*as-root.* belongs to root, but this server runs as nobody: give the data directory to the user the server runs as \(chown -R nobody: .*as-root\)/,
        );
      } finally {
        rmSync(open, { recursive: true, force: true });
      }
    }

    const second = await startTestServer({ dataDir: restoredDir, port, flags });
    try {
      assert.equal(second.pin, pin, 'the same CA, so agents keep trusting the server');
      assert.equal(
        (await second.services.tokens.getSpaceToken(second.spaceId)).token,
        token,
        'the same claim token',
      );
      cookie = await login(second);
      const restoredUsers = (await request(second, 'GET', '/api/users', { cookie })).json<
        { username: string }[]
      >();
      const names = new Set(restoredUsers.map((u) => u.username));
      assert.ok(names.has('admin') && names.has('kept-user'));
      // The copy is one moment during the load: some of the users made then, and none that did not exist.
      assert.ok(restoredUsers.every((u) => users.some((v) => v.username === u.username)));
      assert.ok(restoredUsers.length > 2 && restoredUsers.length <= users.length);
      // The agents retried with backoff while no server answered (full jitter, capped at LINK_BACKOFF's 60 s): under
      // load the steps above keep the server away long enough for the next attempt to be up to a minute off.
      await waitFor(() => online(second, cookie), 'both agents online again on the restored server', 75_000);
    } finally {
      await second.stop();
    }
  });
});
