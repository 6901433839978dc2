import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  addUser,
  login,
  muster,
  request,
  startTestServer,
  tempDir,
  useTestServer,
  userPassword,
} from './helpers.ts';

const cookieOf = (res: { headers: Record<string, string | string[] | undefined> }) => {
  const set = res.headers['set-cookie'];
  return (Array.isArray(set) ? set[0] : set)?.split(';')[0];
};

describe('passwords', () => {
  const server = useTestServer({ flags: { loginPerMinute: 1000 } });
  const me = (cookie: string) => request(server, 'GET', '/api/me', { cookie });

  test('changing your own password needs the current one, ends every other session and keeps this one', async () => {
    const admin = await login(server);
    const { cookie: browserA } = await addUser(server, admin, 'carol', 'operator');
    const browserB = await login(server, 'carol', userPassword('carol'));
    const wrong = await request(server, 'PUT', '/api/me/password', {
      cookie: browserA,
      body: { current_password: 'not-my-password', new_password: 'a-brand-new-passphrase' },
    });
    assert.equal(wrong.status, 403);
    assert.match(wrong.json<{ message: string }>().message, /current password is wrong/);
    assert.equal((await me(browserA)).status, 200, 'a refused change ends nothing');
    const short = await request(server, 'PUT', '/api/me/password', {
      cookie: browserA,
      body: { current_password: userPassword('carol'), new_password: 'short' },
    });
    assert.equal(short.status, 400);

    const ok = await request(server, 'PUT', '/api/me/password', {
      cookie: browserA,
      body: { current_password: userPassword('carol'), new_password: 'a-brand-new-passphrase' },
    });
    assert.equal(ok.status, 204);
    const fresh = cookieOf(ok);
    assert.ok(fresh, 'the browser that changed it gets a new session');
    assert.equal((await me(browserA)).status, 401, 'its old cookie no longer works');
    assert.equal((await me(browserB)).status, 401, 'nor does any other session');
    assert.equal((await me(fresh)).status, 200);
    await assert.rejects(login(server, 'carol', userPassword('carol')), /401/);
    await login(server, 'carol', 'a-brand-new-passphrase');
    const audit = await request(server, 'GET', '/api/audit?action=user.password_changed', { cookie: admin });
    assert.ok(!audit.text.includes('a-brand-new-passphrase'), 'no password in the audit record');
  });

  test("an admin resets another user's password and ends their sessions; others may not", async () => {
    const admin = await login(server);
    const { id, cookie } = await addUser(server, admin, 'dave', 'viewer');
    const { cookie: operator } = await addUser(server, admin, 'erin', 'operator');
    const byOperator = await request(server, 'PUT', `/api/users/${id}/password`, {
      cookie: operator,
      body: { password: 'chosen-by-an-operator' },
    });
    assert.equal(byOperator.status, 403);
    const adminId = (await me(admin)).json<{ user_id: string }>().user_id;
    const ownByAdminRoute = await request(server, 'PUT', `/api/users/${adminId}/password`, {
      cookie: admin,
      body: { password: 'without-the-current-one' },
    });
    assert.equal(ownByAdminRoute.status, 409, 'your own password needs the current one');
    const reset = await request(server, 'PUT', `/api/users/${id}/password`, {
      cookie: admin,
      body: { password: 'reset-by-the-admin-1' },
    });
    assert.equal(reset.status, 204);
    assert.equal((await me(cookie)).status, 401);
    await login(server, 'dave', 'reset-by-the-admin-1');
  });

  test('`muster user passwd NAME` on the server machine (standard input) ends the sessions of the running server', async () => {
    const admin = await login(server);
    const { cookie } = await addUser(server, admin, 'frank', 'viewer');
    const r = await muster(['user', 'passwd', 'frank', '--data-dir', server.dataDir], {
      input: 'set-from-the-console\n',
    });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /password of "frank" changed/);
    assert.equal((await me(cookie)).status, 401);
    await login(server, 'frank', 'set-from-the-console');
    const short = await muster(['user', 'passwd', 'frank', '--data-dir', server.dataDir], {
      input: 'short\n',
    });
    assert.equal(short.code, 1);
    assert.match(short.err, /at least 12 characters/);
    const nobody = await muster(['user', 'passwd', 'nobody', '--data-dir', server.dataDir], {
      input: 'long-enough-password',
    });
    assert.match(nobody.err, /no user "nobody"/);
  });

  test('user add, list, disable and enable work on the data dir; nodes list reads it too', async () => {
    const data = ['--data-dir', server.dataDir];
    const add = await muster(['user', 'add', 'grace', '--role', 'operator', ...data], {
      input: 'grace-password-123\n',
    });
    assert.equal(add.code, 0, add.err);
    const cookie = await login(server, 'grace', 'grace-password-123');
    assert.equal((await muster(['user', 'disable', 'grace', ...data])).code, 0);
    assert.equal((await me(cookie)).status, 401, 'disabling ends the sessions');
    await assert.rejects(login(server, 'grace', 'grace-password-123'), /401/);
    const listed = (await muster(['user', 'list', ...data])).out;
    assert.match(listed, /^grace\s+operator\s+disabled/m);
    assert.match(listed, /^admin\s+admin\s+active/m);
    assert.equal((await muster(['user', 'enable', 'grace', ...data])).code, 0);
    await login(server, 'grace', 'grace-password-123');
    const nodes = await muster(['nodes', 'list', '--json', ...data]);
    assert.equal(nodes.code, 0, nodes.err);
    assert.ok(Array.isArray(JSON.parse(nodes.out)));
    const missing = await muster(['nodes', 'list', '--data-dir', join(server.dataDir, 'nope')]);
    assert.match(missing.err, /no Muster database in .*nope: is it the server's data directory/);
  });
});

