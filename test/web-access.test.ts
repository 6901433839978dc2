import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, noChromium, SHOTS } from './browser.ts';
import { addUser, ADMIN_PASSWORD, login, request, useTestServer, userPassword, waitFor } from './helpers.ts';

const codeOf = (secret: string, at = Date.now()) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at,
  });

/** Passkeys and TOTP in the real UI; passkeys made by Chromium's virtual authenticator (DevTools protocol). */
describe('web UI: passkeys and authenticator codes', { skip: noChromium }, () => {
  const server = useTestServer({ flags: { loginPerMinute: 1000 } });
  let browser: Browser;
  server.defer(() => browser?.close());
  // WebAuthn refuses an IP address as the site: the browser uses the name the certificate also carries.
  const site = () => server.url.replace('127.0.0.1', 'localhost');

  /** A page with a virtual platform authenticator (resident keys, user verification), as a laptop's would be. */
  async function pageWithAuthenticator(): Promise<Page> {
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return page;
  }

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(site());
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  test('a user adds a passkey on the Account page, signs out, and signs in with it alone', async () => {
    const admin = await login(server);
    await addUser(server, admin, 'kim', 'operator');
    const page = await pageWithAuthenticator();
    await signIn(page, 'kim', userPassword('kim'));
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('link', { name: 'kim' }).click();
    await page.getByLabel('Name').fill('laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText(/laptop, added/).waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/account-second-factors.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    assert.equal((me as { username: string }).username, 'kim');
    assert.equal((me as { method: string }).method, 'passkey');

    // With a passkey, the password alone no longer signs in: it is a second factor.
    const bare = await request(server, 'POST', '/api/auth/login', {
      body: { username: 'kim', password: userPassword('kim') },
    });
    assert.equal(bare.status, 401);
    assert.equal(bare.json<{ code: string }>().code, 'second_factor_required');
    const audit = (await request(server, 'GET', '/api/audit?limit=20', { cookie: admin })).text;
    assert.ok(audit.includes('user.passkey_added'), 'the enrolment is audited');
    await page.context().close();
  });

  test('a passkey answer replayed, or from another site, does not sign in', async () => {
    const res = await request(server, 'POST', '/api/auth/passkey', {
      body: {
        challenge_id: 'not-a-challenge',
        response: { id: 'x', rawId: 'x', type: 'public-key', response: {} },
      },
    });
    assert.equal(res.status, 401);
    assert.equal(res.json<{ code: string }>().code, 'passkey_invalid');
  });

  test('a user with TOTP signs in with a code from the app; a wrong code is refused', async () => {
    const admin = await login(server);
    const u = await addUser(server, admin, 'lou', 'viewer');
    const { secret } = (await request(server, 'POST', '/api/me/totp', { cookie: u.cookie })).json<{
      secret: string;
    }>();
    await request(server, 'POST', '/api/me/totp/confirm', {
      cookie: u.cookie,
      body: { code: codeOf(secret) },
    });
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await signIn(page, 'lou', userPassword('lou'));
    const field = page.getByLabel('Code from your authenticator app (or a recovery code)');
    await field.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('the code is wrong or was used already').waitFor();
    // The code of the step enrolment used is spent; the next step's is accepted (one step of drift).
    await field.fill(codeOf(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.context().close();
  });

  test('an admin gives a room-only user a role in a room and sets the sign-in policy, under Users', async () => {
    const admin = await login(server);
    const created = await request(server, 'POST', '/api/users', {
      cookie: admin,
      body: { username: 'mo', password: userPassword('mo'), role: 'none' },
    });
    assert.equal(created.status, 201, created.text);
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    // The rooms are listed once loaded (the default room first).
    await page.locator('select[name=room] option').nth(1).waitFor({ state: 'attached' });
    await page.getByLabel('Who').selectOption({ label: 'mo' });
    await page.locator('select[name=role]').last().selectOption('operator');
    await page.getByRole('button', { name: 'Give the role' }).click();
    await page.locator('tr[data-binding]', { hasText: 'mo' }).waitFor();
    const bindings = (await request(server, 'GET', '/api/role-bindings', { cookie: admin })).json<
      { username: string | null; role: string; room_id: string | null }[]
    >();
    const mo = bindings.find((b) => b.username === 'mo');
    assert.equal(mo?.role, 'operator');
    assert.ok(mo?.room_id, 'in a room');
    await page.getByLabel('Second factor required for').selectOption('admins');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitFor(
      async () =>
        (await request(server, 'GET', '/api/auth/policy', { cookie: admin })).json<{
          second_factor: string;
        }>().second_factor === 'admins' || null,
      'the policy saved',
    );
    await request(server, 'PATCH', '/api/auth/policy', { cookie: admin, body: { second_factor: 'off' } });
    await page.context().close();
  });
});
