import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { claimedHost, fastApp, type FastApp } from './fast-app.ts';

type JsonSchema = Parameters<typeof z.fromJSONSchema>[0];
interface Document {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }> }>
  >;
}

/**
 * What the web client's development builds do with every answer (web/src/api.ts, answersParsed): parse it with the
 * schema the OpenAPI document gives for its route and status. Here every GET route of the management API without
 * a live agent behind it is asked, and its answer must parse, so that the document, the answers and the client's
 * check agree.
 */
describe('answers parse with the schemas the OpenAPI document gives them', () => {
  let f: FastApp;
  let admin: string;
  let doc: Document;
  const ids: Record<string, string> = {};
  before(async () => {
    f = await fastApp();
    admin = await f.as('admin');
    doc = (await f.inject('GET', '/api/openapi.json')).json<Document>();
    const host = await claimedHost(f, admin, { repository: true });
    const group = await f.inject('POST', `/api/hosts/${host}/source-groups`, {
      cookie: admin,
      body: { name: 'data', paths: ['/srv/data'] },
    });
    const schedule = await f.inject('POST', `/api/hosts/${host}/schedules`, {
      cookie: admin,
      body: { source_group_id: group.json<{ id: string }>().id, cron: '0 3 * * *' },
    });
    const job = await f.inject('POST', `/api/hosts/${host}/jobs`, {
      cookie: admin,
      body: { type: 'system.probe' },
    });
    const user = (await f.inject('GET', '/api/users', { cookie: admin })).json<{ id: string }[]>()[0]!;
    await f.inject('POST', '/api/enrollment-tokens', { cookie: admin, body: { hostname: 'answers-1' } });
    Object.assign(ids, {
      host,
      job: job.json<{ id: string }>().id,
      schedule: schedule.json<{ id: string }>().id,
      user: user.id,
      space: f.spaceId,
    });
  });
  after(() => f.close());

  /** A path of the document with its parameters filled in, or null when it needs a live agent or a stream. */
  function concrete(path: string): string | null {
    if (
      /\/(facts|metrics|stream|snapshots|files|contexts|data|alerts|functions|stats|diff|find|download)$|\/api\/events$|\/api\/auth\/oidc\/|\/api\/v1\/|^\/(agent|install)\//.test(
        path,
      )
    )
      return null;
    if (!path.startsWith('/api/')) return null;
    return path
      .replace('/api/jobs/{id}', `/api/jobs/${ids.job}`)
      .replace('/api/spaces/{id}', `/api/spaces/${ids.space}`)
      .replace('/api/users/{id}', `/api/users/${ids.user}`)
      .replace(/\/api\/(hosts|nodes)\/\{id\}/, `/api/$1/${ids.host}`);
  }

  test('every GET answer the UI can ask for parses', async () => {
    const checked: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const get = ops.get;
      const url = get && concrete(path);
      if (!get || !url || url.includes('{')) continue;
      const res = await f.inject('GET', url, { cookie: admin });
      assert.equal(res.status, 200, `${url}: ${res.text}`);
      const schema = get.responses?.['200']?.content?.['application/json']?.schema;
      assert.ok(schema, `${path} documents its answer`);
      const parsed = z.fromJSONSchema(schema, { defaultTarget: 'openapi-3.0' }).safeParse(res.json());
      assert.ok(parsed.success, `${path}: ${parsed.success ? '' : parsed.error.message}`);
      checked.push(path);
    }
    assert.ok(checked.length >= 15, `only ${checked.length} routes were checked: ${checked.join(', ')}`);
  });
});
