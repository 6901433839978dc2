import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { AUDIT_ACTIONS } from '../../src/protocol/api/audit.ts';
import type { Role } from '../../src/protocol/api/roles.ts';
import { SYSTEM } from '../../src/server/actor.ts';
import { tempDir } from '../helpers.ts';
import { SIM_FACTS } from '../sim-facts.ts';
import { claimedHost, fastApp, type FastApp } from './fast-app.ts';

/** A signed-in call without a body says it comes from a script (the cross-site guard). */
const XRW = { 'x-requested-with': 'audit-test' };
/** The current TOTP code of a base32 secret. */
const totpCode = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();

/** One call of a state-changing route that succeeds, and who makes it. */
interface Call {
  /** The status expected when it is not a success (the change is recorded before it can fail). */
  status?: number;
  path: string;
  body?: unknown;
  /** The caller's session cookie and user id. */
  as: { cookie: string; userId: string };
}
type Fixture = (f: FastApp, admin: Caller) => Promise<Call>;
interface Caller {
  cookie: string;
  userId: string;
}

/** Routes that change state but are not the management API's: who writes what for them, and why. */
const MACHINE_ROUTES: Record<string, string> = {
  'PUT /api/v1/announce/nodes/:id':
    'an agent awaiting approval (announcements), nothing is admitted until an operator approves it: node.approved is written then',
  'POST /api/auth/passkey/options':
    'a sign-in challenge, good once for five minutes (auth_challenges): nothing changes until it is answered',
  'POST /api/auth/passkey':
    'a sign-in: auth.login with method passkey (test/access.test.ts signs in with a virtual authenticator)',
  'POST /api/me/totp':
    'a pending TOTP secret that signs nothing until a code confirms it: user.totp_enabled is written then',
  'POST /api/me/passkeys/options':
    'a registration challenge (auth_challenges), nothing changes until it is answered',
  'POST /api/me/passkeys':
    'user.passkey_added, made by a browser authenticator (test/web-access.test.ts, Chromium virtual authenticator)',
  'DELETE /api/me/passkeys/:id': 'user.passkey_removed (test/web-access.test.ts)',
  'PUT /api/v1/spaces/nodes/:claimedId':
    'a claim: node.claimed and token.used by the node, in one transaction (test/claim.test.ts)',
  'DELETE /api/v1/spaces/nodes/:claimedId': 'an unclaim: node.unclaimed by the node (test/claim.test.ts)',
  'POST /api/agents/enroll':
    'an enrollment: node.enrolled and token.used by the node, in one transaction (test/onboarding.test.ts)',
  'POST /api/v1/auth/node/:id/password':
    'link authentication, as frequent as reconnects: a session record (link_sessions), no audit record',
  'POST /api/v1/auth/aclk/node/:id/password':
    'link authentication of a Netdata agent: a session record (link_sessions), no audit record',
};

async function newUser(f: FastApp, role: Role): Promise<Caller> {
  const username = `audit-${randomUUID().slice(0, 8)}`;
  const password = `${username}-password`;
  const u = await f.services.auth.createUser(SYSTEM, { username, password, role });
  return { cookie: await f.login(username, password), userId: u.id };
}

async function room(f: FastApp, admin: Caller): Promise<string> {
  const r = await f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, {
    cookie: admin.cookie,
    body: { name: `room-${randomUUID().slice(0, 6)}` },
  });
  assert.equal(r.status, 201, r.text);
  return r.json<{ id: string }>().id;
}

const planBody = (roomId: string) => ({
  name: `plan-${randomUUID().slice(0, 6)}`,
  room_id: roomId,
  paths: ['/srv/data'],
  schedule: { cron: '0 2 * * *' },
  retention: { keep_daily: 7 },
  repository: { template: '/srv/restic/{hostname}' },
});

async function plan(f: FastApp, admin: Caller): Promise<string> {
  const r = await f.inject('POST', '/api/backup-plans', {
    cookie: admin.cookie,
    body: planBody(await room(f, admin)),
  });
  assert.equal(r.status, 201, r.text);
  return r.json<{ id: string }>().id;
}

async function group(f: FastApp, admin: Caller, hostId: string): Promise<string> {
  const g = await f.inject('POST', `/api/hosts/${hostId}/source-groups`, {
    cookie: admin.cookie,
    body: { name: `g-${randomUUID().slice(0, 6)}`, paths: ['/srv/data'] },
  });
  assert.equal(g.status, 201, g.text);
  return g.json<{ id: string }>().id;
}

