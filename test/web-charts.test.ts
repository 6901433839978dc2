import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  connectArgs,
  login,
  request,
  spawnAgent,
  useTestServer,
  waitFor,
  type AgentProcess,
} from './helpers.ts';
import { noChromium, signedInBrowser } from './browser.ts';

/**
 * A node's charts, a room view and a function table in Debian's Chromium, against the real server and a real
 * Muster agent (its own history, through the link).
 */
describe('charts, room views and functions in a real browser', { skip: noChromium }, () => {
  const server = useTestServer();
  let browser: Browser;
  let page: Page;
  let agent: AgentProcess;
  let nodeId: string;
  let roomId: string;
  server.defer(async () => {
    await browser?.close();
    await agent?.stop();
  });

  before(async () => {
    const dir = server.tempDir('muster-agent-');
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    agent = spawnAgent(['--state-dir', dir.path, ...connectArgs(server, token)]);
    nodeId = await waitFor(
      () => readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim(),
      'the agent claimed',
    );
    await waitFor(async () => (await server.services.nodes.get(nodeId)).status === 'online', 'online');
    const cookie = await login(server);
    const room = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
      cookie,
      body: { name: 'web servers' },
    });
    roomId = room.json<{ id: string }>().id;
    const added = await request(server, 'PUT', `/api/rooms/${roomId}/nodes/${nodeId}`, { cookie });
    assert.ok(added.status < 300, added.text);

    ({ browser, page } = await signedInBrowser(server.url, ADMIN_PASSWORD, { width: 1366, height: 1000 }));
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
  });

  test('a node’s charts by family: hover shows every series’ value with its unit; the range picker', async () => {
    await page.goto(`${server.url}/nodes/${nodeId}`);
    const cpu = page.locator('figure[data-chart="system.cpu"]');
    await cpu.locator('.chart-plot canvas').waitFor({ timeout: 20_000 });
    await page.locator('.chart-family h3', { hasText: 'cpu' }).waitFor();
    // Two seconds of samples at least, so that the pointer has a point to show.
    await waitFor(async () => Number(await cpu.getAttribute('data-points')) >= 2, 'points', 20_000);
    const plot = cpu.locator('.u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    const user = cpu.locator('.u-legend .u-series', { hasText: 'user' }).locator('.u-value');
    await waitFor(async () => /percentage$/.test((await user.textContent()) ?? ''), 'a hover value');
    assert.match((await user.textContent())!, /^\d+(\.\d+)? percentage$/);
    // Axis labels are never repeated.

    await page.getByRole('button', { name: '1 hour' }).click();
    assert.equal(await page.getByRole('button', { name: '1 hour' }).getAttribute('aria-pressed'), 'true');
    await page.locator('figure[data-chart="system.cpu"] .chart-plot canvas').waitFor();
    const load = page.locator('figure[data-chart="system.load"]');
    await load.scrollIntoViewIfNeeded();
    await load.locator('.chart-plot canvas').waitFor();
    assert.deepEqual(await load.locator('.u-legend .u-series .u-label').allTextContents(), [
      'Time',
      'load1',
      'load5',
      'load15',
    ]);
  });

  test('a function as a sortable table (operators and above)', async () => {
    const card = page.locator('.card', { hasText: 'Functions' });
    await card.getByLabel('Function').selectOption('mount-points');
    await card.getByRole('button', { name: 'Run' }).click();
    const table = card.locator('table.function-table[data-function="mount-points"]');
    await table.waitFor();
    assert.ok((await table.locator('tbody tr').count()) >= 1);
    assert.ok((await table.locator('tbody td', { hasText: /^\/$/ }).count()) >= 1, 'the root file system');
    await table.getByRole('button', { name: /^Mount point/ }).click();
    await table.getByRole('button', { name: /^Mount point.*▼/ }).waitFor();
  });

  test('a room view: one context of every node of the room, side by side and on one chart', async () => {
    await page.goto(`${server.url}/rooms`);
    await page.locator('tr', { hasText: 'web servers' }).getByRole('link', { name: 'Charts' }).click();
    await page.getByRole('heading', { name: /Room charts: web servers/ }).waitFor();
    const hostname = (await server.services.nodes.get(nodeId)).hostname;
    await page
      .locator(`figure[data-chart="${hostname}:system.cpu"] .chart-plot canvas`)
      .waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'one chart' }).click();
    const overlay = page.locator('figure[data-chart="overlay"]');
    await overlay.locator('.chart-plot canvas').waitFor();
    assert.deepEqual(await overlay.locator('.u-legend .u-series .u-label').allTextContents(), [
      'Time',
      hostname,
    ]);
  });
});
