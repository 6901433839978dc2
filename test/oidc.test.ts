import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, noChromium } from './browser.ts';
import { freePort, login, request, startTestServer, tempDir, useTestServer } from './helpers.ts';

const PROVIDER = resolve(import.meta.dirname, 'oidc-provider.ts');
const TSX = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
const CLIENT_SECRET = 'muster-test-client-secret';
/** The provider's port is picked before the server starts: the server is told its issuer URL. */
const providerPort = await freePort();
const issuer = () => `http://127.0.0.1:${providerPort}`;

/** The provider's users, rewritten by the tests to move people between groups. */
function writeUsers(file: string, groups: { alice: string[]; bob: string[] }) {
  writeFileSync(
    file,
    JSON.stringify({
      alice: { email: 'alice@example.test', groups: groups.alice },
      bob: { email: 'bob@example.test', groups: groups.bob },
    }),
  );
}

/** Start the provider as its own process; resolves once it listens. */
async function startProvider(port: number, users: string, redirect: string, postLogout: string) {
  const child = spawn(TSX, [PROVIDER, String(port), users, redirect, postLogout], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the provider did not start: ${out}`)), 30_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => fail(new Error(`the provider exited (${code}): ${out}`)));
  });
  return child;
}

/** Sign in through Muster's page and the provider's sign-in and consent pages, as `user`. */
async function signInThroughProvider(page: Page, serverUrl: string, user: string) {
  await page.goto(serverUrl);
  await page.getByRole('link', { name: 'Single sign-on' }).click();
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill('any password will do');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The provider asks once per client for consent to the scopes.
  const consent = page.getByRole('button', { name: 'Continue' });
  if (await consent.isVisible({ timeout: 5000 }).catch(() => false)) await consent.click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 20_000 });
}

const me = (page: Page) =>
  page.evaluate(async () => (await fetch('/api/me')).json()) as Promise<{
    username: string;
    role: string | null;
    global_role: string | null;
    rooms: { room_id: string; role: string }[];
    method: string;
  }>;

describe(
  'single sign-on through a real OpenID provider (oidc-provider, its own process)',
  { skip: noChromium },
  () => {
    const dir = tempDir('muster-oidc-');
    const users = join(dir.path, 'users.json');
    let provider: ChildProcess | undefined;
    let browser: Browser;
    let webRoom = '';
    const server = useTestServer({
      flags: {
        oidcIssuer: issuer(),
        oidcClientId: 'muster',
        oidcClientSecret: CLIENT_SECRET,
        oidcScopes: 'openid profile email groups',
        oidcRoleMap: JSON.stringify({
          'web-ops': { role: 'operator', room: 'web' },
          'fleet-admins': { role: 'admin' },
        }),
      },
    });

    before(async () => {
      const admin = await login(server);
      const r = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
        cookie: admin,
        body: { name: 'web' },
      });
      assert.equal(r.status, 201, r.text);
      webRoom = r.json<{ id: string }>().id;
      writeUsers(users, { alice: ['web-ops'], bob: ['fleet-admins'] });
      provider = await startProvider(
        providerPort,
        users,
        `${server.url}/api/auth/oidc/callback`,
        `${server.url}/`,
      );
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });
    after(async () => {
      await browser?.close();
      provider?.kill();
      dir.remove();
    });

    test('a user of a group signs in through the redirects, is created, and gets the group’s role in its room', async () => {
      const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      await signInThroughProvider(page, server.url, 'alice');
      const who = await me(page);
      assert.equal(who.username, 'alice');
      assert.equal(who.global_role, null, 'no role over the whole server');
      assert.deepEqual(
        who.rooms.map((r) => [r.room_id, r.role]),
        [[webRoom, 'operator']],
      );
      assert.equal(who.method, 'oidc');
      const admin = await login(server);
      const listed = (await request(server, 'GET', '/api/users', { cookie: admin })).json<
        { username: string; role: string; sso: boolean }[]
      >();
      assert.deepEqual(
        listed.filter((u) => u.username === 'alice').map((u) => [u.role, u.sso]),
        [['none', true]],
      );
      // A global role from a group: bob is an admin everywhere.
      const page2 = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      await signInThroughProvider(page2, server.url, 'bob');
      assert.equal((await me(page2)).global_role, 'admin');
      await page2.context().close();

      // Signing out ends the Muster session and the provider's (its end-session page), and comes back here.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.getByRole('link', { name: 'Single sign-on' }).waitFor();
      assert.equal(new URL(page.url()).origin, new URL(server.url).origin);
      assert.equal(await page.evaluate(async () => (await fetch('/api/me')).status), 401);

      // Taken out of the group at the provider: the next sign-in takes the role away.
      writeUsers(users, { alice: [], bob: ['fleet-admins'] });
      await signInThroughProvider(page, server.url, 'alice');
      const after = await me(page);
      assert.equal(after.username, 'alice', 'the same user, not a new one');
      assert.deepEqual(after.rooms, []);
      assert.equal(after.role, null);
      const nodes = await page.evaluate(async () => (await fetch('/api/nodes')).status);
      assert.equal(nodes, 403, 'without a role, lists are refused');
      await page.context().close();
    });

    test('a callback this browser did not start, or a forged state, is refused', async () => {
      const res = await request(server, 'GET', '/api/auth/oidc/callback?code=stolen&state=forged');
      assert.equal(res.status, 302);
      assert.match(String(res.headers.location), /^\/\?sso_error=/);
      assert.match(decodeURIComponent(String(res.headers.location)), /not started in this browser/);
    });

    test('--local-login off refuses passwords; admins keeps them for global admins only (break-glass)', async () => {
      for (const mode of ['off', 'admins'] as const) {
        const s = await startTestServer({
          flags: {
            oidcIssuer: issuer(),
            oidcClientId: 'muster',
            oidcClientSecret: CLIENT_SECRET,
            localLogin: mode,
          },
        });
        try {
          const methods = (await request(s, 'GET', '/api/auth/methods')).json<{
            local_login: string;
            oidc: boolean;
          }>();
          assert.deepEqual(methods, { local_login: mode, oidc: true, passkeys: true });
          const res = await request(s, 'POST', '/api/auth/login', {
            body: { username: 'admin', password: 'correct-horse-battery-staple' },
          });
          if (mode === 'off') {
            assert.equal(res.status, 403);
            assert.equal(res.json<{ code: string }>().code, 'local_login_off');
          } else assert.equal(res.status, 200, res.text);
        } finally {
          await s.stop();
        }
      }
    });
  },
);