async function schedule(f: FastApp, admin: Caller, hostId: string): Promise<string> {
  const s = await f.inject('POST', `/api/hosts/${hostId}/schedules`, {
    cookie: admin.cookie,
    body: { source_group_id: await group(f, admin, hostId), cron: '0 3 * * *' },
  });
  assert.equal(s.status, 201, s.text);
  return s.json<{ id: string }>().id;
}

/** A host that reported its platform (agent updates need it). */
async function reportingHost(f: FastApp, admin: Caller): Promise<string> {
  const id = await claimedHost(f, admin.cookie);
  const facts = SIM_FACTS;
  await f.services.presence.markOnline(id, facts, '0.0.1', 'test', {
    id: randomUUID(),
    node_id: id,
    opened_at: Date.now(),
    remote_addr: '127.0.0.1',
    agent_version: '0.0.1',
  });
  return id;
}

async function channel(f: FastApp, admin: Caller): Promise<string> {
  const c = await f.inject('POST', '/api/notification-channels', {
    cookie: admin.cookie,
    body: {
      name: `c-${randomUUID().slice(0, 6)}`,
      type: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook' },
    },
  });
  assert.equal(c.status, 201, c.text);
  return c.json<{ id: string }>().id;
}

async function alertRule(f: FastApp, admin: Caller): Promise<string> {
  const r = await f.inject('POST', '/api/alert-rules', {
    cookie: admin.cookie,
    body: { name: 'r', kind: 'duplicate_identity', severity: 'warning', for_seconds: 0 },
  });
  assert.equal(r.status, 201, r.text);
  return r.json<{ id: string }>().id;
}

