import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { scratchDatabase } from '../../../test/cluster-helpers.ts';
import { migrateToLatest, openDatabase, type OpenDatabase } from './database.ts';
import { prepared } from './prepared.ts';

const byName = prepared((db, p: { name: string; limit: number }) =>
  db
    .selectFrom('spaces')
    .select(['id', 'name'])
    .where('name', '=', p.name)
    .where('id', '!=', 'not-this-one')
    .orderBy('id')
    .limit(p.limit),
);
const rename = prepared((db, p: { id: string; name: string }) =>
  db.updateTable('spaces').set({ name: p.name }).where('id', '=', p.id).returning('name'),
);

const dialects: { name: string; open(): Promise<{ database: OpenDatabase; cleanup(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => ({ database: openDatabase(':memory:'), cleanup: async () => undefined }),
  },
];
const pgUrl = process.env.MUSTER_TEST_PG_URL;
if (pgUrl)
  dialects.push({
    name: 'postgres',
    async open() {
      const scratch = await scratchDatabase(pgUrl);
      return { database: openDatabase(scratch.url), cleanup: () => scratch.drop() };
    },
  });

for (const dialect of dialects)
  describe(`prepared statements on ${dialect.name}`, () => {
    let database: OpenDatabase;
    let cleanup = async () => undefined as void;
    before(async () => {
      const opened = await dialect.open();
      database = opened.database;
      cleanup = () => opened.cleanup();
      await migrateToLatest(database);
      const at = Date.now();
      for (const [id, name] of [
        ['s1', 'alpha'],
        ['s2', 'beta'],
        ['s3', 'alpha'],
      ])
        await database.db
          .insertInto('spaces')
          .values({ id, name, slug: id, created_at: at } as never)
          .execute();
    });
    after(async () => {
      await database.close();
      await cleanup();
    });

    test('run with new values each time, the statement text stays the one compiled first', async () => {
      const { db } = database;
      assert.deepEqual(await byName.rows(db, { name: 'alpha', limit: 10 }), [
        { id: 's1', name: 'alpha' },
        { id: 's3', name: 'alpha' },
      ]);
      assert.deepEqual(await byName.rows(db, { name: 'alpha', limit: 1 }), [{ id: 's1', name: 'alpha' }]);
      assert.deepEqual(await byName.first(db, { name: 'beta', limit: 5 }), { id: 's2', name: 'beta' });
      assert.equal(await byName.first(db, { name: 'gamma', limit: 5 }), undefined);
      // A value that looks like SQL is a value.
      assert.deepEqual(await byName.rows(db, { name: "alpha' or '1'='1", limit: 5 }), []);
    });

    test('inside a transaction, and writes report what they changed', async () => {
      const { db } = database;
      const renamed = await db
        .transaction()
        .execute(async (trx) => rename.rows(trx, { id: 's2', name: 'bravo' }));
      assert.deepEqual(renamed, [{ name: 'bravo' }]);
      assert.deepEqual(await byName.rows(db, { name: 'bravo', limit: 5 }), [{ id: 's2', name: 'bravo' }]);
      assert.deepEqual(await rename.rows(db, { id: 'nobody', name: 'x' }), []);
      const deleted = prepared((d, p: { id: string }) => d.deleteFrom('spaces').where('id', '=', p.id));
      assert.equal((await deleted.run(db, { id: 's3' })).numAffectedRows, 1n);
      assert.equal((await deleted.run(db, { id: 's3' })).numAffectedRows, 0n);
    });

    test('a value the statement changes, writes into its text, or spreads is refused at the first run', async () => {
      const { db } = database;
      const changed = prepared((d, p: { name: string }) =>
        d.selectFrom('spaces').select('id').where('name', 'like', `${p.name}%`),
      );
      await assert.rejects(changed.rows(db, { name: 'a' }), /changes a value before binding it/);
      const inlined = prepared((d, p: { name: string }) =>
        d.selectFrom('spaces').select('id').where('name', '=', sql.lit(p.name)),
      );
      await assert.rejects(inlined.rows(db, { name: 'a' }), /does not bind name/);
      const spread = prepared((d, p: { id: string; name: string; slug: string }) =>
        d.insertInto('spaces').values({ ...p, created_at: 1 } as never),
      );
      await assert.rejects(spread.run(db, { id: 'x', name: 'x', slug: 'x' }), /spreading its values/);
    });
  });
