import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { freePort, nginxConf, tempDir, waitFor } from './helpers.ts';

import { SERVER_CLI } from './helpers.ts';
/** The proxy settings operators include in their nginx configuration (deploy/nginx), used here as they are. */
const DEPLOY = resolve(import.meta.dirname, '../deploy/nginx');
const NGINX_FILES = ['muster-locations.conf', 'muster-proxy-headers.conf'];
export const CLUSTER_ADMIN_PASSWORD = 'correct-horse-battery-staple';
/** The bearer token replicas take for /metrics (as Prometheus would send it). */
export const METRICS_TOKEN = 'cluster-test-metrics-token';

/** One `muster server` process of a cluster. */
export interface Replica {
  name: string;
  /** Its data dir (where the first run leaves the connect command when no terminal reads its output). */
  dataDir: string;
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL, SIGSTOP, SIGCONT or SIGTERM; resolves once a killed process is gone. */
  signal(sig: NodeJS.Signals): Promise<void>;
}

/** A fresh PostgreSQL database for one cluster, dropped at the end. */
export async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `muster_cluster_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Start replica `name` of the cluster on `db` + `nats`, behind `publicUrl`; resolves once it is ready. */
export async function startReplica(opts: {
  name: string;
  db: string;
  /** Null: a single server on the database, for comparison. */
  nats: string | null;
  masterKey: string;
  publicUrl: string;
  dataDir: string;
  extra?: string[];
  /** The server to run (default: this checkout's). */
  cli?: string;
  /** Where it listens (default: a free port). */
  port?: number;
  /** More environment (NATS secrets, say). */
  env?: Record<string, string>;
  /** How long it may take to answer /readyz (30 s unless given). */
  readyMs?: number;
}): Promise<Replica> {
  const port = opts.port ?? (await freePort());
  let out = '';
  const child = spawn(
    process.execPath,
    [
      opts.cli ?? SERVER_CLI,
      'server',
      '--data-dir',
      opts.dataDir,
      '--db',
      opts.db,
      ...(opts.nats ? ['--nats', opts.nats] : []),
      '--replica-name',
      opts.name,
      '--listen',
      `127.0.0.1:${port}`,
      '--tls',
      'off',
      '--public-url',
      opts.publicUrl,
      '--trust-proxy',
      '127.0.0.1',
      ...(opts.extra ?? []),
    ],
    {
      env: {
        PATH: process.env.PATH,
        MUSTER_MASTER_KEY: opts.masterKey,
        MUSTER_ADMIN_PASSWORD: CLUSTER_ADMIN_PASSWORD,
        MUSTER_LOG_LEVEL: 'warn',
        MUSTER_LINK_AUTH_PER_MINUTE: '100000',
        MUSTER_CLAIM_PER_MINUTE: '100000',
        MUSTER_METRICS_TOKEN: METRICS_TOKEN,
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const exited = gone.then(() => {
    throw new Error(`replica ${opts.name} exited:\n${out}`);
  });
  try {
    await Promise.race([
      exited,
      waitFor(
        async () => (await fetch(`${url}/readyz`)).ok,
        `replica ${opts.name} to be ready`,
        opts.readyMs ?? 30_000,
        100,
      ),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${out}`);
  }
  exited.catch(() => undefined);
  return {
    name: opts.name,
    port,
    url,
    dataDir: opts.dataDir,
    child,
    output: () => out,
    async signal(sig) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(sig);
      if (sig === 'SIGKILL' || sig === 'SIGTERM') await gone;
    },
  };
}

/** nginx balancing round-robin over the replicas, with the locations file operators use. */
export async function startBalancer(
  ports: number[],
  port: number,
  connections = 1024,
): Promise<{ url: string; stop(): void }> {
  const dir = tempDir('muster-cluster-nginx-');
  const conf = join(dir.path, 'nginx.conf');
  mkdirSync(join(dir.path, 'muster'), { recursive: true });
  for (const f of NGINX_FILES) copyFileSync(join(DEPLOY, f), join(dir.path, 'muster', f));
  writeFileSync(
    conf,
    nginxConf(dir.path, port, '    include muster/muster-locations.conf;\n', {
      connections,
      http: `  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream muster { ${ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join(' ')} }
`,
    }),
  );
  const nginx = spawn('nginx', ['-p', dir.path, '-c', conf, '-g', 'daemon off;'], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 'nginx in front of the replicas');
  return {
    url,
    stop() {
      nginx.kill('SIGTERM');
      dir.remove();
    },
  };
}

/** A master key for the whole cluster (32 random bytes in base64). */
export const newMasterKey = () => randomBytes(32).toString('base64');

/** Sign in at `url` (a replica or the balancer) and return the session cookie. */
export async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: CLUSTER_ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** A JSON call with the session cookie; the status and the parsed body. */
export async function call<T = unknown>(
  url: string,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/**
 * The claim token of the cluster's default space: from the connect command the first run wrote to its data dir (its
 * output is no terminal, so the command, which holds the token, is not printed).
 */
export function claimTokenOf(replicas: Replica[]): string {
  for (const r of replicas) {
    const file = join(r.dataDir, 'connect-command');
    const m = /MUSTER_CLAIM_TOKEN=(\S+)/.exec(existsSync(file) ? readFileSync(file, 'utf8') : r.output());
    if (m) return m[1]!;
  }
  throw new Error('no replica printed the claim token');
}

/** The private key and node id of an agent's state dir. */
export const agentKey = (stateDir: string) => readFileSync(join(stateDir, 'cloud.d', 'private.pem'), 'utf8');
export const agentNodeId = (stateDir: string) =>
  readFileSync(join(stateDir, 'cloud.d', 'claimed_id'), 'utf8').trim();

/** A PostgreSQL server of the test's own (its own port and data dir), to stop and start at will. */
export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  remove(): void;
}

/** Where Debian's PostgreSQL programs are, or null. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version && existsSync(join(root, version, 'bin', 'pg_ctl')) ? join(root, version, 'bin') : null;
}

/** Why a private PostgreSQL cannot be started here (its programs missing, or not root to run them as postgres). */
export function privatePostgresMissing(): string | false {
  if (!postgresBin()) return "needs PostgreSQL's programs (Debian's postgresql package)";
  if (process.getuid?.() !== 0) return 'needs root, to run a private PostgreSQL as the postgres user';
  return false;
}

/** initdb and start a private PostgreSQL on a free port with trust auth and a database `test`. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin()!;
  const dir = tempDir('muster-private-pg-');
  const data = join(dir.path, 'data');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  execFileSync('chown', ['-R', 'postgres', dir.path]);
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir.path, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('create database test');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    stop,
    start,
    remove() {
      try {
        stop();
      } catch {
        // already stopped
      }
      dir.remove();
    },
  };
}
