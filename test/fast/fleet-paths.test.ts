import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fastApp, type FastApp } from './fast-app.ts';

const DAY = 24 * 3600 * 1000;
const NODES = 230;

describe('the node list and event records at fleet scale, in process', () => {
  let t = Date.now();
  const clock = { now: () => t };
  let f: FastApp;
  let admin: string;
  const ids: string[] = [];
  before(async () => {
    f = await fastApp({ clock });
    admin = await f.as('admin');
    const token = (await f.services.tokens.getSpaceToken(f.spaceId)).token;
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    for (let i = 0; i < NODES; i++) {
      const id = randomUUID();
      const hostname = `host-${String((i * 7919) % NODES).padStart(4, '0')}`;
      const res = await f.inject('PUT', `/api/v1/spaces/nodes/${id}`, {
        body: { node: { id, hostname }, token, publicKey },
      });
      assert.equal(res.status, 204, res.text);
      ids.push(id);
    }
  });
  after(() => f.close());

  test('the list answers a page of 100 in host name order; pages follow with offset; more than 1,000 is refused', async () => {
    const first = (await f.inject('GET', '/api/nodes', { cookie: admin })).json<{ hostname: string }[]>();
    assert.equal(first.length, 100);
    assert.equal(first[0]!.hostname, 'host-0000');
    assert.equal(first[99]!.hostname, 'host-0099');
    const last = (await f.inject('GET', '/api/nodes?offset=200', { cookie: admin })).json<unknown[]>();
    assert.equal(last.length, NODES - 200);
    const tooMany = await f.inject('GET', '/api/nodes?limit=1001', { cookie: admin });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.json<{ message: string }>().message, /limit/);
  });

  test('counts answer the filter in all and by status; the text matches host names and tags; a duplicate filter lists the suspects', async () => {
    const all = (await f.inject('GET', '/api/nodes/counts', { cookie: admin })).json<
      Record<string, number>
    >();
    assert.deepEqual(all, {
      all: NODES,
      online: 0,
      offline: 0,
      pending: NODES,
      stale: 0,
      duplicate: 0,
      backup_overdue: 0,
    });
    const some = (await f.inject('GET', '/api/nodes/counts?q=HOST-01', { cookie: admin })).json<{
      all: number;
    }>();
    assert.equal(some.all, 100);
    await f.database.db
      .updateTable('nodes')
      .set({ tags: JSON.stringify(['rack-7']), duplicate_suspected: 1 })
      .where('id', '=', ids[3]!)
      .execute();
    const tagged = (await f.inject('GET', '/api/nodes?q=rack-7', { cookie: admin })).json<{ id: string }[]>();
    assert.deepEqual(
      tagged.map((n) => n.id),
      [ids[3]],
    );
    const dup = (await f.inject('GET', '/api/nodes?status=duplicate', { cookie: admin })).json<
      { id: string }[]
    >();
    assert.deepEqual(
      dup.map((n) => n.id),
      [ids[3]],
    );
    t += 1000;
    const after = (await f.inject('GET', '/api/nodes/counts', { cookie: admin })).json<{
      duplicate: number;
    }>();
    assert.equal(after.duplicate, 1);
    const viewer = await f.as('viewer');
    assert.equal((await f.inject('GET', '/api/nodes/counts', { cookie: viewer })).status, 200);
    assert.equal((await f.inject('GET', '/api/nodes/counts')).status, 401);
    await f.database.db
      .updateTable('nodes')
      .set({ tags: '[]', duplicate_suspected: 0 })
      .where('id', '=', ids[3]!)
      .execute();
  });

  test('the export streams every node in one JSON array, filters included; /api/hosts streams every host', async () => {
    const all = await f.inject('GET', '/api/nodes/export', { cookie: admin });
    assert.equal(all.status, 200);
    assert.match(String(all.headers['content-type']), /application\/json/);
    const nodes = all.json<{ hostname: string; rooms: unknown[] }[]>();
    assert.equal(nodes.length, NODES);
    assert.deepEqual(
      nodes.map((n) => n.hostname),
      [...nodes.map((n) => n.hostname)].sort(),
    );
    assert.ok(
      nodes.every((n) => n.rooms.length === 1),
      'every node is in its default room',
    );
    assert.doesNotMatch(all.text, /BEGIN PUBLIC KEY|bearer_hash|repo_enc|token_id/);
    const some = (await f.inject('GET', '/api/nodes/export?q=host-01', { cookie: admin })).json<unknown[]>();
    assert.equal(some.length, 100);
    const none = (await f.inject('GET', '/api/nodes/export?status=online', { cookie: admin })).json<
      unknown[]
    >();
    assert.deepEqual(none, []);
    const hosts = (await f.inject('GET', '/api/hosts', { cookie: admin })).json<Record<string, unknown>[]>();
    assert.equal(hosts.length, NODES);
    assert.ok(!('kernel' in hosts[0]!), 'hosts carry the onboarding fields only');
    assert.ok('repo_status' in hosts[0]!);
    const viewer = await f.as('viewer');
    assert.equal((await f.inject('GET', '/api/nodes/export', { cookie: viewer })).status, 200);
    assert.equal((await f.inject('GET', '/api/nodes/export')).status, 401);
  });

  test('an export whose first read fails answers an error with a message, not a cut-off array', async () => {
    const nodes = f.services.nodes;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was; it uses no `this`
    const real = nodes.exportPages;
    // eslint-disable-next-line require-yield
    nodes.exportPages = async function* () {
      throw new Error('database is locked');
    };
    try {
      const res = await f.inject('GET', '/api/nodes/export', { cookie: admin });
      assert.ok(res.status >= 500, `status ${res.status}`);
      const body = res.json<{ code: string; message: string }>();
      assert.ok(body.code && body.message, res.text);
    } finally {
      nodes.exportPages = real;
    }
  });

  test('closed link sessions are forgotten after their retention (30 days); audit records are kept for a year', async () => {
    const count = async (table: 'link_sessions' | 'audit_events') =>
      Number(
        (
          await f.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const facts = {
      hostname: 'h',
      os: 'linux',
      kernel: '6',
      arch: 'x64',
      cpus: 1,
      memory_bytes: 1,
      virtualization: 'none',
      container: 'none',
      labels: {},
      capabilities: [],
    };
    for (let i = 0; i < 20; i++) {
      const sessionId = randomUUID();
      await f.services.presence.markOnline(ids[i]!, facts, '1', 'test link', {
        id: sessionId,
        node_id: ids[i]!,
        opened_at: t,
        remote_addr: '127.0.0.1',
        agent_version: '1',
      });
      await f.services.presence.linkClosed(sessionId, 'test close', ids[i]!);
    }
    assert.equal(await count('link_sessions'), 20);
    const audits = await count('audit_events');
    t += 29 * DAY;
    await f.services.housekeeping.run();
    assert.equal(await count('link_sessions'), 20, 'kept within 30 days');
    t += 2 * DAY;
    await f.services.housekeeping.run();
    assert.equal(await count('link_sessions'), 0, 'gone after 30 days');
    assert.equal(await count('audit_events'), audits, 'audit records stay');
    t += 400 * DAY;
    await f.services.housekeeping.run();
    assert.equal(await count('audit_events'), 0, 'audit records go after a year');
  });
});
