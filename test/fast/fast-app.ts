import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { publicKeyPem } from '../unit-server.ts';
import pino from 'pino';
import { buildApp, type BuiltApp } from '../../src/server/app.ts';
import { SYSTEM } from '../../src/server/actor.ts';
import type { Clock } from '../../src/server/clock.ts';
import { createSealer } from '../../src/server/crypto.ts';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/server/db/database.ts';
import { systemTimers } from '../../src/server/clock.ts';
import type { Role } from '../../src/protocol/api/roles.ts';

export const FAST_ADMIN_PASSWORD = 'fast-admin-password';

/** The server built over an open database without TLS, a public URL or rate limits worth hitting. */
export function buildInProcess(
  database: OpenDatabase,
  clock: Clock,
  opts: { agentDir?: string } = {},
): Promise<BuiltApp> {
  return buildApp({
    ...opts,
    database,
    clock,
    timers: systemTimers,
    log: pino({ level: process.env.MUSTER_TEST_LOG ?? 'silent' }),
    sealer: createSealer(Buffer.alloc(32, 9)),
    https: null,
    caPem: null,
    caPin: null,
    publicUrl: null,
    heartbeatIntervalMs: 30_000,
    trustProxy: false,
    rateLimits: { login: 10_000, claim: 10_000, linkAuth: 10_000 },
  });
}

/** A response of `inject`, with its body parsed. */
export interface Injected {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * The whole server built in this process, without sockets or TLS, over SQLite in memory: for route, role and
 * validation tests that run in milliseconds. Requests go through `inject`, so every hook, schema and error handler
 * is the real one.
 */
export async function fastApp(opts: { clock?: Clock; agentDir?: string } = {}) {
  const database = openDatabase(':memory:');
  await migrateToLatest(database);
  const built: BuiltApp = await buildInProcess(database, opts.clock ?? { now: () => Date.now() }, {
    ...(opts.agentDir ? { agentDir: opts.agentDir } : {}),
  });
  const { app, services } = built;
  await app.ready();
  const admin = await services.auth.createUser(SYSTEM, {
    username: 'admin',
    password: FAST_ADMIN_PASSWORD,
    role: 'admin',
  });
  const { space } = await services.spaces.ensureDefaultSpace(admin.id);

  async function inject(
    method: string,
    url: string,
    o: { cookie?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<Injected> {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      text: res.body,
      json: <T>() => JSON.parse(res.body) as T,
    };
  }

  /** Sign in and answer the session cookie. */
  async function login(username: string, password: string): Promise<string> {
    const res = await inject('POST', '/api/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    return cookie;
  }

  /** A signed-in user of the role (made on first use), as a session cookie. */
  const sessions = new Map<Role, string>();
  async function as(role: Role): Promise<string> {
    const known = sessions.get(role);
    if (known) return known;
    const username = `fast-${role}`;
    if (role !== 'admin')
      await services.auth.createUser(SYSTEM, { username, password: `${username}-password`, role });
    const cookie =
      role === 'admin'
        ? await login('admin', FAST_ADMIN_PASSWORD)
        : await login(username, `${username}-password`);
    sessions.set(role, cookie);
    return cookie;
  }

  return {
    app,
    services,
    database,
    spaceId: space.id,
    inject,
    login,
    as,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
export type FastApp = Awaited<ReturnType<typeof fastApp>>;

export { newPublicKey as publicKey } from '../unit-server.ts';

/** A host claimed with the space's token; with a repository marked ready when asked (schedules need one). */
export async function claimedHost(
  f: FastApp,
  admin: string,
  o: { repository?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  const token = (await f.services.tokens.getSpaceToken(f.spaceId)).token;
  const claim = await f.inject('PUT', `/api/v1/spaces/nodes/${id}`, {
    body: { node: { id, hostname: `fast-${id.slice(0, 6)}` }, token, rooms: [], publicKey: publicKeyPem() },
  });
  assert.equal(claim.status, 204, claim.text);
  if (o.repository) {
    const repo = await f.inject('PUT', `/api/hosts/${id}/repository`, {
      cookie: admin,
      body: { repo_url: '/srv/restic/fast', repo_password: 'fast test password' },
    });
    assert.equal(repo.status, 202, repo.text);
    await f.services.repositories.setRepoStatus(id, 'ready');
  }
  return id;
}
