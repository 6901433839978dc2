import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { SYSTEM } from '../src/server/actor.ts';
import type { Services } from '../src/server/app.ts';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../src/server/db/database.ts';
import { createClusterRepo } from '../src/server/repos/cluster-repo.ts';
import { AppError, ClaimError } from '../src/server/errors.ts';
import { buildInProcess } from './fast/fast-app.ts';
import { manualClock, tempDir } from './helpers.ts';

const publicKey = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).publicKey;

interface Backend {
  name: string;
  /** The database, and `another` to open a second handle on it (as another process or replica would). */
  open(): Promise<{ database: OpenDatabase; another: () => OpenDatabase; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = tempDir('muster-db-');
      const file = join(dir.path, 'test.db');
      const database = openDatabase(file);
      return { database, another: () => openDatabase(file), cleanup: async () => dir.remove() };
    },
  },
];
const pgUrl = process.env.MUSTER_TEST_PG_URL;
if (pgUrl) {
  backends.push({
    name: 'postgres',
    async open() {
      const schema = `muster_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      const database = openDatabase(pgUrl, { schema });
      return {
        database,
        another: () => openDatabase(pgUrl, { schema }),
        async cleanup() {
          await admin.query(`drop schema ${schema} cascade`);
          await admin.end();
        },
      };
    },
  });
}

for (const backend of backends) {
  describe(`storage rules on ${backend.name}`, () => {
    let database: OpenDatabase;
    let another: () => OpenDatabase;
    let cleanup: () => Promise<void> = async () => undefined;
    let s: Services;
    let spaceId: string;
    let token: string;
    const clock = manualClock();

    before(async () => {
      const opened = await backend.open();
      database = opened.database;
      another = opened.another;
      cleanup = () => opened.cleanup();
      await migrateToLatest(database);
      await migrateToLatest(database);
      const built = await buildInProcess(database, clock);
      s = built.services;
      const admin = await s.auth.createUser(SYSTEM, {
        username: 'admin',
        password: 'admin-password-1',
        role: 'admin',
      });
      spaceId = (await s.spaces.ensureDefaultSpace(admin.id)).space.id;
      token = (await s.tokens.getSpaceToken(spaceId)).token;
    });
    after(async () => {
      await database.close();
      await cleanup();
    });

    const claim = (id: string, key: string, extra: Record<string, unknown> = {}) =>
      s.claims.claimNode(
        id,
        { node: { id, hostname: 'host-1' }, token, rooms: [], publicKey: key, mGUID: randomUUID(), ...extra },
        '127.0.0.1',
      );

    test('claim creates a pending node in the default room; a retry with the same key is accepted; another key conflicts', async () => {
      const id = randomUUID();
      const key = publicKey();
      assert.equal((await claim(id, key)).kind, 'claimed');
      assert.equal((await claim(id, key)).kind, 'retry');
      await assert.rejects(claim(id, publicKey()), (e: ClaimError) => e.key === 'ErrAlreadyClaimed');
      const node = await s.nodes.get(id);
      assert.equal(node.status, 'pending');
      assert.deepEqual(
        node.rooms.map((r) => r.slug),
        ['all-nodes'],
      );
    });

    test("rooms are taken by id or slug and must be in the token's space", async () => {
      const room = await s.spaces.createRoom(SYSTEM, spaceId, 'Edge Routers');
      const id = randomUUID();
      const aardvarks = await s.spaces.createRoom(SYSTEM, spaceId, 'Aardvarks');
      await claim(id, publicKey(), { rooms: ['edge-routers', aardvarks.id] });
      // Default room first, then by name: alike in a node's page, in a list, and in an export.
      const expected = [
        (await s.spaces.listRooms(spaceId)).find((r) => r.is_default)!.name,
        'Aardvarks',
        'Edge Routers',
      ];
      assert.deepEqual(
        (await s.nodes.get(id)).rooms.map((r) => r.name),
        expected,
      );
      const listed = (await s.nodes.list({ limit: 1000, offset: 0 })).find((n) => n.id === id)!;
      assert.deepEqual(
        listed.rooms.map((r) => r.name),
        expected,
      );
      assert.deepEqual(listed.rooms[2], {
        id: room.id,
        name: 'Edge Routers',
        slug: 'edge-routers',
        by_rule: false,
      });
      const exported = [];
      for await (const page of s.nodes.exportPages({})) exported.push(...page);
      assert.deepEqual(
        exported.find((n) => n.id === id)!.rooms.map((r) => r.name),
        expected,
      );
      assert.deepEqual(exported.find((n) => n.id !== id)?.rooms.length ?? 1, 1);
      await assert.rejects(
        claim(randomUUID(), publicKey(), { rooms: [room.id, 'nowhere'] }),
        (e: ClaimError) => e.key === 'ErrInvalidRoomID',
      );
      await assert.rejects(
        s.spaces.createRoom(SYSTEM, spaceId, 'edge routers'),
        (e: AppError) => e.code === 'ROOM_SLUG_TAKEN',
      );
      await assert.rejects(
        s.spaces.deleteRoom(SYSTEM, (await s.spaces.listRooms(spaceId)).find((r) => r.is_default)!.id),
        (e: AppError) => e.code === 'DEFAULT_ROOM',
      );
    });

    test('token limits: a use limit and an expiry are enforced, and a failed claim consumes nothing', async () => {
      const t = await s.tokens.rotateSpaceToken(SYSTEM, spaceId, {
        expires_at: clock.now() + 60_000,
        max_uses: 1,
      });
      token = t.token;
      await assert.rejects(
        claim(randomUUID(), 'not a key'),
        (e: ClaimError) => e.key === 'ErrInvalidPublicKey',
      );
      assert.equal((await s.tokens.getSpaceToken(spaceId)).uses, 0);
      await claim(randomUUID(), publicKey());
      await assert.rejects(
        claim(randomUUID(), publicKey()),
        (e: ClaimError) => e.key === 'ErrForbidden' && /used up/.test(e.message),
      );
      await s.tokens.setSpaceTokenLimits(SYSTEM, spaceId, { expires_at: clock.now() + 1000, max_uses: null });
      clock.advance(2000);
      await assert.rejects(
        claim(randomUUID(), publicKey()),
        (e: ClaimError) => e.key === 'ErrForbidden' && /expired/.test(e.message),
      );
      token = (await s.tokens.rotateSpaceToken(SYSTEM, spaceId, { expires_at: null, max_uses: null })).token;
    });

    test('concurrent claims against a one-use token: exactly one wins', async () => {
      token = (await s.tokens.rotateSpaceToken(SYSTEM, spaceId, { expires_at: null, max_uses: 1 })).token;
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => claim(randomUUID(), publicKey())),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      token = (await s.tokens.rotateSpaceToken(SYSTEM, spaceId, { expires_at: null, max_uses: null })).token;
    });

    test('claims on a token with no limit each count a use, however many arrive at once', async () => {
      const before = (await s.tokens.getSpaceToken(spaceId)).uses;
      const key = publicKey();
      await Promise.all(Array.from({ length: 12 }, () => claim(randomUUID(), key)));
      assert.equal((await s.tokens.getSpaceToken(spaceId)).uses, before + 12);
    });

    test('node listing filters by status, text and room', async () => {
      const id = randomUUID();
      await s.claims.claimNode(
        id,
        { node: { id, hostname: 'Findme-42' }, token, rooms: [], publicKey: publicKey() },
        null,
      );
      const byText = await s.nodes.list({ q: 'findme', limit: 100, offset: 0 });
      assert.deepEqual(
        byText.map((n) => n.id),
        [id],
      );
      assert.ok((await s.nodes.list({ status: 'pending', limit: 100, offset: 0 })).some((n) => n.id === id));
      assert.equal((await s.nodes.list({ status: 'online', limit: 100, offset: 0 })).length, 0);
      const room = (await s.spaces.listRooms(spaceId)).find((r) => r.slug === 'edge-routers')!;
      assert.equal(
        (await s.nodes.list({ roomId: room.id, limit: 100, offset: 0 })).some((n) => n.id === id),
        false,
      );
      await s.spaces.addNode(SYSTEM, room.id, id);
      assert.equal(
        (await s.nodes.list({ roomId: room.id, limit: 100, offset: 0 })).some((n) => n.id === id),
        true,
      );
    });

    test('a kept page of the node list is read again after any committed write, by this server or another, and each second', async () => {
      const page = { q: 'kept-page', limit: 100, offset: 0 };
      const sent = async () =>
        JSON.parse(await s.nodes.listJson(page)) as {
          id: string;
          hostname: string;
          pending_stuck: boolean;
        }[];
      const id = randomUUID();
      await s.claims.claimNode(
        id,
        { node: { id, hostname: 'kept-page-1' }, token, rooms: [], publicKey: publicKey() },
        null,
      );
      const mark = await database.changeMark();
      assert.ok(mark !== null);
      // On PostgreSQL the mark is the cluster's WAL position, which other tests sharing the server move too: with no
      // write of ours, two marks in a row are the same at least once.
      let same = false;
      for (let i = 0; i < 50 && !same; i++)
        same = (await database.changeMark()) === (await database.changeMark());
      assert.ok(same, 'no write, same mark');
      assert.deepEqual(await sent(), JSON.parse(JSON.stringify(await s.nodes.list(page))));
      assert.deepEqual(
        (await sent()).map((n) => n.hostname),
        ['kept-page-1'],
      );

      // A write by this server: a claim.
      const second = randomUUID();
      await s.claims.claimNode(
        second,
        { node: { id: second, hostname: 'kept-page-2' }, token, rooms: [], publicKey: publicKey() },
        null,
      );
      assert.notEqual(await database.changeMark(), mark);
      assert.deepEqual(
        (await sent()).map((n) => n.hostname),
        ['kept-page-1', 'kept-page-2'],
      );

      // A write by another process or replica on the same database, which this server's own count never sees.
      const other = another();
      try {
        await other.db
          .updateTable('nodes')
          .set({ hostname: 'kept-page-0' })
          .where('id', '=', second)
          .execute();
      } finally {
        await other.close();
      }
      assert.deepEqual(
        (await sent()).map((n) => n.hostname),
        ['kept-page-0', 'kept-page-1'],
      );

      // No write at all, but the time moved on: a pending node waiting past the timeout is shown as stuck.
      assert.equal((await sent())[0]!.pending_stuck, false);
      clock.advance(24 * 3600_000);
      assert.equal((await sent())[0]!.pending_stuck, true);
    });

    test("open alerts by a key's prefix: its `_` and `%` are themselves, not wildcards", async () => {
      const alert = (key: string, state: 'firing' | 'resolved' = 'firing') =>
        s.store.repos.alerts.insert({
          id: randomUUID(),
          rule_id: 'r',
          kind: key.split('|')[0]!,
          severity: 'critical',
          key,
          node_id: null,
          space_id: null,
          subject: null,
          summary: key,
          state,
          since: 0,
          fire_at: 0,
          fired_at: 0,
          resolve_at: null,
          resolved_at: null,
          acknowledged_by: null,
          acknowledged_at: null,
          ack_comment: null,
          count: 1,
          notified: null,
          notified_at: null,
          repeat_at: null,
          updated_at: 0,
        });
      await alert('replica_lost||r1');
      await alert('replica_lost||r2', 'resolved');
      await alert('replicaXlost||r3');
      await alert('replica_lost|%|r4');
      const keys = async (prefix: string) =>
        (await s.store.repos.alerts.openWithPrefix(prefix)).map((a) => a.key).sort();
      assert.deepEqual(await keys('replica_lost||'), ['replica_lost||r1']);
      assert.deepEqual(await keys('replica_lost|%|'), ['replica_lost|%|r4']);
    });

    test("a lost replica's nodes go offline a slice at a time; a live replica's stay online", async () => {
      const db = database.db;
      const now = clock.now();
      const replica = (id: string, leaseUntil: number) => ({
        id,
        name: id,
        started_at: now - 60_000,
        renewed_at: leaseUntil - 10_000,
        lease_until: leaseUntil,
        links: 0,
        leader: 0,
        work_at: null,
      });
      await db
        .insertInto('replicas')
        .values([replica('sliced-lost', now - 1), replica('sliced-live', now + 10_000)])
        .execute();
      const ids: string[] = Array.from({ length: 7 }, () => randomUUID());
      const key = publicKey();
      for (const id of ids) await claim(id, key);
      const [atLive, atLost] = [ids.slice(0, 2), ids.slice(2)];
      for (const [nodes, at] of [
        [atLive, 'sliced-live'],
        [atLost, 'sliced-lost'],
      ] as const)
        await db
          .updateTable('nodes')
          .set({ status: 'online', since: now - 60_000, link_replica: at })
          .where('id', 'in', nodes)
          .execute();
      // Five nodes in slices of two: three statements, every node of the lost replica taken.
      const released = await createClusterRepo(db).releaseLostLinks(now, 'server replica lost', false, 2);
      assert.deepEqual(released.replicas, ['sliced-lost']);
      assert.deepEqual([...released.nodes].sort(), [...atLost].sort());
      const rows = await db
        .selectFrom('nodes')
        .select(['id', 'status', 'link_replica', 'reason'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows)
        assert.deepEqual(
          r,
          atLive.includes(r.id)
            ? { id: r.id, status: 'online', link_replica: 'sliced-live', reason: r.reason }
            : { id: r.id, status: 'offline', link_replica: null, reason: 'server replica lost' },
        );
      const left = await db.selectFrom('replicas').select('id').where('id', 'like', 'sliced-%').execute();
      assert.deepEqual(left, [{ id: 'sliced-live' }]);
      await db.deleteFrom('replicas').where('id', '=', 'sliced-live').execute();
    });

    test('the space token is stored hashed and encrypted, never in clear', async () => {
      const rows = await database.db.selectFrom('tokens').selectAll().execute();
      for (const r of rows) {
        assert.doesNotMatch(JSON.stringify(r), new RegExp(token));
      }
    });
  });
}

describe('prepared statements on postgres', { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' }, () => {
  test('a table that gains a column (another replica upgrading the schema) does not break a prepared query', async () => {
    const opened = await backends.find((b) => b.name === 'postgres')!.open();
    const { database } = opened;
    try {
      const db = database.db;
      await sql`create table widgets (id integer primary key, name text)`.execute(db);
      await sql`insert into widgets values (1, 'a')`.execute(db);
      // Queries one after another get the same connection back from the pool: prepared and planned once there.
      const read = () => sql`select * from widgets where id = ${1}`.execute(db).then((r) => r.rows);
      assert.deepEqual(await read(), [{ id: 1, name: 'a' }]);
      assert.deepEqual(await read(), [{ id: 1, name: 'a' }]);
      await sql`alter table widgets add column size integer`.execute(db);
      assert.deepEqual(await read(), [{ id: 1, name: 'a', size: null }]);
      assert.deepEqual(await read(), [{ id: 1, name: 'a', size: null }]);
      await database.close();
    } finally {
      await opened.cleanup();
    }
  });
});

/**
 * A server's services over a PostgreSQL schema of their own, with an admin, the default space and its claim token,
 * and `other`, a second connection to the schema (another replica or an administrator holding rows); all of it
 * closed afterwards, on failure too (an open pool would keep the test process alive after a failed assertion).
 */
async function onOwnSchema(
  run: (c: {
    database: OpenDatabase;
    services: Services;
    clock: ReturnType<typeof manualClock>;
    spaceId: string;
    token: string;
    other: pg.Client;
  }) => Promise<void>,
) {
  const opened = await backends.find((b) => b.name === 'postgres')!.open();
  const { database } = opened;
  const other = new pg.Client({
    connectionString: pgUrl,
    options: `-c search_path=${database.schema}`,
  });
  try {
    await migrateToLatest(database);
    const clock = manualClock();
    const { services } = await buildInProcess(database, clock);
    const admin = await services.auth.createUser(SYSTEM, {
      username: 'admin',
      password: 'admin-password-1',
      role: 'admin',
    });
    const spaceId = (await services.spaces.ensureDefaultSpace(admin.id)).space.id;
    const token = (await services.tokens.getSpaceToken(spaceId)).token;
    await other.connect();
    await run({ database, services, clock, spaceId, token, other });
  } finally {
    await other.end().catch(() => undefined);
    await database.close();
    await opened.cleanup();
  }
}

describe("a new leader's sweep on postgres", { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' }, () => {
  test('a node whose link comes up at a live replica while the sweep runs stays online (a cold start of the cluster)', () =>
    onOwnSchema(async ({ database, services, clock, token, other }) => {
      // `id` is linking again, at a live replica; `stillAway`'s agent has not come back yet.
      const [id, stillAway] = [randomUUID(), randomUUID()];
      for (const node of [id, stillAway])
        await services.claims.claimNode(
          node,
          {
            node: { id: node, hostname: 'host-1' },
            token,
            rooms: [],
            publicKey: publicKey(),
            mGUID: randomUUID(),
          },
          '127.0.0.1',
        );
      const now = clock.now();
      const db = database.db;
      // Every replica was killed and started again: the nodes still show online at a replica that is gone (no
      // row), and a new one, live, is recording the first node's new link.
      await db
        .updateTable('nodes')
        .set({ status: 'online', since: now - 60_000, link_replica: 'replica-gone' })
        .execute();
      await db
        .insertInto('replicas')
        .values({
          id: 'replica-live',
          name: 'r2',
          started_at: now,
          renewed_at: now,
          lease_until: now + 10_000,
          links: 1,
          leader: 0,
          work_at: null,
        })
        .execute();
      const holder = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await other.query('begin');
      await other.query('update nodes set status = $1, since = $2, link_replica = $3 where id = $4', [
        'online',
        now,
        'replica-live',
        id,
      ]);
      // The new leader's first sweep, for every node no live replica answers for; it waits on the node's row.
      const sweep = createClusterRepo(db).releaseLostLinks(now, 'server replica lost', true);
      for (let waited = 0; ; waited += 20) {
        const { rows } = await other.query<{ n: number }>(
          'select count(*)::int as n from pg_locks where not granted and $1 = any(pg_blocking_pids(pid))',
          [holder],
        );
        if (rows[0]!.n > 0) break;
        assert.ok(waited < 10_000, 'the sweep never waited on the node being linked');
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('commit');
      const released = await sweep;
      assert.deepEqual(released.nodes, [stillAway]);
      const presence = async (node: string) =>
        db
          .selectFrom('nodes')
          .select(['status', 'link_replica'])
          .where('id', '=', node)
          .executeTakeFirstOrThrow();
      assert.deepEqual(await presence(id), { status: 'online', link_replica: 'replica-live' });
      assert.deepEqual(await presence(stillAway), { status: 'offline', link_replica: null });
    }));
});

describe(
  'claims on a token with no limit, on postgres',
  { skip: pgUrl ? false : 'needs MUSTER_TEST_PG_URL' },
  () => {
    test("commit without waiting on the token's row; their uses are counted once it is free", () =>
      onOwnSchema(async ({ services, spaceId, token, other }) => {
        const { uses } = await services.tokens.getSpaceToken(spaceId);
        // Another transaction holds the token's row (an administrator changing its limits, or a claim counting).
        await other.query('begin');
        const held = await other.query(
          "select id from tokens where space_id = $1 and kind = 'space_claim' and revoked_at is null for update",
          [spaceId],
        );
        assert.equal(held.rowCount, 1);
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        const claims = Promise.all(
          ids.map((id) =>
            services.claims.claimNode(
              id,
              {
                node: { id, hostname: 'host-1' },
                token,
                rooms: [],
                publicKey: publicKey(),
                mGUID: randomUUID(),
              },
              '127.0.0.1',
            ),
          ),
        );
        // The claims' nodes are committed while the row is held: a rollout's claims do not take turns at it.
        for (let waited = 0; ; waited += 20) {
          const { rows } = await other.query<{ n: number }>(
            'select count(*)::int as n from nodes where id = any($1::text[])',
            [ids],
          );
          if (rows[0]!.n === ids.length) break;
          assert.ok(waited < 10_000, "the claims waited on the token's row");
          await new Promise((r) => setTimeout(r, 20));
        }
        await other.query('commit');
        assert.deepEqual(
          (await claims).map((c) => c.kind),
          ['claimed', 'claimed', 'claimed'],
        );
        assert.equal((await services.tokens.getSpaceToken(spaceId)).uses, uses + ids.length);
      }));
  },
);
