// How many lines the server logs in an ordinary session: two agents linked and one browser on a node page (its
// charts poll every 2 s), for --minutes (default 9), with default settings and the log not on a terminal.
//   node --import tsx bench/log-volume.ts [--minutes 9] [--checkout DIR]
// --checkout runs another checkout's server and agent (built there), to compare versions in the same way;
// MUSTER_LOGVOL_PRINT=1 prints the lines themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '9' },
    checkout: { type: 'string', default: resolve(import.meta.dirname, '..') },
    port: { type: 'string', default: '18643' },
  },
});
const checkout = resolve(values.checkout);
const minutes = Number(values.minutes);
const port = Number(values.port);
const password = 'correct-horse-battery-staple';
const dir = mkdtempSync(join(tmpdir(), 'muster-logvol-'));
const children: ChildProcess[] = [];
// Whatever happens, leave no server or agent behind.
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

// This version runs its build; earlier ones ran their sources through tsx.
const built = join(checkout, 'dist', 'server', 'muster.mjs');
const serverArgs = existsSync(built)
  ? [join(checkout, 'bin', 'muster.js')]
  : ['--import', 'tsx', join(checkout, 'src', 'cli', 'muster.ts')];
let lines = 0;
let out = '';
const server = spawn(
  process.execPath,
  [...serverArgs, 'server', '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`],
  {
    cwd: checkout,
    env: { ...process.env, MUSTER_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
children.push(server);
const count = (d: Buffer) => {
  const s = d.toString();
  out += s;
  lines += s.split('\n').length - 1;
};
server.stdout.on('data', count);
server.stderr.on('data', count);
const until = async (test: () => boolean, what: string) => {
  for (let i = 0; i < 600 && !test(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!test()) throw new Error(`timed out waiting for ${what}:\n${out}`);
};
await until(() => /listening on/i.test(out) && /sha256:[0-9a-f]{64}/.test(out), 'the server');
const url = `https://127.0.0.1:${port}`;
const pin = /sha256:[0-9a-f]{64}/.exec(out)![0];
const token = /MUSTER_CLAIM_TOKEN=(\S+)/.exec(out)![1]!;
const startLines = lines;
const startText = out.length;

for (const name of ['logvol-a', 'logvol-b']) {
  const agentBundle = join(checkout, 'dist', 'muster-agent.mjs');
  const state = ['--state-dir', join(dir, name), '--local-api', 'off'];
  const env = { PATH: process.env.PATH, MUSTER_CLAIM_TOKEN: token };
  const claim = spawn(
    process.execPath,
    [agentBundle, 'claim', ...state, '--url', url, '--ca-pin', pin, '--hostname', name],
    {
      env,
      stdio: 'ignore',
    },
  );
  await new Promise((r) => claim.once('exit', r));
  children.push(
    spawn(process.execPath, [agentBundle, 'run', ...state], {
      env: { PATH: process.env.PATH },
      stdio: 'ignore',
    }),
  );
}
const browser = await chromium.launch({
  executablePath: process.env.MUSTER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
await page.goto(url);
await page.getByLabel('User name').fill('admin');
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('link', { name: 'logvol-a' }).click({ timeout: 60_000 });
const started = Date.now();
await new Promise((r) => setTimeout(r, minutes * 60_000));
const total = lines - startLines;
const windowText = out.slice(startText);
await browser.close();
for (const c of children) c.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 1000));
rmSync(dir, { recursive: true, force: true });
const byKind = new Map<string, number>();
for (const l of windowText.split('\n').filter(Boolean)) {
  let key = 'text';
  try {
    key = String((JSON.parse(l) as { msg?: string }).msg ?? 'json')
      .split(/[:(]/)[0]!
      .slice(0, 40);
  } catch {
    /* a plain line */
  }
  byKind.set(key, (byKind.get(key) ?? 0) + 1);
}
process.stdout.write(
  `${checkout}: ${total} log lines in ${((Date.now() - started) / 60_000).toFixed(1)} min (after the start banner), two agents, one browser on a node page\n`,
);
for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 8))
  process.stdout.write(`  ${n}\t${k}\n`);
if (process.env.MUSTER_LOGVOL_PRINT) process.stdout.write(windowText);
