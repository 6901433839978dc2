import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import pino from 'pino';
import type { Clock } from '../src/server/clock.ts';
import { loadServerConfig } from '../src/server/config.ts';
import { systemTimers, type Timers } from '../src/server/clock.ts';
import { startServer, type RunningServer } from '../src/server/main.ts';
import { formatPin } from '../src/protocol/pin.ts';
import WebSocket from 'ws';
import { claimNode } from '../src/agent/claim/claim-client.ts';
import { authenticateLink } from '../src/agent/link/link-client.ts';
import { createHttpClient } from '../src/agent/net/http-client.ts';
import { openStateDir } from '../src/agent/state/state-dir.ts';

export const AGENT_BUNDLE = resolve(import.meta.dirname, '../dist/muster-agent.mjs');
/** The self-contained agent executable `npm run build` makes for this machine. */
export const AGENT_EXECUTABLE = resolve(
  import.meta.dirname,
  `../dist/agent/muster-agent-linux-${process.arch === 'x64' ? 'amd64' : process.arch}`,
);

/**
 * A PATH holding every command of this system's PATH except Node.js and its tools, as links in `dir`: how a host
 * without Node.js looks to a script.
 */
export function pathWithoutNode(dir: string): string {
  const hidden = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack', 'tsx']);
  mkdirSync(dir, { recursive: true });
  for (const from of (process.env.PATH ?? '').split(':'))
    for (const name of existsSync(from) ? readdirSync(from) : [])
      if (!hidden.has(name) && !existsSync(join(dir, name))) symlinkSync(join(from, name), join(dir, name));
  return dir;
}
export const ADMIN_PASSWORD = 'correct-horse-battery-staple';

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'muster-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestServer extends RunningServer {
  dataDir: string;
  ca: string;
  port: number;
  stop(): Promise<void>;
}

/** The built server CLI, as an operator runs it. */
export const SERVER_CLI = resolve(import.meta.dirname, '../bin/muster.js');

/** Run `muster ARGS` (the built CLI) to its end, standard input from `input`. */
export function muster(
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [SERVER_CLI, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, MUSTER_ADMIN_PASSWORD: '', MUSTER_DB: '', MUSTER_DATA_DIR: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, out, err });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A fake clock tests move by hand. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface TestServerOptions {
  dataDir?: string;
  port?: number;
  clock?: Clock;
  timers?: Timers;
  heartbeatSeconds?: number;
  flags?: Record<string, unknown>;
  /** Where the server logs (default: silent, or MUSTER_TEST_LOG's level). */
  log?: pino.Logger;
  /** False: a server that neither offers nor takes signed link upgrades, as the release before them. */
  linkSignatures?: boolean;
}

/** Start the real server (real TLS, real SQLite) on a free loopback port in a temporary data dir. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = opts.dataDir ?? tempDir('muster-server-').path;
  const config = loadServerConfig({
    flags: {
      dataDir: dir,
      listen: `127.0.0.1:${opts.port ?? 0}`,
      adminPassword: ADMIN_PASSWORD,
      heartbeatSeconds: opts.heartbeatSeconds,
      ...opts.flags,
    },
    env: {},
  });
  const server = await startServer(config, {
    clock: opts.clock,
    timers: opts.timers ?? systemTimers,
    log: opts.log ?? pino({ level: process.env.MUSTER_TEST_LOG ?? 'silent' }),
    print: () => undefined,
    ...(opts.linkSignatures === false ? { linkSignatures: false } : {}),
  });
  const port = Number(new URL(server.listenUrl).port);
  const { readFileSync } = await import('node:fs');
  const caFile = join(dir, 'tls', 'ca.pem');
  return {
    ...server,
    dataDir: dir,
    ca: existsSync(caFile) ? readFileSync(caFile, 'utf8') : '',
    port,
    stop: () => server.close(),
  };
}

/** The server a `describe` block shares: see {@link useTestServer}. */
export type SuiteServer = TestServer & {
  /** Start it again on the same data dir and port, after a `stop()` (a server restart seen by its agents). */
  startAgain(): Promise<void>;
  /** Run this after the suite's tests, before the server stops; the last registered runs first. */
  defer(cleanup: () => unknown): void;
  /** A temporary directory removed after the suite. */
  tempDir(prefix?: string): { path: string; remove: () => void };
};

