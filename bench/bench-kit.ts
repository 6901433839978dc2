// What the benchmarks share: the server under test, simulated agents in worker processes, claims, and the
// figures read from /proc. Every process started here is killed when the benchmark exits.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, MusterAgent, Report } from './fleet-clients.ts';
import { call } from './http-call.ts';

/** Simulated agents per worker process (each process may hold about 20,000 open files). */
export const PER_PROCESS = 1000;
export const CONCURRENCY_PER_PROCESS = 100;
export const ADMIN_PASSWORD = 'bench-admin-password';
/** Every process a benchmark started; none outlives it. */
export const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) and resident memory (KiB) of a process, from /proc. */
export function usage(pid: number): { cpu: number; rssKiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return { cpu, rssKiB: Number(rss) };
}
/** Percent of one core a process used over `seconds`. */
export async function idleCpu(pids: number[], seconds: number): Promise<number[]> {
  const before = pids.map((p) => usage(p).cpu);
  await sleep(seconds * 1000);
  return pids.map((p, i) => round(((usage(p).cpu - before[i]!) / seconds) * 100, 2));
}

export interface Muster {
  proc: ChildProcess;
  url: string;
  token: string | null;
}
/**
 * How a checkout's server is started: as `npm start` runs it (its build, built again first when the sources are newer
 * than it), or, for a checkout from before the server had a build, its sources through tsx.
 */
export function serverEntry(checkout: string): string[] {
  const start = join(checkout, 'scripts', 'start.mjs');
  return existsSync(start) ? [start] : ['--import', 'tsx', join(checkout, 'src', 'cli', 'muster.ts')];
}

export async function startMuster(
  where: { checkout: string; profile: string },
  dataDir: string,
  port: number,
  extra: string[] = [],
): Promise<Muster> {
  const proc = spawn(
    process.execPath,
    [
      ...(where.profile ? ['--cpu-prof', '--cpu-prof-dir', where.profile] : []),
      ...serverEntry(where.checkout),
      'server',
      '--data-dir',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
      ...extra,
    ],
    {
      cwd: where.checkout,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        MUSTER_ADMIN_PASSWORD: ADMIN_PASSWORD,
        MUSTER_CLAIM_PER_MINUTE: '1000000',
        MUSTER_LINK_AUTH_PER_MINUTE: '1000000',
      },
    },
  );
  children.push(proc);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Connect (a node|nodes)/.test(out)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`muster exited (${code}): ${out}`)));
  });
  return {
    proc,
    url: /listening on ([^\s"]+)/.exec(out)![1]!,
    // The first start writes the connect command (with the claim token) into the data directory.
    token:
      /MUSTER_CLAIM_TOKEN=(\S+)/.exec(
        existsSync(join(dataDir, 'connect-command'))
          ? readFileSync(join(dataDir, 'connect-command'), 'utf8')
          : '',
      )?.[1] ?? null,
  };
}
export async function stopProc(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  await exited;
}

/** Wait until a process is quiet (under 5 % of a core for a second): the work of the last step is done. */
export async function settle(pid: number) {
  for (let i = 0; i < 60; i++) {
    const [cpu] = await idleCpu([pid], 1);
    if (cpu! < 5) return;
  }
}

export function client(ca: string | null, sockets: number) {
  return ca
    ? new https.Agent({ keepAlive: true, ca, maxSockets: sockets })
    : new http.Agent({ keepAlive: true, maxSockets: sockets });
}
/** Run `fn` `total` times, `concurrency` at a time; seconds taken. */
export async function pool(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await fn(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}
/** Requests per second of `fn` over `seconds`, `concurrency` at a time. */
export async function rate(seconds: number, concurrency: number, fn: () => Promise<void>): Promise<number> {
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await fn();
        n++;
      }
    }),
  );
  return Math.round(n / ((performance.now() - t0) / 1000));
}

/** RSA keys shared by the simulated machines (the server does not care that two nodes share one). */
export const keys = Array.from({ length: 8 }, () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
});

/** Claim `count` nodes, 20 at a time; claims per second and server CPU per claim. */
export async function claim(
  m: Muster,
  ca: string | null,
  token: string,
  count: number,
  into: MusterAgent[] | null,
) {
  const agent = client(ca, 20);
  const cpu0 = usage(m.proc.pid!).cpu;
  let failed = 0;
  const seconds = await pool(count, 20, async (i) => {
    const id = randomUUID();
    const key = keys[i % keys.length]!;
    const r = await call(agent, `${m.url}/api/v1/spaces/nodes/${id}`, 'PUT', {
      node: { id, hostname: `bench-${id.slice(0, 8)}` },
      token,
      publicKey: key.publicPem,
    });
    if (r.status !== 204 && r.status !== 200) {
      // The first few refusals say why: a rate of refusals is no figure.
      if (++failed <= 3) process.stderr.write(`claim refused: ${r.status} ${r.text.slice(0, 300)}\n`);
    } else into?.push({ id, key: key.privatePem });
  });
  agent.destroy();
  return {
    per_second: Math.round(count / seconds),
    server_cpu_ms_per_claim: round(((usage(m.proc.pid!).cpu - cpu0) / count) * 1000, 2),
    failed,
  };
}

export interface Clients {
  procs: ChildProcess[];
  linked(): number;
  failed(): number;
  lastError(): string | null;
}
export function spawnClients(commands: Command[]): Clients {
  const state = commands.map(() => ({ linked: 0, failed: 0, lastError: null as string | null }));
  const procs = commands.map((cmd, i) => {
    const p = fork(fileURLToPath(new URL('./fleet-clients.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(p);
    p.on('message', (r: Report) => Object.assign(state[i]!, r));
    p.send(cmd);
    return p;
  });
  return {
    procs,
    linked: () => state.reduce((n, s) => n + s.linked, 0),
    failed: () => state.reduce((n, s) => n + s.failed, 0),
    lastError: () => state.find((s) => s.lastError)?.lastError ?? null,
  };
}
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
export async function until(what: string, check: () => boolean, timeoutS: number): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutS * 1000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
  return (performance.now() - t0) / 1000;
}
export function musterLinks(m: Muster, ca: string | null, agents: MusterAgent[]): Clients {
  return spawnClients(
    chunks(agents, PER_PROCESS).map((part) => ({
      cmd: 'muster' as const,
      url: m.url,
      ca,
      agents: part,
      concurrency: CONCURRENCY_PER_PROCESS,
    })),
  );
}

export async function stopClients(c: Clients) {
  await Promise.all(c.procs.map((p) => stopProc(p, 'SIGKILL')));
}