describe('the first admin password', () => {
  const dir = tempDir('muster-first-');
  after(() => dir.remove());

  test('the generated one stays on disk only until the admin changes it; a later MUSTER_ADMIN_PASSWORD is ignored, saying so', async () => {
    const lines: string[] = [];
    const first = await startTestServer({ dataDir: dir.path, flags: { adminPassword: undefined } });
    const file = join(dir.path, 'initial-admin-password');
    const initial = readFileSync(file, 'utf8').trim();
    const cookie = await login(first, 'admin', initial);
    const changed = await request(first, 'PUT', '/api/me/password', {
      cookie,
      body: { current_password: initial, new_password: 'the-admins-own-passphrase' },
    });
    assert.equal(changed.status, 204);
    assert.ok(!existsSync(file), 'the file with the generated password is gone');
    await first.stop();
    const { startServer } = await import('../src/server/main.ts');
    const { loadServerConfig } = await import('../src/server/config.ts');
    const again = await startServer(
      loadServerConfig({
        flags: { dataDir: dir.path, listen: '127.0.0.1:0', adminPassword: 'an-attempt-to-reset-it' },
        env: {},
      }),
      { print: (l) => lines.push(l), log: (await import('pino')).default({ level: 'silent' }) },
    );
    try {
      assert.ok(
        lines.some((l) =>
          /MUSTER_ADMIN_PASSWORD is ignored: it sets the first admin password on the first start only/.test(
            l,
          ),
        ),
      );
      await login({ url: again.url, ca: first.ca }, 'admin', 'the-admins-own-passphrase');
    } finally {
      await again.close();
    }
  });
});

