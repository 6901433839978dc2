import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Backups from the node page, in Debian's Chromium, against a real agent running the real restic. */
describe('backups in the web UI', { skip: noChromium }, () => {
  const server = useTestServer();
  let browser: Browser;
  let page: Page;
  let agent: AgentProcess;
  let hostId: string;
  const scratch = server.tempDir('muster-ui-backups-');
  const data = join(scratch.path, 'www');
  const state = join(scratch.path, 'agent');
  server.defer(async () => {
    await agent?.stop();
    await browser?.close();
  });

  async function shot(name: string, fullPage = false) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }

  before(async () => {
    const cookie = await login(server);
    mkdirSync(join(data, 'site'), { recursive: true });
    writeFileSync(join(data, 'site', 'index.html'), '<h1>the page we lost</h1>\n');
    writeFileSync(join(data, 'site', 'style.css'), 'body { margin: 0 }\n');
    writeFileSync(join(data, 'README'), 'web root\n');
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(server, state, token, '--hostname', 'web-1');
    assert.equal(claimed.code, 0, claimed.stderr);
    hostId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    agent = spawnAgent(['--state-dir', state]);
    await waitFor(
      async () =>
        (await request(server, 'GET', `/api/nodes/${hostId}`, { cookie })).json<{ status: string }>()
          .status === 'online',
      'the node online',
      20_000,
    );
    ({ browser, page } = await signedInBrowser(server.url, ADMIN_PASSWORD));
  });

  test('set a repository on the node page, back up now, browse the snapshot, restore a file, see the log', async () => {
    await page.goto(`${server.url}/nodes/${hostId}`);
    const repoCard = page.locator('section', {
      has: page.getByRole('heading', { name: 'Backup repository' }),
    });
    await repoCard.getByText('No repository yet').waitFor();
    await repoCard.getByRole('button', { name: 'Set repository' }).click();
    const dialog = page.getByRole('dialog', { name: 'Backup repository' });
    const repoPath = join(scratch.path, 'restic', 'web-1');
    await dialog.getByLabel('Repository URL').fill(repoPath);
    await dialog.getByLabel('Repository password').fill('ui test repository');
    await shot('backups-repository-dialog');
    await dialog.getByRole('button', { name: 'Save and initialise' }).click();
    await repoCard.locator('[data-repo-status="ready"]').waitFor({ timeout: 30_000 });
    assert.equal(await repoCard.locator('[data-repo-location]').innerText(), repoPath);
    assert.ok(readdirSync(repoPath).includes('config'));

    // A source group, backed up now; health fills in.
    const backups = page.locator('section', {
      has: page.getByRole('heading', { name: 'Backups', exact: true }),
    });
    await backups.getByLabel('Name').fill('www');
    await backups.getByLabel('Paths (comma-separated)').fill(data);
    await backups.getByRole('button', { name: 'Add group' }).click();
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await backups.locator('table.backup-health').getByText('ago').first().waitFor({ timeout: 30_000 });

    // The snapshot, browsed one directory at a time.
    const snaps = page.locator('section', { has: page.getByRole('heading', { name: 'Snapshots' }) });
    await snaps.getByRole('button', { name: 'Refresh' }).click();
    const row = snaps.locator('tr[data-snapshot]').first();
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /www/);
    await shot('backups-node', true);
    await row.getByRole('button', { name: 'Browse' }).click();
    const browserBox = snaps.locator('.browser');
    await browserBox.locator('tr[data-entry="site"]').getByRole('button', { name: 'site/' }).click();
    await page.locator(`[data-browse-path="${join(data, 'site')}"]`).waitFor();
    const file = browserBox.locator('tr[data-entry="index.html"]');
    await file.waitFor();
    await shot('backups-browse');
    await file.getByRole('button', { name: 'Restore' }).click();
    const restore = page.getByRole('dialog', { name: 'Restore' });
    await restore.getByText('A fresh directory').waitFor();
    await shot('backups-restore-dialog');
    await restore.getByRole('button', { name: 'Restore' }).click();

    // The restore job's log, live on the page, and the bytes on disk.
    const log = page.locator('section', { has: page.getByRole('heading', { name: 'Job output' }) });
    await log.getByText('succeeded').waitFor({ timeout: 30_000 });
    await log.locator('pre.log').getByText('restored into').waitFor();
    const text = await log.locator('pre.log').innerText();
    const target = /restored into (\S+)/.exec(text)?.[1];
    assert.ok(target, text);
    assert.equal(
      readFileSync(join(target, data, 'site', 'index.html'), 'utf8'),
      '<h1>the page we lost</h1>\n',
    );
  });

  test('the Connect dialog gives one machine its own repository: a one-time token that carries it', async () => {
    await page.goto(`${server.url}/nodes`);
    await page.getByRole('button', { name: 'Connect nodes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect nodes' });
    await dialog.getByLabel('Host name of the machine').fill('db-7');
    await dialog.getByText('Backup repository (optional)').click();
    await dialog.getByLabel('Repository URL').fill('/srv/restic/db-7');
    await dialog.getByLabel('Password', { exact: true }).fill('db-7 repository password');
    await dialog.getByRole('button', { name: 'Create one-time token' }).click();
    // The space token's command gives way to the one-time token's.
    const box = dialog.locator('pre.command', { hasText: 'MUSTER_CLAIM_TOKEN=mse_' });
    await box.waitFor();
    const command = await box.innerText();
    assert.match(command, /MUSTER_WRITABLE_PATHS=\/srv\/restic\/db-7/);
    assert.doesNotMatch(command, /db-7 repository password/);
    const tokens = (
      await request(server, 'GET', '/api/enrollment-tokens', { cookie: await login(server) })
    ).json<{ hostname: string; has_repository: boolean }[]>();
    assert.ok(tokens.some((t) => t.hostname === 'db-7' && t.has_repository));
  });
});
