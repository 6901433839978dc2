import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { claimedHost, fastApp, type FastApp } from './fast-app.ts';

interface Operation {
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
}

/** How to reach one PATCH route's resource, read it back, and a new value for every field its body takes. */
interface Fixture {
  /** Make the resource; the path to PATCH and how to read the resource as the API shows it. */
  setUp(f: FastApp, admin: string): Promise<{ path: string; read: () => Promise<Record<string, unknown>> }>;
  changes: Record<string, unknown>;
  /** Fields the answer derives from a changed one (a room's slug from its name). */
  derived?: Record<string, string[]>;
}

/** A claimed host with a repository that is ready (schedules need one). */
const host = (f: FastApp, admin: string) => claimedHost(f, admin, { repository: true });

/** Read one item of a list the API answers. */
const itemOf = (f: FastApp, admin: string, list: string, id: string) => async () => {
  const res = await f.inject('GET', list, { cookie: admin });
  assert.equal(res.status, 200, res.text);
  const found = res.json<Record<string, unknown>[]>().find((x) => x.id === id);
  assert.ok(found, `${id} in ${list}`);
  return found;
};

/** Every PATCH route the server has must be here; the test fails for one that is not. */
const FIXTURES: Record<string, Fixture> = {
  'PATCH /api/backup-plans/:id': {
    async setUp(f, admin) {
      const r = await f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, {
        cookie: admin,
        body: { name: `room-${randomUUID().slice(0, 6)}` },
      });
      const p = await f.inject('POST', '/api/backup-plans', {
        cookie: admin,
        body: {
          name: `plan-${randomUUID().slice(0, 6)}`,
          room_id: r.json<{ id: string }>().id,
          paths: ['/srv/data'],
          schedule: { cron: '0 2 * * *' },
          retention: { keep_daily: 7 },
          repository: { template: '/srv/restic/{hostname}' },
        },
      });
      assert.equal(p.status, 201, p.text);
      const id = p.json<{ id: string }>().id;
      return {
        path: `/api/backup-plans/${id}`,
        read: async () => (await f.inject('GET', `/api/backup-plans/${id}`, { cookie: admin })).json(),
      };
    },
    changes: {
      name: 'renamed plan',
      paths: ['/srv/other'],
      excludes: ['*.tmp'],
      exclude_caches: true,
      exclude_if_present: ['.nobackup'],
      one_file_system: true,
      tags: ['prod'],
      schedule: { cron: '30 1 * * *', timezone: 'Europe/Berlin', spread_minutes: 30 },
      retention: { keep_weekly: 4, keep_within: '30d' },
      prune: { cron: '0 5 * * 6', timezone: 'UTC' },
      check: { cron: '0 6 1 * *', timezone: 'UTC', read_data_subset: '10%' },
      limits: { upload_kib: 1024 },
      hooks: { before: ['pg-dump'] },
      repository: { template: '/srv/backups/{node_id}' },
      copy: { cron: '0 6 * * *', timezone: 'UTC', template: '/srv/copies/{hostname}' },
    },
  },
  'PATCH /api/notification-channels/:id': {
    async setUp(f, admin) {
      const c = await f.inject('POST', '/api/notification-channels', {
        cookie: admin,
        body: {
          name: 'hook',
          type: 'webhook',
          config: { url: 'http://127.0.0.1:9/a', secret: 'first secret' },
        },
      });
      assert.equal(c.status, 201, c.text);
      const item = c.json<{ id: string }>().id;
      return {
        path: `/api/notification-channels/${item}`,
        read: itemOf(f, admin, '/api/notification-channels', item),
      };
    },
    changes: { name: 'renamed', config: { url: 'http://127.0.0.2:9/b' }, enabled: false },
  },
  'PATCH /api/spaces/:id/settings': {
    async setUp(f, admin) {
      return {
        path: `/api/spaces/${f.spaceId}/settings`,
        read: async () =>
          (await f.inject('GET', `/api/spaces/${f.spaceId}/settings`, { cookie: admin })).json(),
      };
    },
    changes: { ephemeral_remove_hours: 2, stale_remove_days: 30, announce: true },
  },
  'PATCH /api/auth/policy': {
    async setUp(f, admin) {
      return {
        path: '/api/auth/policy',
        read: async () => (await f.inject('GET', '/api/auth/policy', { cookie: admin })).json(),
      };
    },
    changes: { second_factor: 'admins', session_idle_minutes: 30, session_lifetime_hours: 8 },
  },
  'PATCH /api/alert-rules/:id': {
    async setUp(f, admin) {
      const room = await f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, {
        cookie: admin,
        body: { name: `room-${randomUUID().slice(0, 6)}` },
      });
      const c = await f.inject('POST', '/api/notification-channels', {
        cookie: admin,
        body: { name: 'hook', type: 'webhook', config: { url: 'http://127.0.0.1:9/a' } },
      });
      const changes = FIXTURES['PATCH /api/alert-rules/:id']!.changes;
      changes.room_id = room.json<{ id: string }>().id;
      changes.space_id = f.spaceId;
      changes.channel_ids = [c.json<{ id: string }>().id];
      const r = await f.inject('POST', '/api/alert-rules', {
        cookie: admin,
        body: { name: 'offline', kind: 'node_offline', severity: 'critical', for_seconds: 60 },
      });
      assert.equal(r.status, 201, r.text);
      const item = r.json<{ id: string }>().id;
      return { path: `/api/alert-rules/${item}`, read: itemOf(f, admin, '/api/alert-rules', item) };
    },
    changes: {
      name: 'renamed',
      kind: 'backup_failed',
      severity: 'warning',
      for_seconds: 5,
      repeat_seconds: 3600,
      // Set by setUp (a room and a channel it makes).
      space_id: 'space',
      room_id: 'room',
      channel_ids: ['channel'],
      send_resolved: false,
      enabled: false,
    },
  },
  'PATCH /api/hosts/:id/source-groups/:item': {
    async setUp(f, admin) {
      const id = await host(f, admin);
      const g = await f.inject('POST', `/api/hosts/${id}/source-groups`, {
        cookie: admin,
        body: {
          name: 'data',
          paths: ['/srv/data'],
          excludes: ['*.tmp'],
          retention: { keep_daily: 7 },
          tag: 'data-tag',
          overdue_after_hours: 30,
        },
      });
      assert.equal(g.status, 201, g.text);
      const item = g.json<{ id: string }>().id;
      return {
        path: `/api/hosts/${id}/source-groups/${item}`,
        read: itemOf(f, admin, `/api/hosts/${id}/source-groups`, item),
      };
    },
    changes: {
      name: 'renamed',
      paths: ['/srv/other'],
      excludes: ['*.log'],
      retention: { keep_weekly: 4 },
      options: { exclude_caches: true, read_data_subset: '5%' },
      tag: 'other-tag',
      overdue_after_hours: 0.01,
    },
  },
  'PATCH /api/hosts/:id/schedules/:item': {
    async setUp(f, admin) {
      const id = await host(f, admin);
      const g = await f.inject('POST', `/api/hosts/${id}/source-groups`, {
        cookie: admin,
        body: { name: 'data', paths: ['/srv/data'] },
      });
      const other = await f.inject('POST', `/api/hosts/${id}/source-groups`, {
        cookie: admin,
        body: { name: 'other', paths: ['/srv/other'] },
      });
      FIXTURES['PATCH /api/hosts/:id/schedules/:item']!.changes.source_group_id = other.json<{
        id: string;
      }>().id;
      const s = await f.inject('POST', `/api/hosts/${id}/schedules`, {
        cookie: admin,
        body: {
          source_group_id: g.json<{ id: string }>().id,
          action: 'check',
          cron: '0 3 * * *',
          timezone: 'Europe/Berlin',
          enabled: false,
        },
      });
      assert.equal(s.status, 201, s.text);
      const item = s.json<{ id: string }>().id;
      return {
        path: `/api/hosts/${id}/schedules/${item}`,
        read: itemOf(f, admin, `/api/hosts/${id}/schedules`, item),
      };
    },
    changes: {
      source_group_id: '(set up)',
      action: 'backup',
      cron: '30 4 * * *',
      timezone: 'UTC',
      enabled: true,
    },
    derived: { cron: ['next_runs'], timezone: ['next_runs'], enabled: ['next_runs'] },
  },
  'PATCH /api/users/:id': {
    async setUp(f, admin) {
      const u = await f.inject('POST', '/api/users', {
        cookie: admin,
        body: {
          username: `patch-${randomUUID().slice(0, 6)}`,
          password: 'patch-user-password',
          role: 'operator',
        },
      });
      assert.equal(u.status, 201, u.text);
      const item = u.json<{ id: string }>().id;
      await f.inject('PATCH', `/api/users/${item}`, { cookie: admin, body: { disabled: true } });
      return { path: `/api/users/${item}`, read: itemOf(f, admin, '/api/users', item) };
    },
    changes: { role: 'viewer', disabled: false },
  },
  'PATCH /api/spaces/:id/claim-token': {
    async setUp(f, admin) {
      const path = `/api/spaces/${f.spaceId}/claim-token`;
      await f.services.tokens.getSpaceToken(f.spaceId);
      const set = await f.inject('PATCH', path, {
        cookie: admin,
        body: { expires_at: Date.now() + 7 * 86_400_000, max_uses: 5000 },
      });
      assert.equal(set.status, 200, set.text);
      return {
        path,
        read: async () => (await f.inject('GET', path, { cookie: admin })).json<Record<string, unknown>>(),
      };
    },
    changes: { expires_at: Date.now() + 3 * 86_400_000, max_uses: 4000 },
  },
  'PATCH /api/rooms/:id': {
    async setUp(f, admin) {
      const r = await f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, {
        cookie: admin,
        body: { name: `room-${randomUUID().slice(0, 6)}` },
      });
      assert.equal(r.status, 201, r.text);
      const item = r.json<{ id: string }>().id;
      return { path: `/api/rooms/${item}`, read: itemOf(f, admin, `/api/spaces/${f.spaceId}/rooms`, item) };
    },
    changes: { name: 'renamed room' },
    derived: { name: ['slug'] },
  },
};

