// The nodes page with N nodes in Debian's Chromium: time to first rows, to filter by text, and to page.
// Usage: npx tsx bench/ui-nodes-list.ts [nodes=1000]   (needs `npm run build` and /usr/bin/chromium; prints JSON)
import { chromium } from 'playwright-core';
import { mintEnrollmentBody } from '../src/server/tokens/enrollment-service.ts';
import { ADMIN_PASSWORD, startTestServer } from '../test/helpers.ts';

const count = Number(process.argv[2] ?? 1000);
const server = await startTestServer();
const { services, database } = server;
const admin = await database.db
  .selectFrom('users')
  .select('id')
  .where('username', '=', 'admin')
  .executeTakeFirstOrThrow();
for (let i = 0; i < count; i++) {
  const hostname = `host-${String(i).padStart(5, '0')}`;
  const minted = await services.enrollment.mint(
    { kind: 'user', userId: admin.id, username: 'admin', role: 'admin', ip: null },
    server.spaceId,
    mintEnrollmentBody.parse({ hostname }),
  );
  await services.enroll.enrollNode(
    { token: minted.token, hostname, os: 'linux', arch: 'x64', agent_version: 'sim' },
    null,
  );
}

const browser = await chromium.launch({
  executablePath: process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
await page.goto(server.url);
await page.getByLabel('User name').fill('admin');
await page.getByLabel('Password').fill(ADMIN_PASSWORD);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('button', { name: 'Sign out' }).waitFor();
// Home is the first page after sign-in; the list is under Nodes.
await page.getByRole('link', { name: 'Nodes', exact: true }).click();
await page.waitForURL('**/nodes');

/** Wait until the table shows `n` rows (polled: the UI's content policy forbids evaluated strings). */
const rowsShown = async (n: number) => {
  while ((await page.locator('tr[data-node-id]').count()) !== n) await new Promise((r) => setTimeout(r, 5));
};
const ms = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return Math.round(performance.now() - t);
};
const load = await ms(async () => {
  await page.reload();
  await page.getByText(`${count} nodes`).waitFor();
  await page.locator('tr[data-node-id]').first().waitFor();
});
const filter = await ms(async () => {
  await page.getByPlaceholder('host name, OS, tag…').fill('host-00042');
  await page.locator('tr[data-node-id]', { hasText: 'host-00042' }).waitFor();
  await rowsShown(1);
});
await page.getByPlaceholder('host name, OS, tag…').fill('');
await rowsShown(100);
const nextPage = await ms(async () => {
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('tr[data-node-id]', { hasText: 'host-00100' }).waitFor();
});
const rows = await page.locator('tr[data-node-id]').count();
process.stdout.write(
  `${JSON.stringify({ benchmark: 'ui-nodes-list', nodes: count, rows_rendered: rows, reload_to_rows_ms: load, text_filter_ms: filter, next_page_ms: nextPage })}\n`,
);
await browser.close();
await server.stop();
process.exit(0);