/**
 * The one set-up for end-to-end suites: registers `before` (start the real server) and `after` (run deferred
 * clean-ups, stop the server) in the calling `describe`, and returns a handle that reads through to the running
 * server, so tests use it as they would a {@link TestServer}.
 */
export function useTestServer(opts: TestServerOptions = {}): SuiteServer {
  let current: TestServer | undefined;
  let stopped = false;
  const cleanups: (() => unknown)[] = [];
  const running = (): TestServer => {
    if (!current) throw new Error('the suite server is used before its before() hook ran');
    return current;
  };
  const own = {
    stop: async () => {
      if (stopped || !current) return;
      stopped = true;
      await current.stop();
    },
    startAgain: async () => {
      const { dataDir, port } = running();
      await own.stop();
      current = await startTestServer({ ...opts, dataDir, port });
      stopped = false;
    },
    defer: (cleanup: () => unknown) => void cleanups.push(cleanup),
    tempDir: (prefix?: string) => {
      const dir = tempDir(prefix);
      cleanups.push(dir.remove);
      return dir;
    },
  };
  before(async () => {
    current = await startTestServer(opts);
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await own.stop();
    if (current && !opts.dataDir) rmSync(current.dataDir, { recursive: true, force: true });
  });
  return new Proxy(own, {
    get: (target, key): unknown =>
      key in target ? target[key as keyof typeof own] : Reflect.get(running(), key),
  }) as unknown as SuiteServer;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: <T = unknown>() => T;
}

