// What an idle connection costs Node itself, with nothing of Muster's: the floor under the fleet benchmark's
// memory per link. Usage: node --expose-gc --import tsx bench/socket-floor.ts server <net|ws|tls|wss> <tls dir> [count]
// (<tls dir> holds server.pem, server-key.pem and ca.pem, such as a server's data dir/tls). Prints KiB per connection.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';

type Kind = 'net' | 'ws' | 'tls' | 'wss';
const [role, kindArg, dir, countArg, portArg] = process.argv.slice(2);

function connect(kind: Kind, port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const done = () => resolve(true);
    const failed = () => resolve(false);
    if (kind === 'net') net.connect({ port, host: '127.0.0.1' }, done).on('error', failed);
    else if (kind === 'tls')
      tls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' }, done).on('error', failed);
    else new WebSocket(`${kind}://localhost:${port}/`, { ca }).on('open', done).on('error', failed);
  });
}

async function listen(kind: Kind, keep: unknown[]): Promise<number> {
  const opts = { key: readFileSync(`${dir}/server-key.pem`), cert: readFileSync(`${dir}/server.pem`) };
  let server: net.Server;
  if (kind === 'net') server = net.createServer((s) => keep.push(s));
  else if (kind === 'tls') server = tls.createServer(opts, (s) => keep.push(s));
  else {
    server = kind === 'wss' ? https.createServer(opts) : http.createServer();
    new WebSocketServer({ server: server as http.Server }).on('connection', (w) => keep.push(w));
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

const kind = kindArg as Kind;
const count = Number(countArg ?? 5000);
if (role === 'client') {
  const ca = readFileSync(`${dir}/ca.pem`);
  let up = 0;
  for (let i = 0; i < count; i++) if (await connect(kind, Number(portArg), ca)) up++;
  process.send!(up);
  setInterval(() => undefined, 60_000);
} else {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
  const keep: unknown[] = [];
  const port = await listen(kind, keep);
  gc();
  const before = rssKiB();
  const client = fork(
    new URL(import.meta.url).pathname,
    ['client', kind, dir!, String(count), String(port)],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const up = await new Promise<number>((r) => client.once('message', (m) => r(m as number)));
  await new Promise((r) => setTimeout(r, 3000));
  gc();
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'socket-floor', kind, connections: up, kib_per_connection: Math.round(((rssKiB() - before) / up) * 10) / 10 })}\n`,
  );
  client.kill();
  process.exit(0);
}