/** Fields that change on every write, whatever was asked. */
const BOOKKEEPING = new Set(['updated_at']);

describe('every PATCH route changes exactly the fields it is given, in process', () => {
  let f: FastApp;
  let admin: string;
  let patches: { route: string; fields: string[] }[];
  before(async () => {
    f = await fastApp();
    admin = await f.as('admin');
    const doc = (await f.inject('GET', '/api/openapi.json')).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    patches = Object.entries(doc.paths).flatMap(([path, ops]) =>
      ops.patch
        ? [
            {
              route: `PATCH ${path.replace(/\{(\w+)\}/g, ':$1')}`,
              fields: Object.keys(
                ops.patch.requestBody?.content['application/json']?.schema.properties ?? {},
              ),
            },
          ]
        : [],
    );
  });
  after(() => f.close());

  test('the route table has PATCH routes, and each has a fixture with a new value for every field of its body', () => {
    assert.ok(patches.length >= 5);
    for (const p of patches) {
      const fixture = FIXTURES[p.route];
      assert.ok(fixture, `${p.route} has no fixture in test/fast/patch-routes.test.ts: add one`);
      assert.deepEqual(
        Object.keys(fixture.changes).sort(),
        [...p.fields].sort(),
        `${p.route}: a value for every field`,
      );
    }
  });

  test('a PATCH of one field leaves every other field as it was, on every PATCH route', async () => {
    for (const p of patches) {
      const fixture = FIXTURES[p.route]!;
      for (const field of p.fields) {
        const { path, read } = await fixture.setUp(f, admin);
        const before = await read();
        const value = fixture.changes[field];
        const res = await f.inject('PATCH', path, { cookie: admin, body: { [field]: value } });
        assert.equal(res.status, 200, `${p.route} {${field}}: ${res.text}`);
        const after = await read();
        assert.notDeepEqual(after[field], before[field], `${p.route}: ${field} changed`);
        for (const [k, v] of Object.entries(before))
          if (k !== field && !BOOKKEEPING.has(k) && !fixture.derived?.[field]?.includes(k))
            assert.deepEqual(after[k], v, `${p.route} with only {${field}} changed ${k}`);
      }
    }
  });
});
