import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { addUser, login, request, simulatedIdentity, useTestServer, userPassword } from './helpers.ts';
import { RULES, SCOPES } from './route-rules.ts';

const RANK = { signed_in: 1, viewer: 1, operator: 2, admin: 3 } as const;
/** Answers that never end (server-sent events): only the refusals are checked. */
const STREAMS = new Set(['GET /api/events', 'GET /api/jobs/:id/stream']);

describe('role x route matrix, generated from the server’s own route table', () => {
  const server = useTestServer();
  const principals: { name: string; rank: number; headers: Record<string, string>; cookie?: string }[] = [];

  before(async () => {
    const admin = await login(server);
    principals.push({ name: 'nobody', rank: 0, headers: {} });
    for (const role of ['viewer', 'operator'] as const) {
      const u = await addUser(server, admin, `m-${role}`, role);
      principals.push({ name: `${role} session`, rank: RANK[role], headers: {}, cookie: u.cookie });
      const key = (
        await request(server, 'POST', '/api/api-keys', { cookie: u.cookie, body: { name: 'k', role } })
      ).json<{ key: string }>().key;
      principals.push({
        name: `${role} API key`,
        rank: RANK[role],
        headers: { authorization: `Bearer ${key}` },
      });
    }
    principals.push({ name: 'admin session', rank: RANK.admin, headers: {}, cookie: admin });
    // An agent's bearer token is no management credential.
    principals.push({
      name: 'forged agent bearer',
      rank: 0,
      headers: { authorization: 'Bearer mab_not-a-real-token' },
    });
  });

  test('every route has a rule, and the server enforces it for every principal', async () => {
    const routes = server.services.routes.filter((r) => !r.url.startsWith('/assets/'));
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in RULES));
    assert.deepEqual(missing, [], 'routes without a role rule: add them to RULES');
    let cases = 0;
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      const rule = RULES[key]!;
      if (rule === 'public' || rule === 'machine') continue;
      const path = r.url.replace(/:\w+/g, () => randomUUID());
      const concrete = path.replace(/^\/api\/spaces\/[0-9a-f-]{36}/, `/api/spaces/${server.spaceId}`);
      for (const p of principals) {
        if (p.cookie && key === 'POST /api/auth/logout') continue; // keep the sessions signed in
        const allowed = p.rank >= RANK[rule];
        if (allowed && STREAMS.has(key)) continue;
        const res = await request(server, r.method, concrete, {
          cookie: p.cookie,
          headers: p.headers,
          ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { body: {} } : {}),
        });
        cases++;
        if (allowed)
          assert.ok(
            ![401, 403].includes(res.status),
            `${p.name} may call ${key}: got ${res.status} ${res.text}`,
          );
        else
          assert.equal(res.status, p.rank === 0 ? 401 : 403, `${p.name} must not call ${key}: ${res.text}`);
      }
    }
    assert.ok(cases > 300, `${cases} cases`);
  });

  test('scoped: an operator of room A, against every route, never reaches room B’s things nor sees them in a list', async () => {
    const admin = await login(server);
    const room = async (name: string) =>
      (
        await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
          cookie: admin,
          body: { name },
        })
      ).json<{ id: string }>().id;
    const roomA = await room('matrix-a');
    const roomB = await room('matrix-b');
    const [simA, simB] = [await simulatedIdentity(server), await simulatedIdentity(server)];
    server.defer(() => [simA, simB].forEach((s) => s.remove()));
    await request(server, 'PUT', `/api/rooms/${roomA}/nodes/${simA.id}`, { cookie: admin });
    await request(server, 'PUT', `/api/rooms/${roomB}/nodes/${simB.id}`, { cookie: admin });
    const planB = (
      await request(server, 'POST', '/api/backup-plans', {
        cookie: admin,
        body: {
          name: 'plan-b',
          room_id: roomB,
          paths: ['/srv/data'],
          schedule: { cron: '0 2 * * *' },
          retention: { keep_daily: 7 },
          repository: { template: '/srv/restic/{hostname}' },
        },
      })
    ).json<{ id: string }>().id;
    const user = (
      await request(server, 'POST', '/api/users', {
        cookie: admin,
        body: { username: 'm-scoped', password: userPassword('m-scoped'), role: 'none' },
      })
    ).json<{ id: string }>().id;
    await request(server, 'POST', '/api/role-bindings', {
      cookie: admin,
      body: { user_id: user, role: 'operator', room_id: roomA },
    });
    const cookie = await login(server, 'm-scoped', userPassword('m-scoped'));
    const key = (
      await request(server, 'POST', '/api/api-keys', {
        cookie,
        body: { name: 'k', role: 'operator', room_id: roomA },
      })
    ).json<{ key: string }>().key;
    const scoped: { name: string; cookie?: string; headers: Record<string, string> }[] = [
      { name: 'room-A operator session', cookie, headers: {} },
      { name: 'room-A operator key', headers: { authorization: `Bearer ${key}` } },
    ];
    const B: Record<string, string> = { node: simB.id, room: roomB, plan: planB };
    const secrets = [simB.id, roomB, planB];
    let cases = 0;
    for (const r of server.services.routes) {
      const k = `${r.method} ${r.url}`;
      const rule = RULES[k];
      if (rule !== 'viewer' && rule !== 'operator' && rule !== 'admin') continue;
      const scope = SCOPES[k] ?? 'global';
      const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? { body: {} } : {};
      const target = B[scope] ?? (scope === 'space' ? server.spaceId : randomUUID());
      const path = r.url.replace(':id', target).replace(/:\w+/g, () => randomUUID());
      for (const p of scoped) {
        if (STREAMS.has(k) && scope === 'any') continue;
        const res = await request(server, r.method, path, { cookie: p.cookie, headers: p.headers, ...body });
        cases++;
        const what = `${p.name}: ${k} as ${path}: ${res.status} ${res.text.slice(0, 200)}`;
        if (scope === 'global' || RANK[rule] > RANK.operator || (scope === 'space' && rule !== 'viewer'))
          assert.equal(res.status, 403, what);
        else if (scope === 'any' || scope === 'space') {
          // A list answers; a route of one's own things (an API key) finds no such random id.
          assert.ok(![401, 403].includes(res.status) && (res.status !== 404 || r.url.includes(':')), what);
          for (const s of secrets) assert.ok(!res.text.includes(s), `${what}: leaks ${s}`);
        } else assert.equal(res.status, 404, `${what}: room B's ${scope} must be absent`);
        // Room A's node answers (whatever the route then says of the request).
        if (scope === 'node' && RANK[rule] <= RANK.operator && !STREAMS.has(k)) {
          const a = await request(
            server,
            r.method,
            r.url.replace(':id', simA.id).replace(/:\w+/g, () => randomUUID()),
            {
              cookie: p.cookie,
              headers: p.headers,
              ...body,
            },
          );
          assert.ok(
            ![401, 403].includes(a.status) && !a.text.includes(`node ${simA.id} does not exist`),
            `${p.name}: ${k} on room A's node: ${a.status} ${a.text.slice(0, 200)}`,
          );
        }
      }
    }
    assert.ok(cases > 200, `${cases} cases`);
  });
});
