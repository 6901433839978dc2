import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { webhookReceiver } from './alert-receivers.ts';
import { ADMIN_PASSWORD, login, request, simulatedIdentity, useTestServer, waitFor } from './helpers.ts';
import { SHOTS, noChromium, signedInBrowser } from './browser.ts';

/**
 * The alerting UI in Debian's Chromium against the real server: a channel set up and tested against a real
 * receiver, a node that goes offline on the home page and the alerts page, acknowledged and silenced there, and the
 * events timeline.
 */
describe('alerts in a real browser', { skip: noChromium }, () => {
  const server = useTestServer();
  let browser: Browser;
  let page: Page;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  server.defer(async () => {
    await browser?.close();
    await hook?.close();
  });
  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  before(async () => {
    hook = await webhookReceiver();
    ({ browser, page } = await signedInBrowser(server.url, ADMIN_PASSWORD));
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
  });

  test('a channel is set up and "send test" reaches the receiver; a rule sends to it', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('link', { name: 'Channels and rules' }).click();
    await page.getByLabel('Name').fill('ops hook');
    await page.getByLabel('Webhook URL').fill(hook.url);
    await page.getByLabel('Signing secret').fill('a secret for the browser test');
    await page.getByRole('button', { name: 'Add channel' }).click();
    const row = page.locator('tr[data-channel-id]', { hasText: 'ops hook' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByText('Test sent').waitFor();
    await waitFor(() => hook.accepted().find((b) => b.state === 'test'), 'the test at the receiver');
    assert.ok(!(await page.content()).includes('a secret for the browser test'), 'the secret is not shown');

    const rule = page.locator('tr[data-rule-id]', { hasText: 'Node offline' });
    await rule.locator('input[name="for_seconds"]').fill('1');
    await rule.getByRole('checkbox', { name: 'ops hook' }).check();
    await rule.getByRole('button', { name: 'Save' }).click();
    await rule.getByRole('button', { name: 'Saved' }).waitFor();
    await page.mouse.wheel(0, -10_000);
    await shot('notifications');
  });

  test('a node goes offline: the home page, the header count, the alerts page; acknowledge and silence', async () => {
    const sim = await simulatedIdentity(server);
    server.defer(sim.remove);
    const link = await sim.open();
    const cookie = await login(server);
    const hostname = (await request(server, 'GET', `/api/hosts/${sim.id}`, { cookie })).json<{
      hostname: string;
    }>().hostname;
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.getByText('1 online').waitFor();
    link.ws.terminate();
    await page.getByLabel('alerts firing').getByText('1').waitFor({ timeout: 15_000 });
    await page.getByText('1 critical').waitFor({ timeout: 15_000 });
    await page.getByText(`${hostname}`).first().waitFor();
    await shot('home');
    await waitFor(() => hook.accepted().find((b) => b.state === 'firing'), 'the notification');

    await page.getByRole('link', { name: 'Nodes', exact: true }).click();
    await page.locator('tr', { hasText: hostname }).getByRole('link', { name: 'Node offline' }).waitFor();

    await page.getByRole('link', { name: /^Alerts/ }).click();
    const alertRow = page.locator('tr[data-severity="critical"]', { hasText: 'Node offline' });
    await alertRow.waitFor();
    await shot('alerts');
    await alertRow.getByRole('button', { name: 'Acknowledge' }).click();
    const ack = page.getByRole('dialog', { name: 'Acknowledge' });
    await ack.getByLabel('Comment').fill('looking at it');
    await ack.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByLabel('State').selectOption('acknowledged');
    const acked = page.locator('tr', { hasText: 'acknowledged by admin: looking at it' });
    await acked.waitFor();
    await acked.getByRole('button', { name: 'Silence' }).click();
    const silence = page.getByRole('dialog', { name: 'Silence' });
    await silence.getByLabel('Comment').fill('planned maintenance');
    await silence.getByRole('button', { name: 'Silence' }).click();
    await page.locator('tr', { hasText: 'planned maintenance' }).waitFor();
    await page.locator('tr', { hasText: 'Node offline' }).getByText('silenced').waitFor();
  });

  test('the events timeline shows the node going offline, for the fleet and on the node; a maintenance window', async () => {
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    const offline = page.locator('tr[data-kind="offline"]').first();
    await offline.waitFor();
    assert.match(await offline.innerText(), /offline: /);
    await page.locator('tr[data-kind="claimed"]').first().waitFor();
    await shot('events');
    await offline.getByRole('link').click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await page.locator('tr[data-kind="offline"]').first().waitFor();
    // A maintenance window for this node: a silence of the node from a time until a time.
    await page.getByLabel('Comment').fill('kernel upgrade');
    await page.getByRole('button', { name: 'Plan maintenance' }).click();
    await page.getByText(/until .*: kernel upgrade \(admin\)/).waitFor();
  });
});
