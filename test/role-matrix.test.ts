import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { addUser, login, request, useTestServer } from './helpers.ts';
import { RULES } from './route-rules.ts';

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
});