/** Every state-changing route of the management API; the test fails for one that is missing. */
const FIXTURES: Record<string, Fixture> = {
  'POST /api/notification-channels': async (_f, admin) => ({
    path: '/api/notification-channels',
    body: {
      name: 'hook',
      type: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook', secret: 'a long secret' },
    },
    as: admin,
  }),
  'PATCH /api/notification-channels/:id': async (f, admin) => ({
    path: `/api/notification-channels/${await channel(f, admin)}`,
    body: { name: 'renamed' },
    as: admin,
  }),
  'DELETE /api/notification-channels/:id': async (f, admin) => ({
    path: `/api/notification-channels/${await channel(f, admin)}`,
    as: admin,
  }),
  'POST /api/notification-channels/:id/test': async (f, admin) => ({
    path: `/api/notification-channels/${await channel(f, admin)}/test`,
    as: admin,
  }),
  'POST /api/alert-rules': async (f, admin) => ({
    path: '/api/alert-rules',
    body: {
      name: 'offline',
      kind: 'node_offline',
      severity: 'critical',
      for_seconds: 60,
      channel_ids: [await channel(f, admin)],
    },
    as: admin,
  }),
  'PATCH /api/alert-rules/:id': async (f, admin) => ({
    path: `/api/alert-rules/${await alertRule(f, admin)}`,
    body: { for_seconds: 30 },
    as: admin,
  }),
  'DELETE /api/alert-rules/:id': async (f, admin) => ({
    path: `/api/alert-rules/${await alertRule(f, admin)}`,
    as: admin,
  }),
  'POST /api/alerts/:id/ack': async (f, admin) => {
    const rule = await f.inject('POST', '/api/alert-rules', {
      cookie: admin.cookie,
      body: { name: 'lost', kind: 'job_lost', severity: 'info', for_seconds: 0 },
    });
    assert.equal(rule.status, 201, rule.text);
    const host = await claimedHost(f, admin.cookie);
    await f.services.alerting.engine.raise({ kind: 'job_lost', nodeId: host, summary: 'a job was lost' });
    const { alerts } = await f.services.alerting.engine.list({ limit: 1, node_id: host });
    assert.ok(alerts[0], 'the alert fired');
    return {
      path: `/api/alerts/${alerts[0].id}/ack`,
      body: { comment: 'looking' },
      as: await newUser(f, 'operator'),
    };
  },
  'POST /api/silences': async (f) => ({
    path: '/api/silences',
    body: { kind: 'node_offline', ends_at: Date.now() + 3600_000, comment: 'maintenance' },
    as: await newUser(f, 'operator'),
  }),
  'DELETE /api/silences/:id': async (f, admin) => {
    const s = await f.inject('POST', '/api/silences', {
      cookie: admin.cookie,
      body: { severity: 'info', ends_at: Date.now() + 3600_000, comment: 'quiet' },
    });
    assert.equal(s.status, 201, s.text);
    return { path: `/api/silences/${s.json<{ id: string }>().id}`, as: admin };
  },
  'POST /api/auth/login': async (f) => {
    const u = await newUser(f, 'viewer');
    const username = (await f.services.auth.listUsers()).find((x) => x.id === u.userId)!.username;
    return {
      path: '/api/auth/login',
      body: { username, password: `${username}-password` },
      as: { ...u, cookie: '' },
    };
  },
  'POST /api/auth/logout': async (f) => ({ path: '/api/auth/logout', as: await newUser(f, 'viewer') }),
  'PUT /api/me/password': async (f) => {
    const u = await newUser(f, 'viewer');
    const username = (await f.services.auth.listUsers()).find((x) => x.id === u.userId)!.username;
    return {
      path: '/api/me/password',
      body: { current_password: `${username}-password`, new_password: 'a new long password' },
      as: u,
    };
  },
  'PUT /api/users/:id/password': async (f, admin) => ({
    path: `/api/users/${(await newUser(f, 'viewer')).userId}/password`,
    body: { password: 'a new long password' },
    as: admin,
  }),
  'POST /api/users': async (_f, admin) => ({
    path: '/api/users',
    body: { username: `new-${randomUUID().slice(0, 8)}`, password: 'a long password', role: 'viewer' },
    as: admin,
  }),
  'PATCH /api/users/:id': async (f, admin) => ({
    path: `/api/users/${(await newUser(f, 'viewer')).userId}`,
    body: { role: 'operator' },
    as: admin,
  }),
  'POST /api/users/:id/unlock': async (f, admin) => ({
    path: `/api/users/${(await newUser(f, 'viewer')).userId}/unlock`,
    as: admin,
  }),
  'POST /api/api-keys': async (f) => ({
    path: '/api/api-keys',
    body: { name: 'k' },
    as: await newUser(f, 'operator'),
  }),
  'DELETE /api/api-keys/:id': async (f) => {
    const u = await newUser(f, 'operator');
    const k = await f.inject('POST', '/api/api-keys', { cookie: u.cookie, body: { name: 'k' } });
    return { path: `/api/api-keys/${k.json<{ id: string }>().id}`, as: u };
  },
  'PATCH /api/auth/policy': async (_f, admin) => ({
    path: '/api/auth/policy',
    body: { session_idle_minutes: 600 },
    as: admin,
  }),
  'POST /api/me/totp/confirm': async (f) => {
    const u = await newUser(f, 'viewer');
    const { secret } = (await f.inject('POST', '/api/me/totp', { cookie: u.cookie, headers: XRW })).json<{
      secret: string;
    }>();
    return { path: '/api/me/totp/confirm', body: { code: totpCode(secret) }, as: u };
  },
  'DELETE /api/me/totp': async (f) => {
    const u = await newUser(f, 'viewer');
    const { secret } = (await f.inject('POST', '/api/me/totp', { cookie: u.cookie, headers: XRW })).json<{
      secret: string;
    }>();
    await f.inject('POST', '/api/me/totp/confirm', { cookie: u.cookie, body: { code: totpCode(secret) } });
    return { path: '/api/me/totp', as: u };
  },
  'DELETE /api/users/:id/second-factors': async (f, admin) => ({
    path: `/api/users/${(await newUser(f, 'viewer')).userId}/second-factors`,
    as: admin,
  }),
  'DELETE /api/me/sessions/:id': async (f) => {
    const u = await newUser(f, 'viewer');
    const sessions = (await f.inject('GET', '/api/me/sessions', { cookie: u.cookie })).json<
      { id: string }[]
    >();
    return { path: `/api/me/sessions/${sessions[0]!.id}`, as: u };
  },
  'DELETE /api/users/:id/sessions/:item': async (f, admin) => {
    const u = await newUser(f, 'viewer');
    const sessions = (await f.inject('GET', '/api/me/sessions', { cookie: u.cookie })).json<
      { id: string }[]
    >();
    return { path: `/api/users/${u.userId}/sessions/${sessions[0]!.id}`, as: admin };
  },
  'POST /api/role-bindings': async (f, admin) => ({
    path: '/api/role-bindings',
    body: { user_id: (await newUser(f, 'viewer')).userId, role: 'operator', room_id: await room(f, admin) },
    as: admin,
  }),
  'DELETE /api/role-bindings/:id': async (f, admin) => {
    const b = await f.inject('POST', '/api/role-bindings', {
      cookie: admin.cookie,
      body: { oidc_group: 'ops', role: 'viewer' },
    });
    return { path: `/api/role-bindings/${b.json<{ id: string }>().id}`, as: admin };
  },
  'PATCH /api/spaces/:id/claim-token': async (f, admin) => {
    await f.services.tokens.getSpaceToken(f.spaceId);
    return { path: `/api/spaces/${f.spaceId}/claim-token`, body: { max_uses: 100 }, as: admin };
  },
  'POST /api/spaces/:id/claim-token/rotate': async (f, admin) => ({
    path: `/api/spaces/${f.spaceId}/claim-token/rotate`,
    as: admin,
  }),
  'POST /api/spaces/:id/rooms': async (f, admin) => ({
    path: `/api/spaces/${f.spaceId}/rooms`,
    body: { name: `room-${randomUUID().slice(0, 6)}` },
    as: admin,
  }),
  'PATCH /api/rooms/:id': async (f, admin) => ({
    path: `/api/rooms/${await room(f, admin)}`,
    body: { name: `renamed-${randomUUID().slice(0, 6)}` },
    as: admin,
  }),
  'DELETE /api/rooms/:id': async (f, admin) => ({ path: `/api/rooms/${await room(f, admin)}`, as: admin }),
  'PUT /api/rooms/:id/nodes/:nodeId': async (f, admin) => ({
    path: `/api/rooms/${await room(f, admin)}/nodes/${await claimedHost(f, admin.cookie)}`,
    as: admin,
  }),
  'DELETE /api/rooms/:id/nodes/:nodeId': async (f, admin) => {
    const [r, n] = [await room(f, admin), await claimedHost(f, admin.cookie)];
    await f.inject('PUT', `/api/rooms/${r}/nodes/${n}`, { cookie: admin.cookie });
    return { path: `/api/rooms/${r}/nodes/${n}`, as: admin };
  },
  // The node is offline: the call is refused after it was recorded (who asked to read what runs on a node).
  'POST /api/nodes/:id/functions/:name': async (f, admin) => ({
    path: `/api/nodes/${await claimedHost(f, admin.cookie)}/functions/processes`,
    body: {},
    as: admin,
    status: 503,
  }),
  'DELETE /api/nodes/:id': async (f, admin) => ({
    path: `/api/nodes/${await claimedHost(f, admin.cookie)}`,
    as: admin,
  }),
  'POST /api/hosts/:id/jobs': async (f, admin) => ({
    path: `/api/hosts/${await claimedHost(f, admin.cookie)}/jobs`,
    body: { type: 'system.probe' },
    as: admin,
  }),
  'POST /api/hosts/:id/agent-update': async (f, admin) => ({
    path: `/api/hosts/${await reportingHost(f, admin)}/agent-update`,
    body: {},
    as: admin,
  }),
  'POST /api/rooms/:id/agent-update': async (f, admin) => {
    const r = await room(f, admin);
    await f.inject('PUT', `/api/rooms/${r}/nodes/${await reportingHost(f, admin)}`, { cookie: admin.cookie });
    await f.inject('PUT', `/api/rooms/${r}/nodes/${await reportingHost(f, admin)}`, { cookie: admin.cookie });
    return { path: `/api/rooms/${r}/agent-update`, body: {}, as: admin };
  },
  'POST /api/jobs/:id/cancel': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie);
    const job = await f.inject('POST', `/api/hosts/${host}/jobs`, {
      cookie: admin.cookie,
      body: { type: 'system.probe' },
    });
    return { path: `/api/jobs/${job.json<{ id: string }>().id}/cancel`, as: admin };
  },
  'POST /api/hosts/:id/repo/probe': async (f, admin) => ({
    path: `/api/hosts/${await claimedHost(f, admin.cookie, { repository: true })}/repo/probe`,
    as: admin,
  }),
  'POST /api/backup-plans': async (f, admin) => ({
    path: '/api/backup-plans',
    body: planBody(await room(f, admin)),
    as: admin,
  }),
  'PATCH /api/backup-plans/:id': async (f, admin) => ({
    path: `/api/backup-plans/${await plan(f, admin)}`,
    body: { name: 'renamed' },
    as: admin,
  }),
  'DELETE /api/backup-plans/:id': async (f, admin) => ({
    path: `/api/backup-plans/${await plan(f, admin)}`,
    as: admin,
  }),
  'POST /api/backup-plans/:id/run': async (f, admin) => ({
    path: `/api/backup-plans/${await plan(f, admin)}/run`,
    as: admin,
  }),
  'PUT /api/nodes/:id/backup-plan': async (f, admin) => ({
    path: `/api/nodes/${await claimedHost(f, admin.cookie)}/backup-plan`,
    body: { overrides: { paths: ['/srv/other'] } },
    as: admin,
  }),
  'DELETE /api/hosts/:id/snapshots/:snapshot': async (f, admin) => ({
    path: `/api/hosts/${await claimedHost(f, admin.cookie, { repository: true })}/snapshots/0123456789abcdef`,
    as: admin,
  }),
  'POST /api/hosts/:id/source-groups': async (f, admin) => ({
    path: `/api/hosts/${await claimedHost(f, admin.cookie, { repository: true })}/source-groups`,
    body: { name: 'data', paths: ['/srv/data'] },
    as: admin,
  }),
  'PATCH /api/hosts/:id/source-groups/:item': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return {
      path: `/api/hosts/${host}/source-groups/${await group(f, admin, host)}`,
      body: { name: 'x' },
      as: admin,
    };
  },
  'DELETE /api/hosts/:id/source-groups/:item': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return { path: `/api/hosts/${host}/source-groups/${await group(f, admin, host)}`, as: admin };
  },
  'POST /api/hosts/:id/source-groups/:item/backup': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return { path: `/api/hosts/${host}/source-groups/${await group(f, admin, host)}/backup`, as: admin };
  },
  'POST /api/hosts/:id/schedules': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return {
      path: `/api/hosts/${host}/schedules`,
      body: { source_group_id: await group(f, admin, host), cron: '0 4 * * *' },
      as: admin,
    };
  },
  'PATCH /api/hosts/:id/schedules/:item': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return {
      path: `/api/hosts/${host}/schedules/${await schedule(f, admin, host)}`,
      body: { enabled: false },
      as: admin,
    };
  },
  'DELETE /api/hosts/:id/schedules/:item': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return { path: `/api/hosts/${host}/schedules/${await schedule(f, admin, host)}`, as: admin };
  },
  'POST /api/hosts/:id/schedules/:item/run': async (f, admin) => {
    const host = await claimedHost(f, admin.cookie, { repository: true });
    return { path: `/api/hosts/${host}/schedules/${await schedule(f, admin, host)}/run`, as: admin };
  },
  'PUT /api/hosts/:id/repository': async (f, admin) => ({
    path: `/api/hosts/${await claimedHost(f, admin.cookie)}/repository`,
    body: { repo_url: '/srv/restic/audit', repo_password: 'audit password' },
    as: admin,
  }),
  'DELETE /api/hosts/:id/repository': async (f, admin) => ({
    path: `/api/hosts/${await claimedHost(f, admin.cookie, { repository: true })}/repository`,
    as: admin,
  }),
  'POST /api/enrollment-tokens': async (_f, admin) => ({
    path: '/api/enrollment-tokens',
    body: { hostname: `enrolled-${randomUUID().slice(0, 6)}` },
    as: admin,
  }),
  'DELETE /api/enrollment-tokens/:id': async (f, admin) => {
    const t = await f.inject('POST', '/api/enrollment-tokens', {
      cookie: admin.cookie,
      body: { hostname: `revoked-${randomUUID().slice(0, 6)}` },
    });
    return { path: `/api/enrollment-tokens/${t.json<{ id: string }>().id}`, as: admin };
  },
  'POST /api/announcements/:id/approve': async (f, admin) => ({
    path: `/api/announcements/${await announced(f, admin.cookie)}/approve`,
    body: {},
    as: admin,
  }),
  'POST /api/announcements/:id/reject': async (f, admin) => ({
    path: `/api/announcements/${await announced(f, admin.cookie)}/reject`,
    as: admin,
  }),
  'PATCH /api/spaces/:id/settings': async (f, admin) => ({
    path: `/api/spaces/${f.spaceId}/settings`,
    body: { stale_remove_days: 90 },
    as: admin,
  }),
  'PUT /api/rooms/:id/rules': async (f, admin) => {
    const room = await f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, {
      cookie: admin.cookie,
      body: { name: `rules-${randomUUID().slice(0, 6)}` },
    });
    return {
      path: `/api/rooms/${room.json<{ id: string }>().id}/rules`,
      body: { rules: [{ 'label.env': 'nowhere-at-all' }] },
      as: admin,
    };
  },
  'POST /api/nodes/bulk': async (f, admin) => ({
    path: '/api/nodes/bulk',
    body: { ids: [await claimedHost(f, admin.cookie)], action: 'run_job', job: { type: 'system.probe' } },
    as: admin,
  }),
  'POST /api/hosts/enrollment-tokens/:hash/revoke': async (f, admin) => {
    const t = await f.inject('POST', '/api/enrollment-tokens', {
      cookie: admin.cookie,
      body: { hostname: `revoked-${randomUUID().slice(0, 6)}` },
    });
    const hash = createHash('sha256').update(t.json<{ token: string }>().token).digest('hex');
    return { path: `/api/hosts/enrollment-tokens/${hash}/revoke`, as: admin };
  },
};

