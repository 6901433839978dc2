import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { RULES, SCOPES } from '../route-rules.ts';
import { apiReference } from './api-reference.ts';
import { API_TYPES_FILE, apiTypes } from './api-types.ts';
import { fastApp, type FastApp } from './fast-app.ts';

interface Operation {
  'x-access'?: string;
  summary?: string;
  responses?: Record<string, unknown>;
}

/**
 * Routes that serve files, not the API, and the links' websocket upgrades (which OpenAPI cannot describe; they are in
 * docs/protocol.md and docs/netdata.md): answered and ruled, but not part of the reference.
 */
const FILES = /^\/(agent|install)\/|^\/index\.html$|^\/assets\/|^\/api\/v1\/link$|^\/mqtt$/;

describe('the route table, the OpenAPI document and the role rules agree', () => {
  let f: FastApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
  before(async () => {
    f = await fastApp();
    const res = await f.inject('GET', '/api/openapi.json');
    assert.equal(res.status, 200, res.text);
    doc = res.json();
  });
  after(() => f.close());

  test('the document is OpenAPI 3 and open to anyone', () => {
    assert.match(doc.openapi, /^3\./);
  });

  test('every route has a rule, a schema with its success answer, and the rule is the one the server enforces', () => {
    const routes = f.services.routes.filter((r) => !FILES.test(r.url));
    assert.ok(routes.length > 60, `${routes.length} routes`);
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      const rule = RULES[key];
      assert.ok(rule, `${key} has no rule in test/route-rules.ts`);
      const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      assert.ok(op, `${key} is missing from the OpenAPI document (does it declare a schema?)`);
      assert.ok(op.summary, `${key} has no summary`);
      const codes = Object.keys(op.responses ?? {});
      assert.ok(
        codes.some((c) => /^[123]\d\d$/.test(c)),
        `${key} declares no success answer (${codes.join(', ')})`,
      );
      if (rule === 'viewer' || rule === 'operator' || rule === 'admin') {
        assert.equal(r.access, rule, `${key}: the route enforces ${r.access}, the rule says ${rule}`);
        assert.equal(
          r.scope,
          SCOPES[key] ?? 'global',
          `${key}: the route checks its role ${r.scope}, the rules say ${SCOPES[key] ?? 'global'}`,
        );
        assert.equal(op['x-access'], rule, `${key}: the document says ${op['x-access']}`);
        for (const c of ['401', '403']) assert.ok(codes.includes(c), `${key} does not document ${c}`);
      } else {
        assert.ok(
          op['x-access'] === 'public' ||
            op['x-access'] === 'agent' ||
            op['x-access'] === undefined ||
            (rule === 'signed_in' && op['x-access'] === 'signed_in'),
          `${key}: ${rule} route documented as ${op['x-access']}`,
        );
      }
    }
  });

  test("the web client's types are the OpenAPI document's (npm run docs:api rewrites web/src/api-types.ts)", async () => {
    assert.equal(
      readFileSync(API_TYPES_FILE, 'utf8'),
      await apiTypes(),
      'web/src/api-types.ts is out of date: run npm run docs:api',
    );
  });

  test('docs/api.md is the reference the routes make (npm run docs:api rewrites it)', async () => {
    const file = resolve(import.meta.dirname, '../../docs/api.md');
    const made = await format(await apiReference(), { ...(await resolveConfig(file)), filepath: file });
    const kept = readFileSync(file, 'utf8');
    assert.equal(kept, made, 'docs/api.md is out of date: run npm run docs:api');
  });

  test('every rule names a route the server has', () => {
    const served = new Set(f.services.routes.map((r) => `${r.method} ${r.url}`));
    assert.deepEqual(
      Object.keys(RULES).filter((k) => !served.has(k) && !FILES.test(k.split(' ')[1]!)),
      [],
    );
  });
});