/** One HTTPS request trusting the test server's CA. */
export function request(
  server: { url: string; ca: string },
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; cookie?: string } = {},
): Promise<JsonResponse> {
  return new Promise((resolvePromise, reject) => {
    // A POST without a body sends an empty JSON object, as the web UI does (signed-in POSTs must be JSON).
    const body = opts.body ?? (method === 'POST' && opts.rawBody === undefined ? {} : undefined);
    const data = opts.rawBody ?? (body !== undefined ? JSON.stringify(body) : undefined);
    const req = https.request(
      new URL(path, server.url),
      {
        method,
        ca: server.ca,
        headers: {
          ...(data !== undefined && !opts.rawBody ? { 'content-type': 'application/json' } : {}),
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Download a file over HTTPS trusting the test server's CA, into `to` when given; returns its SHA-256. */
export function download(
  server: { url: string; ca: string },
  path: string,
  to?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; sha256: string; size: number }> {
  return new Promise((resolvePromise, reject) => {
    https
      .get(new URL(path, server.url), { ca: server.ca }, (res) => {
        const hash = createHash('sha256');
        let size = 0;
        const file = to ? createWriteStream(to, { mode: 0o755 }) : null;
        res.on('data', (c: Buffer) => {
          hash.update(c);
          size += c.length;
          file?.write(c);
        });
        res.on('end', () => {
          const done = () =>
            resolvePromise({
              status: res.statusCode ?? 0,
              headers: res.headers,
              sha256: hash.digest('hex'),
              size,
            });
          if (file) file.end(done);
          else done();
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Log in and return the session cookie. */
export async function login(
  server: { url: string; ca: string },
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<string> {
  const res = await request(server, 'POST', '/api/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set[0] : set)?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

/** Password test users get: `<name>-password-123`. */
export const userPassword = (username: string) => `${username}-password-123`;

/** Create a user through the admin API (must answer 201) and log in as it. */
export async function addUser(
  server: { url: string; ca: string },
  adminCookie: string,
  username: string,
  role: 'admin' | 'operator' | 'viewer',
): Promise<{ id: string; cookie: string }> {
  const r = await request(server, 'POST', '/api/users', {
    cookie: adminCookie,
    body: { username, password: userPassword(username), role },
  });
  if (r.status !== 201) throw new Error(`creating ${username} failed: ${r.status} ${r.text}`);
  return { id: r.json<{ id: string }>().id, cookie: await login(server, username, userPassword(username)) };
}

/**
 * Run the agent to completion: the bundle with this Node.js, or `command` (an executable, maybe behind an emulator)
 * with nothing but `env` in its environment.
 */
export function runAgent(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; command?: string[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const [file, ...pre] = opts.command ?? [process.execPath, AGENT_BUNDLE];
    const child = spawn(file!, [...pre, ...args], {
      env: opts.command ? { ...opts.env } : { PATH: process.env.PATH, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A running agent daemon (`muster-agent run`) with its output collected. */
export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnAgent(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; executable?: string } = {},
): AgentProcess {
  // The bundle runs with this Node.js; an executable runs alone, with nothing but `env` in its environment.
  const [command, ...pre] = opts.executable ? [opts.executable] : [process.execPath, AGENT_BUNDLE];
  const child = spawn(command, [...pre, 'run', '--local-api', '127.0.0.1:0', ...args], {
    env: opts.executable ? { ...opts.env } : { PATH: process.env.PATH, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Poll until `fn` returns a truthy value. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** Wait until node `id` is online on `server`; its view then (host name, agent version, ...). */
export async function onlineNode(
  server: Pick<TestServer, 'services'>,
  id: string,
  what: string,
  timeoutMs = 30_000,
): Promise<Awaited<ReturnType<TestServer['services']['nodes']['get']>>> {
  return waitFor(
    async () => {
      const node = await server.services.nodes.get(id);
      return node.status === 'online' ? node : null;
    },
    what,
    timeoutMs,
    250,
  );
}

/** The connection flags of the claim command the server prints. */
export function connectArgs(server: { url: string; pin: string | null }, token: string): string[] {
  return ['--url', server.url, '--token', token, '--ca-pin', formatPin(server.pin!)];
}

/** `claim` arguments for an agent run with the token in its environment: no local API, a host name, URL and pin. */
export function claimArgs(server: { url: string; pin: string | null }, stateDir: string, hostname: string) {
  return [
    'claim',
    '--state-dir',
    stateDir,
    '--local-api',
    'off',
    '--hostname',
    hostname,
    '--url',
    server.url,
    '--ca-pin',
    formatPin(server.pin!),
  ];
}

/** `muster-agent claim` into `stateDir` with the server's URL, pin and `token` (extra arguments appended). */
export function claimInto(
  server: { url: string; pin: string | null },
  stateDir: string,
  token: string,
  ...extra: string[]
) {
  return runAgent([
    'claim',
    '--state-dir',
    stateDir,
    '--local-api',
    'off',
    ...connectArgs(server, token),
    ...extra,
  ]);
}

/** A loopback port nothing listens on (at the moment of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

/** Mint a one-time enrollment token (with a repository) and run `muster-agent enroll` into a new state dir. */
export async function enrollAgent(
  server: TestServer,
  cookie: string,
  hostname: string,
  repo: { repo_url: string; repo_password: string },
) {
  const { token } = (
    await request(server, 'POST', '/api/enrollment-tokens', { cookie, body: { hostname, ...repo } })
  ).json<{ token: string }>();
  const state = tempDir('muster-agent-');
  const r = await runAgent([
    'enroll',
    '--state-dir',
    state.path,
    '--local-api',
    'off',
    '--url',
    server.url,
    '--token',
    token,
    '--hostname',
    hostname,
    '--insecure',
  ]);
  assert.equal(r.code, 0, r.stderr);
  return { hostId: r.stdout.match(/host ([0-9a-f-]{36})/)![1]!, state };
}

export { SIM_FACTS } from './sim-facts.ts';
import { SIM_FACTS } from './sim-facts.ts';

/** Claim an identity in-process with the agent's own code, and open raw links for it. */
export async function simulatedIdentity(server: TestServer, hello: Record<string, unknown> = SIM_FACTS) {
  const dir = tempDir('muster-sim-');
  const state = openStateDir(dir.path);
  const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
  const { claimedId } = await claimNode(
    {
      token,
      url: server.url,
      rooms: [],
      proxy: 'none',
      insecure: false,
      caPin: server.pin,
      caFile: null,
      id: null,
      hostname: 'sim',
      ephemeral: false,
      source: 'flags',
    },
    state,
    {},
  );
  const http = createHttpClient({
    proxy: 'none',
    env: {},
    trust: { insecure: false, pin: server.pin, caFile: null, savedCaPath: state.paths.ca },
  });
  return {
    id: claimedId,
    remove: dir.remove,
    publicKey: state.keyPair().publicKey,
    privateKey: state.keyPair().privateKey,
    /** The agent's own HTTP client, trusting this server. */
    http,
    /** Authenticate and open a link as `agentVersion`; resolves after the welcome (or with the disconnect frame). */
    async open(
      agentVersion = 'test',
      facts: Record<string, unknown> = hello,
    ): Promise<{
      ws: WebSocket;
      first: { t: string; [k: string]: unknown };
      closed: Promise<number>;
      /** The reason the server gave when it closed the link. */
      closeReason: Promise<string>;
    }> {
      const creds = await authenticateLink(
        http,
        server.url,
        claimedId,
        state.keyPair().privateKey,
        agentVersion,
      );
      const ws = new WebSocket(creds.endpoint, {
        ca: server.ca,
        headers: { authorization: creds.authorization },
      });
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      const closeReason = new Promise<string>((r) => ws.once('close', (_c, why) => r(why.toString())));
      // Listening before the upgrade completes: a refusal can arrive with the upgrade's answer, and ws hands it
      // out as soon as the socket opens, before code awaiting 'open' runs.
      const first = new Promise<{ t: string }>((r) =>
        ws.once('message', (d) => r(JSON.parse((d as Buffer).toString()) as { t: string })),
      );
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      ws.send(JSON.stringify({ t: 'hello', protocol: 1, agent_version: agentVersion, facts }));
      // A link the server closes instead of welcoming resolves too (first.t is then "closed").
      return {
        ws,
        first: await Promise.race([first, closed.then(() => ({ t: 'closed' }))]),
        closed,
        closeReason,
      };
    },
  };
}

/** A job as GET /api/jobs/{id} answers. */
export interface JobView {
  id: string;
  type: string;
  state: string;
  log: string;
  error: string | null;
  exit_code: number | null;
  schedule_id: string | null;
  scheduled_for: number | null;
  created_by: string | null;
}

export const getJob = async (server: TestServer, cookie: string, id: string) =>
  (await request(server, 'GET', `/api/jobs/${id}`, { cookie })).json<JobView>();

const ENDED = ['succeeded', 'failed', 'cancelled', 'lost'];

/** Wait until the job is in one of `states` (default: ended) and return it. */
export function jobIn(
  server: TestServer,
  cookie: string,
  id: string,
  states: string[] = ENDED,
  timeoutMs = 30_000,
): Promise<JobView> {
  return waitFor(
    async () => {
      const j = await getJob(server, cookie, id);
      return states.includes(j.state) ? j : null;
    },
    `job ${id} to be ${states.join(' or ')}`,
    timeoutMs,
  );
}

/** Connections one nginx worker is given at most (each is a file: a proxied link is two). */
const PER_WORKER = 9_000;

/**
 * An nginx configuration that keeps every file in `dir` and serves `serverBody` on `port`; `http` goes in the http
 * block (upstreams, maps); `connections` in all (64 unless given), over as many workers as they need.
 */
export function nginxConf(
  dir: string,
  port: number,
  serverBody: string,
  opts: { http?: string; connections?: number } = {},
): string {
  const connections = opts.connections ?? 64;
  // A process here may hold about 20,000 files: more connections than one worker can hold are spread over workers
  // (the kernel spreads accepted connections over them with `reuseport`).
  const workers = Math.ceil(connections / PER_WORKER);
  const perWorker = Math.ceil(connections / workers);
  return `worker_processes ${workers};
worker_rlimit_nofile ${Math.min(perWorker * 2 + 100, 19_900)};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections ${perWorker}; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${opts.http ?? ''}  server {
    listen 127.0.0.1:${port}${workers > 1 ? ' reuseport' : ''};
${serverBody}  }
}
`;
}