/** An agent awaiting approval (announcements turned on in the space); the announcement's id. */
async function announced(f: FastApp, cookie: string): Promise<string> {
  await f.inject('PATCH', `/api/spaces/${f.spaceId}/settings`, { cookie, body: { announce: true } });
  const { publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const res = await f.inject('PUT', `/api/v1/announce/nodes/${randomUUID()}`, {
    body: { node: { hostname: `announced-${randomUUID().slice(0, 6)}` }, publicKey },
  });
  assert.equal(res.status, 202, res.text);
  const list = await f.inject('GET', '/api/announcements', { cookie });
  return list.json<{ id: string; state: string }[]>().find((a) => a.state === 'pending')!.id;
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('every state-changing route writes exactly one audit record with its actor, in process', () => {
  let f: FastApp;
  let admin: Caller;
  const agentDir = tempDir('muster-audit-agent-');
  before(async () => {
    // A manifest with an executable for linux/amd64, so that an agent update can be asked for (no file is served).
    mkdirSync(agentDir.path, { recursive: true });
    writeFileSync(
      join(agentDir.path, 'manifest.json'),
      JSON.stringify({
        version: '9.9.9',
        runtime: 'node',
        files: [
          { os: 'linux', arch: 'amd64', file: 'muster-agent-linux-amd64', size: 1, sha256: '0'.repeat(64) },
        ],
      }),
    );
    f = await fastApp({ agentDir: agentDir.path });
    const cookie = await f.as('admin');
    admin = { cookie, userId: (await f.services.auth.listUsers()).find((u) => u.username === 'admin')!.id };
  });
  after(async () => {
    await f.close();
    agentDir.remove();
  });

  const changing = () =>
    f.services.routes
      .filter((r) => CHANGES.has(r.method))
      .map((r) => `${r.method} ${r.url}`)
      .filter((k, i, all) => all.indexOf(k) === i);

  test('the route table is covered: each state-changing route has a fixture or is a machine route with its reason', () => {
    const uncovered = changing().filter((k) => !FIXTURES[k] && !MACHINE_ROUTES[k]);
    assert.deepEqual(uncovered, [], 'add a fixture below for each new route that changes something');
    for (const k of [...Object.keys(FIXTURES), ...Object.keys(MACHINE_ROUTES)])
      assert.ok(changing().includes(k), `${k} is listed but the server has no such route`);
  });

  for (const [route, fixture] of Object.entries(FIXTURES))
    test(route, async () => {
      const call = await fixture(f, admin);
      const before = await f.database.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.max('id').as('last'))
        .executeTakeFirstOrThrow();
      const res = await f.inject(route.split(' ')[0]!, call.path, {
        ...(call.as.cookie ? { cookie: call.as.cookie } : {}),
        // A signed-in request without a body says it comes from a script or the UI (the cross-site guard).
        headers: { 'x-requested-with': 'audit-test' },
        ...(call.body !== undefined ? { body: call.body } : {}),
      });
      if (call.status) assert.equal(res.status, call.status, `${route}: ${res.text}`);
      else assert.ok(res.status < 300, `${route}: ${res.status} ${res.text}`);
      const written = await f.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '>', Number(before.last ?? 0))
        .execute();
      assert.equal(
        written.length,
        1,
        `${route} wrote ${written.map((w) => w.action).join(', ') || 'nothing'}`,
      );
      const [record] = written;
      assert.equal(record!.actor_id, call.as.userId, `${route}: the record names the caller`);
      assert.ok((AUDIT_ACTIONS as readonly string[]).includes(record!.action), record!.action);
    });
});
