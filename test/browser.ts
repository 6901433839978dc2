import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Debian's Chromium, which the browser tests drive (MUSTER_CHROMIUM points elsewhere). */
export const CHROMIUM = process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium';
/** Why a browser test is skipped (no Chromium), or false when it runs. */
export const noChromium = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
/** Where screenshots go: docs/images/ when MUSTER_SCREENSHOTS=1 (refreshing the pictures of the docs), else none. */
export const SHOTS =
  process.env.MUSTER_SCREENSHOTS === '1' ? resolve(import.meta.dirname, '..', 'docs', 'images') : null;
