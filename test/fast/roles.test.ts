import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RULES } from '../route-rules.ts';
import { fastApp, type FastApp } from './fast-app.ts';

const RANK = { viewer: 1, operator: 2, admin: 3 } as const;
const STREAMS = new Set(['GET /api/events', 'GET /api/jobs/:id/stream']);

describe('roles, in process: every signed-in route refuses the roles below its rule', () => {
  let f: FastApp;
  const principals: { name: string; rank: number; cookie?: string; headers?: Record<string, string> }[] = [];
  before(async () => {
    f = await fastApp();
    principals.push({ name: 'nobody', rank: 0 });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const cookie = await f.as(role);
      principals.push({ name: `${role} session`, rank: RANK[role], cookie });
      const key = (await f.inject('POST', '/api/api-keys', { cookie, body: { name: 'k' } })).json<{
        key: string;
      }>().key;
      principals.push({ name: `${role} key`, rank: RANK[role], headers: { authorization: `Bearer ${key}` } });
    }
    principals.push({ name: 'agent bearer', rank: 0, headers: { authorization: 'Bearer mab_forged' } });
  });
  after(() => f.close());

  test('401 without credentials, 403 below the role, never either at or above it', async () => {
    let cases = 0;
    for (const r of f.services.routes) {
      const key = `${r.method} ${r.url}`;
      const rule = RULES[key];
      if (rule !== 'viewer' && rule !== 'operator' && rule !== 'admin') continue;
      const url = r.url
        .replace(/:\w+/g, () => randomUUID())
        .replace(/^\/api\/spaces\/[0-9a-f-]{36}/, `/api/spaces/${f.spaceId}`);
      for (const p of principals) {
        if (key === 'POST /api/auth/logout') continue;
        const allowed = p.rank >= RANK[rule];
        if (allowed && STREAMS.has(key)) continue;
        const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined;
        const res = await f.inject(r.method, url, { cookie: p.cookie, headers: p.headers, body });
        cases++;
        if (allowed) assert.ok(![401, 403].includes(res.status), `${p.name} may call ${key}: ${res.text}`);
        else
          assert.equal(res.status, p.rank === 0 ? 401 : 403, `${p.name} must not call ${key}: ${res.text}`);
      }
    }
    assert.ok(cases > 350, `${cases} cases`);
  });
});