describe('the first hour of a new server', () => {
  const dir = tempDir('muster-firsthour-');
  after(() => dir.remove());
  const quiet = async () => (await import('pino')).default({ level: 'silent' });

  test('a first start that cannot listen shows the first run again next time; the claim command goes to a 0600 file when nobody reads a terminal; the generated password must be changed at the first sign-in', async () => {
    const { startServer } = await import('../src/server/main.ts');
    const { loadServerConfig } = await import('../src/server/config.ts');
    const config = (listen: string, extra: Record<string, unknown> = {}) =>
      loadServerConfig({ flags: { dataDir: dir.path, listen, ...extra }, env: {} });
    // The port is taken: the first start fails after making its data dir, admin and token.
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const firstLines: string[] = [];
    await assert.rejects(
      startServer(config(`127.0.0.1:${taken}`), { print: (l) => firstLines.push(l), log: await quiet() }),
      /EADDRINUSE/,
    );
    blocker.close();
    assert.deepEqual(firstLines, [], 'nothing was shown: the server never listened');
    const password = readFileSync(join(dir.path, 'initial-admin-password'), 'utf8').trim();

    // Started again with a terminal: the password and the connect command are shown again.
    const lines: string[] = [];
    let server = await startServer(config('127.0.0.1:0'), {
      print: (l) => lines.push(l),
      log: await quiet(),
    });
    try {
      assert.ok(lines.includes(`First admin: user "admin", password ${password}`), lines.join('\n'));
      assert.ok(lines.some((l) => l.includes(server.connectCommand)));
    } finally {
      await server.close();
    }

    // In JSON mode with no terminal: every line is JSON, and the command (it holds the claim token) is in a file.
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const pino = (await import('pino')).default;
    server = await startServer(config('127.0.0.1:0', { logFormat: 'json' }), {
      log: pino({ level: 'info' }, sink),
      terminal: false,
    });
    const commandFile = join(dir.path, 'connect-command');
    const cookie = await (async () => {
      try {
        const jsonLines = logged.trim().split('\n');
        for (const line of jsonLines) {
          const keys = [...line.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]);
          assert.equal(new Set(keys).size, keys.length, `distinct keys: ${line}`);
          JSON.parse(line);
        }
        assert.ok(jsonLines.some((l) => /"msg":"Muster is listening on/.test(l)));
        assert.ok(!logged.includes(server.connectCommand.split(' ')[0]!), 'the claim token is not logged');
        assert.ok(!logged.includes(password), 'nor the generated password, at a later start');
        assert.match(
          logged,
          /The first admin password is still the generated one in .*initial-admin-password/,
        );
        assert.match(logged, /the command is in .*connect-command \(readable only by you/);
        assert.equal(readFileSync(commandFile, 'utf8').trim(), server.connectCommand);
        assert.equal(statSync(commandFile).mode & 0o777, 0o600);

        // First sign-in with the generated password: the UI is told to ask for a new one.
        const ca = readFileSync(join(dir.path, 'tls', 'ca.pem'), 'utf8');
        const c = await login({ url: server.url, ca }, 'admin', password);
        const me = await request({ url: server.url, ca }, 'GET', '/api/me', { cookie: c });
        assert.equal(me.json<{ password_change_required: boolean }>().password_change_required, true);
        const changed = await request({ url: server.url, ca }, 'PUT', '/api/me/password', {
          cookie: c,
          body: { current_password: password, new_password: 'the-admins-chosen-passphrase' },
        });
        assert.equal(changed.status, 204);
        const after = await request({ url: server.url, ca }, 'GET', '/api/me', {
          cookie: cookieOf(changed) ?? c,
        });
        assert.equal(after.json<{ password_change_required: boolean }>().password_change_required, false);
        return c;
      } finally {
        await server.close();
      }
    })();
    void cookie;

    // Someone signed in: later starts show neither, and the file with the command is gone.
    const later: string[] = [];
    server = await startServer(config('127.0.0.1:0'), { print: (l) => later.push(l), log: await quiet() });
    try {
      assert.ok(!later.some((l) => l.includes('password') && l.includes('First admin')), later.join('\n'));
      assert.ok(!later.some((l) => l.includes(server.connectCommand)));
      assert.ok(!existsSync(commandFile));
      // `muster token show` prints the URL the server printed, not a placeholder.
      const shown = await muster(['token', 'show', '--data-dir', dir.path]);
      assert.match(shown.out, /claim token/, shown.err);
      assert.match(shown.out, new RegExp(`--url ${server.url.replace(/[.]/g, '\\.')} `));
    } finally {
      await server.close();
    }
  });
});
