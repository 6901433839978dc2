import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  claimInto,
  login,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  useTestServer,
} from './helpers.ts';
import { SHOTS, noChromium, signedInBrowser } from './browser.ts';

/**
 * A backup plan made in the web UI for a room of two real agents: both nodes on the Backups page after "Run now",
 * the plan on a node's page, and a file downloaded from a snapshot by the browser.
 */
describe('backup plans in the web UI', { skip: noChromium }, () => {
  const server = useTestServer();
  let browser: Browser;
  let page: Page;
  let cookie: string;
  const agents: AgentProcess[] = [];
  const ids: string[] = [];
  const scratch = server.tempDir('muster-ui-plans-');
  const data = join(scratch.path, 'www');
  server.defer(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await browser?.close();
  });

  async function shot(name: string, fullPage = false) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }

  before(async () => {
    cookie = await login(server);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'index.html'), '<h1>served from web-1 and web-2</h1>\n');
    const room = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
      cookie,
      body: { name: 'Web servers' },
    });
    const roomId = room.json<{ id: string }>().id;
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    for (const name of ['web-1', 'web-2']) {
      const state = join(scratch.path, name);
      const claimed = await claimInto(server, state, token, '--hostname', name, '--rooms', roomId);
      assert.equal(claimed.code, 0, claimed.stderr);
      const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
      ids.push(id);
      agents.push(spawnAgent(['--state-dir', state]));
      await waitFor(
        async () =>
          (await request(server, 'GET', `/api/nodes/${id}`, { cookie })).json<{ status: string }>().status ===
          'online',
        `${name} online`,
        20_000,
      );
    }
    ({ browser, page } = await signedInBrowser(server.url, ADMIN_PASSWORD));
  });

  test('create a plan for a room, run it now, see both nodes backed up; download a file from a snapshot', async () => {
    await page.goto(`${server.url}/backups`);
    const plans = page.locator('section', { has: page.getByRole('heading', { name: 'Backup plans' }) });
    const form = plans.locator('form.plan-form');
    await form.getByLabel('Name', { exact: true }).fill('web');
    await form.getByLabel('Room').selectOption({ label: 'Web servers' });
    await form.getByLabel('Paths (comma-separated)').fill(data);
    await form.getByLabel('Repository template').fill(join(scratch.path, 'restic', '{hostname}'));
    await form.getByRole('button', { name: 'Create plan' }).click();
    const row = plans.locator('tr[data-plan="web"]');
    await row.waitFor();
    assert.match(await row.innerText(), /Web servers\s+2\s/);
    for (const id of ids)
      await waitFor(
        async () =>
          (await request(server, 'GET', `/api/nodes/${id}`, { cookie })).json<{ repo_status: string }>()
            .repo_status === 'ready',
        'the repositories initialised',
        60_000,
      );
    await row.getByRole('button', { name: 'Run now' }).click();
    await plans.locator('[data-run-started]').getByText('web: 2 backups started').waitFor();
    const table = page.locator('table.fleet-backups');
    for (const name of ['web-1', 'web-2'])
      await table.locator(`tr[data-node="${name}"][data-state="ok"]`).waitFor({ timeout: 60_000 });
    assert.match(await table.locator('tr[data-node="web-1"]').innerText(), /web\s+OK/);
    await page.locator('[data-totals]').getByText('of 2 nodes protected').waitFor();
    await shot('backups-fleet', true);

    // The node's page shows the plan it follows, and where each value comes from.
    await page.goto(`${server.url}/nodes/${ids[0]}`);
    const plan = page.locator('.effective-plan[data-plan="web"]');
    await plan.waitFor();
    assert.match(await plan.locator('[data-field="paths"]').innerText(), new RegExp(`${data}\\s*plan`));
    await plan.scrollIntoViewIfNeeded();
    await shot('backups-node-plan');

    // A file of the snapshot, downloaded by the browser; its bytes are the file's.
    const snaps = page.locator('section', { has: page.getByRole('heading', { name: 'Snapshots' }) });
    await snaps.getByRole('button', { name: 'Refresh' }).click();
    const snap = snaps.locator('tr[data-snapshot]').first();
    await snap.waitFor({ timeout: 30_000 });
    await snap.getByRole('button', { name: 'Browse' }).click();
    const box = snaps.locator('.browser');
    // Browsing opens at the snapshot's path.
    const file = box.locator('tr[data-entry="index.html"]');
    await file.waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      file.getByRole('link', { name: 'Download' }).click(),
    ]);
    const saved = join(scratch.path, 'downloaded.html');
    await download.saveAs(saved);
    assert.equal(download.suggestedFilename(), 'index.html');
    assert.equal(readFileSync(saved, 'utf8'), '<h1>served from web-1 and web-2</h1>\n');

    // Where a file is across snapshots, and what the repository holds.
    await snaps.getByLabel('Find a file in every snapshot').fill('index.html');
    await snaps.getByRole('button', { name: 'Find', exact: true }).click();
    await snaps.locator('table[data-found] tr', { hasText: join(data, 'index.html') }).waitFor();
    assert.match(
      await page.locator('[data-repo-stats]').innerText(),
      /stored for .* of snapshots.*1 snapshot, unlocked/,
    );
  });
});
