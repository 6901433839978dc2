/**
 * The pre-authentication flood of /mqtt, measured as an attacker would make it: N websockets from one address, each
 * sending a 1 MiB frame and never CONNECT. Prints the server's resident memory (from /proc) before, at the height of
 * the flood and a few seconds after, and how the sockets were answered.
 *
 *   npx tsx bench/flood.ts [--sockets 600]
 *
 * The server is the built one (`npm run build`), started on a fresh data dir with TLS, as `muster server` runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SOCKETS = arg('sockets', 600);
const cli = resolve(import.meta.dirname, '../bin/muster.js');
const dir = mkdtempSync(join(tmpdir(), 'muster-flood-'));

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = spawn(process.execPath, [cli, 'server', '--data-dir', dir, '--listen', '127.0.0.1:0'], {
  env: { PATH: process.env.PATH, MUSTER_ADMIN_PASSWORD: 'flood-bench-password', MUSTER_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
server.stdout.on('data', (c: Buffer) => (out += c.toString()));
const url = await new Promise<string>((r) => {
  const t = setInterval(() => {
    const m = /listening on (https:\/\/[^\s"]+)/.exec(out);
    if (m) {
      clearInterval(t);
      r(m[1]!);
    }
  }, 50);
});
const ca = readFileSync(join(dir, 'tls', 'ca.pem'), 'utf8');
await sleep(2000);
const before = rssMb(server.pid!);

const answers = new Map<string, number>();
const count = (k: string) => answers.set(k, (answers.get(k) ?? 0) + 1);
const megabyte = Buffer.alloc(1024 * 1024, 0x30);
let peak = before;
const sockets = await Promise.all(
  Array.from(
    { length: SOCKETS },
    () =>
      new Promise<WebSocket>((done) => {
        const ws = new WebSocket(`${url.replace('https', 'wss')}/mqtt`, 'mqtt', { ca });
        ws.once('open', () => {
          count('opened');
          ws.send(megabyte);
          done(ws);
        });
        ws.once('unexpected-response', (_q, res) => {
          count(`refused ${res.statusCode}`);
          done(ws);
        });
        ws.once('close', (code) => count(`closed ${code}`));
        ws.once('error', () => undefined);
      }),
  ),
);
for (let i = 0; i < 10; i++) {
  peak = Math.max(peak, rssMb(server.pid!));
  await sleep(200);
}
for (const ws of sockets) ws.terminate();
await sleep(5000);
const after = rssMb(server.pid!);
process.stdout.write(
  `${JSON.stringify({ bench: 'mqtt-flood', sockets: SOCKETS, rss_mb: { before, peak, after_5s: after }, answers: Object.fromEntries(answers) })}\n`,
);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(dir, { recursive: true, force: true });
