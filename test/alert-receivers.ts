import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { freePort, waitFor } from './helpers.ts';

/** One request a receiver got. */
export interface Received {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

/**
 * A webhook receiver on a real socket, as a team's endpoint would be: it records every request and answers 200, or
 * 500 for the next `failNext` requests.
 */
export async function webhookReceiver() {
  const got: Received[] = [];
  let failNext = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failNext > 0 ? 500 : 200;
      if (failNext > 0) failNext--;
      got.push({
        at: Date.now(),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      res.writeHead(status).end(status === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    /** Bodies answered 200, parsed. */
    accepted: () => got.filter((g) => g.status === 200).map((g) => JSON.parse(g.body) as WebhookBody),
    failNext: (n: number) => void (failNext = n),
    clear: () => void got.splice(0),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface WebhookBody {
  version: number;
  state: 'firing' | 'resolved' | 'test';
  alert: { id: string; kind: string; hostname: string | null; summary: string; state: string; count: number };
  alerts: { id: string; kind: string; hostname: string | null; node_id: string | null; summary: string }[];
  url: string | null;
}

/** Whether a request carries `X-Muster-Signature` for its body under `secret` (as docs/alerts.md tells receivers). */
export function signedWith(r: Received, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
  return r.headers['x-muster-signature'] === expected;
}

/**
 * A real SMTP server: Debian's python3-aiosmtpd, run as its own process with its debugging handler, which prints
 * every message it accepts.
 */
export async function smtpServer(): Promise<{ port: number; output: () => string; stop: () => void }> {
  const port = await freePort();
  // Debian's own interpreter, where the package installs the module (another python3 may come first in PATH).
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Debugging', 'stdout'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(
    () =>
      new Promise<boolean>((r) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => (s.end(), r(true)));
        s.once('error', () => r(false));
      }),
    'the SMTP server listening',
    10_000,
    100,
  );
  return { port, output: () => out, stop: () => void child.kill() };
}
