import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, which the browser tests drive (MUSTER_CHROMIUM points elsewhere). */
export const CHROMIUM = process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium';
/** Why a browser test is skipped (no Chromium), or false when it runs. */
export const noChromium = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
/** Where screenshots go: docs/images/ when MUSTER_SCREENSHOTS=1 (refreshing the pictures of the docs), else none. */
export const SHOTS =
  process.env.MUSTER_SCREENSHOTS === '1' ? resolve(import.meta.dirname, '..', 'docs', 'images') : null;

/**
 * Debian's Chromium with one page signed in to the server as the admin (the server's own certificate accepted),
 * once the page shows a signed-in header.
 */
export async function signedInBrowser(
  url: string,
  password: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport })).newPage();
  await page.goto(url);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { browser, page };
}
