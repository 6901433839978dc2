import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  addUser,
  ADMIN_PASSWORD,
  login,
  request,
  SIM_FACTS,
  simulatedIdentity,
  spawnAgent,
  userPassword,
  waitFor,
  type AgentProcess,
  useTestServer,
} from './helpers.ts';
import { CHROMIUM, SHOTS, noChromium } from './browser.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

function bash(command: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => done({ code, out }));
  });
}

/** The real UI in Debian's Chromium against the real server, with real agents. */
describe('web UI in a real browser', { skip: noChromium }, () => {
  const server = useTestServer();
  let browser: Browser;
  let page: Page;
  let cookie: string;
  const scratch = server.tempDir('muster-ui-');
  const agents: AgentProcess[] = [];
  server.defer(async () => {
    for (const a of agents) await a.stop();
    await browser?.close();
  });
  const alerts: string[] = [];

  async function shot(name: string) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: name === 'node' });
  }

  async function signIn(username: string, password: string) {
    await page.goto(server.url);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  before(async () => {
    cookie = await login(server);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    // The server's own CA is not in the browser's store; TLS and pins are tested against the agent elsewhere.
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1366, height: 860 },
    });
    page = await context.newPage();
    page.on('dialog', (d) => {
      alerts.push(d.message());
      void d.dismiss();
    });
  });

  test('sign in, connect a node with the command from the dialog, watch it come online and go offline', async () => {
    const space = server.spaceId;
    assert.equal(
      (await request(server, 'POST', `/api/spaces/${space}/rooms`, { cookie, body: { name: 'Web servers' } }))
        .status,
      201,
    );
    await page.goto(server.url);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong user name or password.').waitFor();
    await shot('sign-in');
    await signIn('admin', ADMIN_PASSWORD);
    // The first page is the fleet at a glance; the list is one link away.
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    await page.getByRole('link', { name: 'Nodes', exact: true }).click();
    await page.getByText('No nodes yet').waitFor();

    await page.getByRole('button', { name: 'Connect nodes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect nodes' });
    await dialog.getByLabel('Web servers').check();
    for (const env of ['Docker', 'Docker Compose', 'Kubernetes', 'macOS', 'Windows', 'Linux']) {
      await dialog.getByRole('tab', { name: env, exact: true }).click();
      const text = await dialog.locator('pre.command').innerText();
      const token = (await server.services.tokens.getSpaceToken(space)).token;
      assert.ok(text.includes(token), `${env} command carries the claim token`);
      if (env === 'Kubernetes') assert.match(text, /kind: Secret[\s\S]*kind: DaemonSet[\s\S]*secretKeyRef/);
      if (env === 'Docker') assert.match(text, /MUSTER_CLAIM_ROOMS=web-servers/);
    }
    const command = await dialog.locator('pre.command').innerText();
    assert.match(command, new RegExp(`${server.url}/install/install.sh`));
    assert.match(command, /MUSTER_CLAIM_ROOMS=web-servers/);
    await shot('connect-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Run exactly that command, into a scratch root instead of / (no systemd here). As root it runs without sudo
    // (none is installed on minimal images).
    const root = join(scratch.path, 'root');
    assert.match(command, /if \[ "\$\(id -u\)" = 0 \]; then bash; else sudo --preserve-env=\S+ bash; fi;/);
    const run = process.getuid?.() === 0 ? command : command.replace(/\{ if .* fi; \}/, 'bash');
    const installed = await bash(
      `cd ${scratch.path} && export MUSTER_PREFIX=${root} MUSTER_HOSTNAME=ui-node-1 && ${run}`,
    );
    assert.equal(installed.code, 0, installed.out);
    assert.match(installed.out, /claiming/);
    // No systemd here: the installer says the agent is not running and how to start it, not "connected".
    assert.match(installed.out, /enrolled with .* but the agent is NOT running/);
    assert.doesNotMatch(installed.out, /connected to/);

    const row = page.locator('tr', { hasText: 'ui-node-1' });
    await row.waitFor(); // appears without a reload (claimed: pending)
    const agent = spawnAgent(['--state-dir', join(root, 'var', 'lib', 'muster-agent')]);
    agents.push(agent);
    await page.locator('tr[data-status="online"]', { hasText: 'ui-node-1' }).waitFor({ timeout: 20_000 });
    assert.match(await row.innerText(), /Web servers/);
    await page.getByText('1 online').waitFor();
    await shot('nodes');

    // Its page: live charts that move, a job whose log streams in.
    await row.getByRole('link', { name: 'ui-node-1' }).click();
    await page.locator('h1.hostname', { hasText: 'ui-node-1' }).waitFor();
    const cpu = page.locator('figure[data-chart="system.cpu"]');
    await waitFor(
      async () => {
        // Charts are asked for once on screen.
        if ((await cpu.count()) === 0) return false;
        await cpu.scrollIntoViewIfNeeded();
        return Number(await cpu.getAttribute('data-points')) >= 3;
      },
      'chart points to accumulate',
      20_000,
      250,
    );
    const families = await page.locator('.chart-family').count();
    assert.ok(families >= 5, `${families} chart families`);
    // Each chart draws its canvas once its own data arrives, after the first chart's: waited for, not counted once.
    const canvases = page.locator('figure.chart canvas');
    await waitFor(async () => (await canvases.count()) >= 3, 'three chart canvases', 20_000, 250);
    await page.getByRole('button', { name: 'Probe' }).click();
    await page.getByRole('button', { name: 'Run probe' }).click();
    const log = page.locator('.job-log pre.log');
    await log.getByText('"hostname"').first().waitFor({ timeout: 20_000 });
    await page.locator('.job-log .job-state', { hasText: 'succeeded' }).waitFor();
    // The probe's output once, in one panel (the stream's replay and a reconnect once showed it twice).
    assert.equal(await page.locator('.job-log').count(), 1);
    assert.equal(await log.locator('span', { hasText: '"hostname"' }).count(), 1);
    // The agent runs no shell jobs (no --allow-shell-jobs): the form does not offer them, and says how to allow them.
    const types = await page.getByLabel('Job type').locator('option').allInnerTexts();
    assert.ok(!types.includes('shell'), types.join(', '));
    await page.getByTestId('shell-hint').getByText('--allow-shell-jobs').waitFor();
    // Any job from the form asks first.
    await page.getByLabel('Job type').selectOption('system.probe');
    await page.getByRole('button', { name: 'Run job' }).click();
    await page.getByRole('dialog', { name: 'Run job' }).getByText('Run system.probe on ui-node-1').waitFor();
    await page.getByRole('dialog', { name: 'Run job' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Probe' }).click();
    await page.getByRole('button', { name: 'Run probe' }).click();
    await page.locator('.job-log .job-state', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await shot('node');

    // Back to the list by the link, not a reload; stop the agent and watch the row turn offline.
    await page.getByRole('link', { name: 'Nodes', exact: true }).click();
    await page.locator('tr[data-status="online"]', { hasText: 'ui-node-1' }).waitFor();
    await agent.stop();
    const offline = page.locator('tr[data-status="offline"]', { hasText: 'ui-node-1' });
    await offline.waitFor({ timeout: 10_000 });
    assert.match(await offline.innerText(), /agent closed the link|connection lost/);
  });

  test('text from machines is shown as text: a hostile host name, label and log line do not run', async () => {
    const sim = await simulatedIdentity(server, {
      ...SIM_FACTS,
      os: HOSTILE,
      labels: { note: '<script>alert(2)</script>' },
    });
    try {
      const link = await sim.open();
      link.ws.on('message', (d) => {
        const f = JSON.parse((d as Buffer).toString()) as { t: string; id?: string; method?: string };
        if (f.t === 'request' && f.method === 'facts')
          link.ws.send(
            JSON.stringify({ t: 'reply', id: f.id, ok: true, result: { ...SIM_FACTS, hostname: HOSTILE } }),
          );
      });
      await page.goto(`${server.url}/nodes/${sim.id}`);
      const facts = page.locator('dl.facts');
      await facts.getByText(HOSTILE, { exact: true }).first().waitFor();
      // To the list by its link, as a user goes there: a full page load while the node page's event streams close
      // has failed in Chromium with net::ERR_TOO_MANY_RETRIES now and then (its cause is not found yet).
      await page.getByRole('link', { name: 'Nodes', exact: true }).click();
      await page.locator('tr', { hasText: HOSTILE }).first().waitFor();
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was made from machine text');
      await page.goto(`${server.url}/nodes/${sim.id}`);
      // The label stays shown once the live facts (which carry none) have replaced the stored ones.
      await page.getByText('Fresh from the agent.').waitFor();
      await page.getByText('<script>alert(2)</script>').waitFor();
      assert.deepEqual(alerts, [], 'no script ran');
      link.ws.close();
    } finally {
      sim.remove();
    }
  });

  test('a viewer sees nodes but not the claim token, and cannot connect nodes', async () => {
    await addUser(server, cookie, 'ui-viewer', 'viewer');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('ui-viewer', userPassword('ui-viewer'));
    await page.getByRole('link', { name: 'Nodes', exact: true }).click();
    await page.locator('tr', { hasText: 'ui-node-1' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Connect nodes' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Tokens' }).count(), 0);
    await page.goto(`${server.url}/tokens`);
    await page.getByText('Tokens are for operators and admins.').waitFor();
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    assert.ok(!(await page.content()).includes(token));
    const direct = await page.evaluate(
      async (id) => (await fetch(`/api/spaces/${id}/claim-token`)).status,
      server.spaceId,
    );
    assert.equal(direct, 403, 'the server refuses too');
  });

  test('admin pages: rooms, tokens, users and audit', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Rooms' }).click();
    await page.getByLabel('New room').fill('Databases');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.locator('tr[data-room="databases"]').waitFor();
    await shot('rooms');
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Host name').fill('db-7');
    await page.getByRole('button', { name: 'Mint token' }).click();
    await page.getByText('Token for db-7 (shown once)').waitFor();
    await page.locator('tr', { hasText: 'db-7' }).getByText('active').waitFor();
    await shot('tokens');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.locator('tr[data-user="ui-viewer"]').waitFor();
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('cell', { name: 'token.minted' }).first().waitFor();
    await shot('audit');
  });
});
