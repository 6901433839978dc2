// What an idle connection costs Node itself, with nothing of Muster's: the floor under the fleet benchmark's
// memory and CPU per link. Usage:
//   node --expose-gc --import tsx bench/socket-floor.ts server <net|ws|tls|wss|mosquitto> <tls dir> [count]
// (<tls dir> holds server.pem, server-key.pem and ca.pem, such as a server's data dir/tls). Prints KiB per connection
// and the server's CPU per connect (the connections are opened one after another by one client process, and stay
// open). `mosquitto` is the reference: Mosquitto's TLS listener with the same certificate, the same TLS client.
import { fork, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { freePort, usage } from './bench-kit.ts';

type Kind = 'net' | 'ws' | 'tls' | 'wss' | 'mosquitto';
const [role, kindArg, dir, countArg, portArg] = process.argv.slice(2);

function connect(kind: Kind, port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const done = () => resolve(true);
    const failed = () => resolve(false);
    if (kind === 'net') net.connect({ port, host: '127.0.0.1' }, done).on('error', failed);
    else if (kind === 'tls' || kind === 'mosquitto')
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
  const keep: unknown[] = [];
  // The server measured: this process, or Mosquitto's.
  let pid = process.pid;
  let port: number;
  if (kind === 'mosquitto') {
    port = await freePort();
    const conf = join(tmpdir(), `socket-floor-mosquitto-${process.pid}.conf`);
    writeFileSync(
      conf,
      `user root\npersistence false\nlog_dest none\nallow_anonymous true\nlistener ${port} 127.0.0.1\n` +
        `cafile ${dir}/ca.pem\ncertfile ${dir}/server.pem\nkeyfile ${dir}/server-key.pem\n`,
    );
    const m = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    process.on('exit', () => m.kill());
    pid = m.pid!;
    await new Promise((r) => setTimeout(r, 500));
  } else port = await listen(kind, keep);
  const rssKiB = () => usage(pid).rssKiB;
  const cpuMs = () => usage(pid).cpu * 1000;
  gc();
  const before = rssKiB();
  const cpuBefore = cpuMs();
  const client = fork(
    new URL(import.meta.url).pathname,
    ['client', kind, dir!, String(count), String(port)],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const up = await new Promise<number>((r) => client.once('message', (m) => r(m as number)));
  const cpu = cpuMs() - cpuBefore;
  await new Promise((r) => setTimeout(r, 3000));
  gc();
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'socket-floor', kind, connections: up, kib_per_connection: Math.round(((rssKiB() - before) / up) * 10) / 10, server_cpu_ms_per_connect: Math.round((cpu / up) * 1000) / 1000 })}\n`,
  );
  client.kill();
  process.exit(0);
}
