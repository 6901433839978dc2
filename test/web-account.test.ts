import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  addUser,
  ADMIN_PASSWORD,
  login,
  request,
  simulatedIdentity,
  useTestServer,
  userPassword,
} from './helpers.ts';
import { CHROMIUM, noChromium } from './browser.ts';

/** Accounts and small things found on the way, in the real UI. */
describe('web UI: passwords, not-found pages and wording', { skip: noChromium }, () => {
  const server = useTestServer({ flags: { loginPerMinute: 1000 } });
  let browser: Browser;
  server.defer(() => browser?.close());

  const pageAs = async (username: string, password: string): Promise<Page> => {
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await page.goto(server.url);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  };

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  test('a user changes their own password on the Account page; their other sessions end', async () => {
    const admin = await login(server);
    const { cookie: elsewhere } = await addUser(server, admin, 'ivy', 'viewer');
    const page = await pageAs('ivy', userPassword('ivy'));
    await page.getByRole('link', { name: 'ivy' }).click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await page.getByLabel('Current password').fill('not-the-password');
    await page.getByLabel('New password (12+ characters)').fill('ivys-new-passphrase');
    await page.getByLabel('New password again').fill('ivys-new-passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('the current password is wrong').waitFor();
    await page.getByLabel('Current password').fill(userPassword('ivy'));
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    assert.equal((await request(server, 'GET', '/api/me', { cookie: elsewhere })).status, 401);
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await login(server, 'ivy', 'ivys-new-passphrase');
  });

  test("an admin sets another user's password under Users", async () => {
    const admin = await login(server);
    const { cookie } = await addUser(server, admin, 'jack', 'operator');
    const page = await pageAs('admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.locator('tr[data-user="jack"]').getByRole('button', { name: 'Set password' }).click();
    await page.getByLabel('New password for jack (12+ characters)').fill('jacks-reset-passphrase');
    await page.getByRole('button', { name: 'Set password' }).last().click();
    await page.getByText('Password of jack set; their sessions have ended.').waitFor();
    assert.equal((await request(server, 'GET', '/api/me', { cookie })).status, 401);
    await login(server, 'jack', 'jacks-reset-passphrase');
    // The audit log names the user, not their id.
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('cell', { name: 'user jack' }).first().waitFor();
  });

  test('an unknown address shows a not-found page; one node is "1 node"', async () => {
    const page = await pageAs('admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    const sim = await simulatedIdentity(server);
    server.defer(sim.remove);
    await page.goto(`${server.url}/nodes`);
    await page.getByText('1 node', { exact: true }).waitFor();
  });
});
