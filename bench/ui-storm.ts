// Browsers open on the node list during a reconnect storm: what they cost the server, and how their pages fare.
// Usage: npx tsx bench/ui-storm.ts [--agents 10000] [--browsers 5] [--rounds 2] [--checkout DIR]
// (the checkout's UI must be built: `npm run build`; needs /usr/bin/chromium). Prints one JSON line per storm.
//
// The fleet is claimed and linked once. Each round then kills the server and starts it again twice, the agents
// linking again each time: once with no browser open, once with `--browsers` pages of Debian's Chromium signed in
// and left on the node list. The server's CPU is read from /proc from its start until every agent is linked and
// 10 s more (what the pages read after the storm counts too); each page's late frames, longest task and
// main-thread time over the same window come from the page itself and from the browser's own metrics.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import type { MusterAgent } from './fleet-clients.ts';
import {
  ADMIN_PASSWORD,
  claim,
  musterLinks,
  round,
  settle,
  sleep,
  startMuster as startMusterIn,
  stopClients,
  stopProc,
  until,
  usage,
  freePort,
} from './bench-kit.ts';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    browsers: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    checkout: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
  },
});
const AGENTS = Number(args.agents);
const BROWSERS = Number(args.browsers);
const TAIL_MS = 10_000;

const dataDir = join(mkdtempSync(join(tmpdir(), 'muster-ui-storm-')), 'muster');
const port = await freePort();
const start = () => startMusterIn({ checkout: args.checkout, profile: '' }, dataDir, port);
let muster = await start();
const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
process.stdout.write(
  `${JSON.stringify({ benchmark: 'ui-storm', agents: AGENTS, browsers: BROWSERS, load_average: loadavg().map((l) => round(l, 2)), checkout: args.checkout })}\n`,
);

const fleet: MusterAgent[] = [];
const claimed = await claim(muster, ca, muster.token!, AGENTS, fleet);
if (claimed.failed) throw new Error(`${claimed.failed} claims refused`);
const links = musterLinks(muster, ca, fleet);
await until(`${AGENTS} links`, () => links.linked() >= AGENTS, 900);
await settle(muster.proc.pid!);

const browser = await chromium.launch({
  executablePath: process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});

/** A page signed in and showing the node list with the whole fleet counted, timing its own main thread. */
async function openNodeList(): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const login = await context.request.post(`${muster.url}/api/auth/login`, {
    data: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (!login.ok()) throw new Error(`sign-in ${login.status()}`);
  const page = await context.newPage();
  await page.goto(`${muster.url}/nodes`);
  await page.getByText(`${AGENTS} online`).waitFor({ timeout: 60_000 });
  // As text: the page runs it as written (no helpers of this script's compiler). A timer every 50 ms notes how
  // late it runs: a probe more than a frame (16.7 ms) late is a frame the page could not have drawn on time. (A
  // requestAnimationFrame loop would count frames directly, but it makes five browsers draw 60 frames a second,
  // which is load of its own on the machine the server shares.)
  await page.evaluate(`(() => {
    window.probes_ = 0;
    window.late_ = 0;
    window.worst_ = 0;
    window.long_ = 0;
    window.longest_ = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      const delay = now - last - 50;
      last = now;
      window.probes_++;
      if (delay > 16.7) window.late_++;
      window.worst_ = Math.max(window.worst_, delay);
    }, 50);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.long_ += e.duration;
        window.longest_ = Math.max(window.longest_, e.duration);
      }
    }).observe({ type: 'longtask' });
  })()`);
  return page;
}

/** Start reading what each page does: late frames, long tasks, main-thread time (the browser's TaskDuration). */
async function pageFigures(pages: Page[]) {
  return Promise.all(
    pages.map(async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metric = async () =>
        (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
      const read = () =>
        page.evaluate<{ probes: number; late: number; worst: number; longest: number; long: number }>(
          '({ probes: window.probes_, late: window.late_, worst: window.worst_, longest: window.longest_, long: window.long_ })',
        );
      const t0 = performance.now();
      const [task0, own0] = [await metric(), await read()];
      let requests = 0;
      page.on('request', () => requests++);
      return async () => {
        const seconds = (performance.now() - t0) / 1000;
        const [task1, own1] = [await metric(), await read()];
        return {
          frames_late_percent: round(
            ((own1.late - own0.late) / Math.max(1, own1.probes - own0.probes)) * 100,
            1,
          ),
          worst_delay_ms: Math.round(own1.worst),
          main_thread_busy_percent: round(((task1 - task0) / seconds) * 100, 1),
          long_tasks_ms: Math.round(own1.long - own0.long),
          longest_task_ms: Math.round(own1.longest),
          requests,
        };
      };
    }),
  );
}

async function storm(withBrowsers: boolean) {
  const pages = withBrowsers ? await Promise.all(Array.from({ length: BROWSERS }, openNodeList)) : [];
  const done = await pageFigures(pages);
  await stopProc(muster.proc, 'SIGKILL');
  await until('links to notice', () => links.linked() === 0, 60);
  muster = await start();
  const cpu0 = usage(muster.proc.pid!).cpu;
  const failed0 = links.failed();
  const seconds = await until(`${AGENTS} links back`, () => links.linked() >= AGENTS, 900);
  await sleep(TAIL_MS);
  const cpu = usage(muster.proc.pid!).cpu - cpu0;
  const figures = await Promise.all(done.map((f) => f()));
  // The pages show the fleet online again.
  await Promise.all(pages.map((p) => p.getByText(`${AGENTS} online`).waitFor({ timeout: 30_000 })));
  await Promise.all(pages.map((p) => p.context().close()));
  await settle(muster.proc.pid!);
  return {
    storm_seconds: round(seconds, 1),
    server_cpu_seconds: round(cpu, 2),
    server_cpu_ms_per_link: round((cpu / AGENTS) * 1000, 2),
    failed_attempts: links.failed() - failed0,
    pages: figures,
  };
}

for (let r = 1; r <= Number(args.rounds); r++) {
  const none = await storm(false);
  process.stdout.write(`${JSON.stringify({ round: r, browsers: 0, ...none })}\n`);
  const some = await storm(true);
  process.stdout.write(
    `${JSON.stringify({ round: r, browsers: BROWSERS, ...some, server_cpu_ratio_to_none: round(some.server_cpu_seconds / none.server_cpu_seconds, 3) })}\n`,
  );
}
await browser.close();
await stopClients(links);
await stopProc(muster.proc);
process.exit(0);
