import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  userPassword,
  addUser,
  connectArgs,
  login,
  request,
  runAgent,
  tempDir,
  useTestServer,
} from './helpers.ts';

interface AuditEvent {
  id: number;
  at: number;
  action: string;
  actor_type: string;
  actor_name: string | null;
  source_ip: string | null;
  target_id: string | null;
}

describe('API keys and the audit log', () => {
  const server = useTestServer();
  let admin: string;
  let operatorId: string;
  before(async () => {
    admin = await login(server);
    operatorId = (await addUser(server, admin, 'ops', 'operator')).id;
  });

  test('an API key acts with its role as a bearer; it never outranks its owner; revoked keys are refused', async () => {
    const ops = await login(server, 'ops', userPassword('ops'));
    assert.equal(
      (
        await request(server, 'POST', '/api/api-keys', {
          cookie: ops,
          body: { name: 'too high', role: 'admin' },
        })
      ).status,
      403,
    );
    const made = await request(server, 'POST', '/api/api-keys', { cookie: ops, body: { name: 'ci' } });
    assert.equal(made.status, 201);
    const { id, key, role } = made.json<{ id: string; key: string; role: string }>();
    assert.equal(role, 'operator');
    const auth = { authorization: `Bearer ${key}` };
    const minted = await request(server, 'POST', '/api/enrollment-tokens', {
      headers: auth,
      body: { hostname: 'via-key' },
    });
    assert.equal(minted.status, 200, minted.text);
    assert.equal(
      (await request(server, 'GET', `/api/spaces/${server.spaceId}/claim-token`, { headers: auth })).status,
      403,
    );
    const listed = await request(server, 'GET', '/api/api-keys', { cookie: ops });
    assert.doesNotMatch(listed.text, new RegExp(key));

    const viewerKey = (
      await request(server, 'POST', '/api/api-keys', { cookie: ops, body: { name: 'ro', role: 'viewer' } })
    ).json<{ key: string }>().key;
    assert.equal(
      (
        await request(server, 'POST', '/api/enrollment-tokens', {
          headers: { authorization: `Bearer ${viewerKey}` },
          body: { hostname: 'x' },
        })
      ).status,
      403,
    );

    assert.equal(
      (
        await request(server, 'PATCH', `/api/users/${operatorId}`, {
          cookie: admin,
          body: { role: 'viewer' },
        })
      ).status,
      200,
    );
    assert.equal(
      (await request(server, 'POST', '/api/enrollment-tokens', { headers: auth, body: { hostname: 'x' } }))
        .status,
      403,
      'demoting the owner demotes the key',
    );
    await request(server, 'PATCH', `/api/users/${operatorId}`, { cookie: admin, body: { role: 'operator' } });

    assert.equal((await request(server, 'DELETE', `/api/api-keys/${id}`, { cookie: ops })).status, 204);
    const refused = await request(server, 'GET', '/api/nodes', { headers: auth });
    assert.equal(refused.status, 401);
    assert.deepEqual(Object.keys(refused.json<object>()).sort(), ['code', 'message']);
  });

  test('the audit log records logins, tokens, nodes and role changes with actor, address and time; admins only; paged', async () => {
    await request(server, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: 'wrong-password' },
    });
    await request(server, 'POST', `/api/spaces/${server.spaceId}/claim-token/rotate`, {
      cookie: admin,
      body: {},
    });
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    const dir = tempDir('muster-agent-');
    const claimed = await runAgent([
      'claim',
      '--state-dir',
      dir.path,
      '--local-api',
      'off',
      ...connectArgs(server, token),
    ]);
    assert.equal(claimed.code, 0, claimed.stderr);
    dir.remove();
    const node = (await server.services.nodes.list({ limit: 10, offset: 0 }))[0]!;
    await request(server, 'DELETE', `/api/nodes/${node.id}`, { cookie: admin });
    const ops = await login(server, 'ops', userPassword('ops'));
    const t = (
      await request(server, 'POST', '/api/enrollment-tokens', { cookie: ops, body: { hostname: 'e-1' } })
    ).json<{ id: string; token: string }>();
    await request(server, 'POST', '/api/agents/enroll', { body: { token: t.token, hostname: 'e-1' } });
    const t2 = (
      await request(server, 'POST', '/api/enrollment-tokens', { cookie: ops, body: { hostname: 'e-2' } })
    ).json<{ id: string }>();
    await request(server, 'DELETE', `/api/enrollment-tokens/${t2.id}`, { cookie: ops });

    assert.equal((await request(server, 'GET', '/api/audit', { cookie: ops })).status, 403);
    const all = (await request(server, 'GET', '/api/audit?limit=500', { cookie: admin })).json<{
      events: AuditEvent[];
    }>().events;
    const actions = new Set(all.map((e) => e.action));
    for (const a of [
      'auth.login',
      'auth.login_failed',
      'token.rotated',
      'token.minted',
      'token.used',
      'token.revoked',
      'node.claimed',
      'node.enrolled',
      'node.removed',
      'user.role_changed',
      'user.created',
      'api_key.created',
    ]) {
      assert.ok(actions.has(a), `audit has ${a}`);
    }
    const rotated = all.find((e) => e.action === 'token.rotated')!;
    assert.equal(rotated.actor_name, 'admin');
    assert.equal(rotated.source_ip, '127.0.0.1');
    assert.ok(rotated.at > 0);
    assert.doesNotMatch(
      JSON.stringify(all),
      new RegExp(`${token}|${t.token}|wrong-password`),
      'no secrets in the audit log',
    );

    const page1 = (await request(server, 'GET', '/api/audit?limit=2', { cookie: admin })).json<{
      events: AuditEvent[];
      next_before: number;
    }>();
    assert.equal(page1.events.length, 2);
    const page2 = (
      await request(server, 'GET', `/api/audit?limit=2&before=${page1.next_before}`, { cookie: admin })
    ).json<{ events: AuditEvent[] }>();
    assert.ok(page2.events.every((e) => e.id < page1.events[1]!.id));
    const tokensOnly = (await request(server, 'GET', '/api/audit?action=token.', { cookie: admin })).json<{
      events: AuditEvent[];
    }>().events;
    assert.ok(tokensOnly.length >= 4 && tokensOnly.every((e) => e.action.startsWith('token.')));
    const byOps = (await request(server, 'GET', '/api/audit?actor=ops', { cookie: admin })).json<{
      events: AuditEvent[];
    }>().events;
    assert.ok(byOps.length > 0 && byOps.every((e) => e.actor_name === 'ops'));
  });
});
