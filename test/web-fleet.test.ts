import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, noChromium, signedInBrowser } from './browser.ts';
import { formatPin } from '../src/protocol/pin.ts';
import {
  ADMIN_PASSWORD,
  login,
  request,
  simulatedIdentity,
  spawnAgent,
  useTestServer,
  waitFor,
} from './helpers.ts';

describe(
  'the fleet in the web UI: bulk actions, room rules, what an agent allows',
  { skip: noChromium },
  () => {
    const server = useTestServer();
    const scratch = server.tempDir('muster-ui-fleet-');

    test('select every node the filter matches and move them to a room, with progress and results; a room takes rules; an agent without shell jobs says how to allow them', async () => {
      const cookie = await login(server);
      const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
      const sim = await simulatedIdentity(server);
      for (let i = 0; i < 30; i++) {
        const id = randomUUID();
        const res = await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, {
          body: {
            node: { id, hostname: `rack-${String(i).padStart(2, '0')}` },
            token,
            publicKey: sim.publicKey,
          },
        });
        assert.ok(res.status < 300, res.text);
      }
      const target = (
        await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
          cookie,
          body: { name: 'Rack A' },
        })
      ).json<{ id: string }>().id;
      const link = await sim.open();
      const { browser, page } = await signedInBrowser(server.url, ADMIN_PASSWORD);
      try {
        await page.getByRole('link', { name: 'Nodes', exact: true }).click();
        await page.getByRole('searchbox').fill('rack-');
        await page.getByText('1–30 of 30').waitFor();
        await page.getByLabel('Select all nodes that match the filters').check();
        const bar = page.getByRole('region', { name: 'Bulk actions' });
        await bar.getByText('30 selected').waitFor();
        await bar.getByLabel('Bulk action').selectOption('move');
        await bar.getByLabel('Target room').selectOption({ label: 'Rack A' });
        await bar.getByRole('button', { name: 'Apply' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Move to room' }).click();
        await bar.getByText('30 of 30 done.').waitFor({ timeout: 20_000 });
        const inRoom = (await request(server, 'GET', `/api/nodes?room=${target}&limit=100`, { cookie })).json<
          unknown[]
        >();
        assert.equal(inRoom.length, 30);
        await page.locator('tr', { hasText: 'rack-07' }).getByText('Rack A').waitFor();

        // Rules on the room, written one per line.
        await page.getByRole('link', { name: 'Rooms', exact: true }).click();
        const row = page.locator('tr[data-room="rack-a"]');
        await row.getByRole('button', { name: 'Rules' }).click();
        await row.getByLabel('Rules of Rack A').fill('label.rack=a os=Linux*\narch=arm64');
        await row.getByRole('button', { name: 'Save rules' }).click();
        await row.locator('pre.rules-text', { hasText: 'label.rack=a os=Linux*' }).waitFor();
        const rooms = (await request(server, 'GET', `/api/spaces/${server.spaceId}/rooms`, { cookie })).json<
          { id: string; rules: Record<string, string>[] }[]
        >();
        assert.deepEqual(rooms.find((r) => r.id === target)?.rules, [
          { 'label.rack': 'a', os: 'Linux*' },
          { arch: 'arm64' },
        ]);
        // The space's settings for nodes that come and go.
        await page.getByLabel('Remove stale nodes after a further (days; empty: never)').fill('30');
        await page.getByLabel('Agents may announce themselves').check();
        await page.getByRole('button', { name: 'Save' }).last().click();
        await page.getByText('Saved.').waitFor();
        const settings = (
          await request(server, 'GET', `/api/spaces/${server.spaceId}/settings`, { cookie })
        ).json<{ stale_remove_days: number | null; announce: boolean }>();
        assert.equal(settings.stale_remove_days, 30);
        assert.equal(settings.announce, true);

        // An agent with only the URL and pin announces itself; the node list offers it for approval into a room.
        const announcing = spawnAgent(
          [
            '--state-dir',
            join(scratch.path, 'edge-1'),
            '--announce',
            '--url',
            server.url,
            '--ca-pin',
            formatPin(server.pin!),
            '--hostname',
            'edge-1',
          ],
          { env: { MUSTER_ANNOUNCE_POLL_SECONDS: '1' } },
        );
        try {
          await page.getByRole('link', { name: 'Nodes', exact: true }).click();
          const waiting = page.locator('tr[data-announcement="edge-1"]');
          await waiting.waitFor({ timeout: 20_000 });
          await waiting.getByLabel('Room for edge-1').selectOption({ label: 'Rack A' });
          await waiting.getByRole('button', { name: 'Approve' }).click();
          await page.getByRole('searchbox').fill('edge-1');
          await page.locator('tr[data-status="online"]', { hasText: 'edge-1' }).waitFor({ timeout: 20_000 });
        } finally {
          await announcing.stop();
        }

        // The linked agent runs no shell jobs: its page does not offer them and says how to allow them.
        await page.goto(`${server.url}/nodes/${sim.id}`);
        await page.getByTestId('shell-hint').getByText('--allow-shell-jobs').waitFor();
        const types = await page.getByLabel('Job type').locator('option').allInnerTexts();
        assert.ok(!types.includes('shell'), types.join(', '));
      } finally {
        link.ws.close();
        sim.remove();
        await browser.close();
      }
    });
  },
);

describe('the first sign-in with the generated admin password', { skip: noChromium }, () => {
  const server = useTestServer({ flags: { adminPassword: undefined } });

  test('asks for a password of your own before anything else', async () => {
    const generated = readFileSync(join(server.dataDir, 'initial-admin-password'), 'utf8').trim();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      await page.goto(server.url);
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(generated);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('choose your own now').waitFor();
      assert.equal(await page.getByRole('link', { name: 'Nodes', exact: true }).count(), 0);
      await page.getByLabel('Current password').fill(generated);
      await page.getByLabel('New password (12+ characters)').fill('my-own-admin-passphrase');
      await page.getByLabel('New password again').fill('my-own-admin-passphrase');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('heading', { name: 'Fleet' }).waitFor();
      await waitFor(
        async () =>
          (await request(server, 'POST', '/api/auth/login', {
            body: { username: 'admin', password: 'my-own-admin-passphrase' },
          }).then((r) => r.status)) === 200,
        'the new password signs in',
      );
    } finally {
      await browser.close();
    }
  });
});
