import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { createStore } from './store.ts';
import { createWriteBatch } from './write-batch.ts';

test('writes arriving together share a transaction; a failing one is refused alone and the others commit', async () => {
  const database = openDatabase(':memory:');
  await migrateToLatest(database);
  try {
    const store = createStore(database.db, { now: () => 0 });
    let transactions = 0;
    const counted = {
      ...store,
      transaction: <T>(fn: Parameters<typeof store.transaction<T>>[0]) => {
        transactions++;
        return store.transaction(fn);
      },
    };
    const batch = createWriteBatch(counted);
    const space = (id: string) =>
      batch.write((r) => r.spaces.insertSpace({ id, name: id, slug: id, created_at: 0 }));
    const results = await Promise.allSettled([space('a'), space('b'), space('a'), space('c')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      'the duplicate is refused, nothing else',
    );
    const spaces = await store.repos.spaces.listSpaces();
    assert.deepEqual(spaces.map((s) => s.id).sort(), ['a', 'b', 'c']);
    assert.equal(transactions, 5, 'one batch that failed, then each write alone');

    transactions = 0;
    await Promise.all(['d', 'e', 'f', 'g'].map(space));
    assert.equal(transactions, 1, 'four writes, one transaction');
    await space('h');
    assert.equal(transactions, 2, 'a lone write is committed at once, in its own transaction');
  } finally {
    await database.close();
  }
});

test('while the database is unreachable a batch is tried again, whole, until it commits: nothing is lost', async () => {
  const database = openDatabase(':memory:');
  await migrateToLatest(database);
  try {
    const store = createStore(database.db, { now: () => 0 });
    let outage = 3;
    const waits: number[] = [];
    const flaky = {
      ...store,
      transaction: <T>(fn: Parameters<typeof store.transaction<T>>[0]) => {
        if (outage-- > 0)
          return Promise.reject(
            Object.assign(new Error('terminating connection due to administrator command'), {
              code: '57P01',
            }),
          );
        return store.transaction(fn);
      },
    };
    const why: string[] = [];
    const batch = createWriteBatch(flaky, {
      sleep: async (ms) => void waits.push(ms),
      onUnreachable: (w) => why.push(w),
    });
    const space = (id: string) =>
      batch.write((r) => r.spaces.insertSpace({ id, name: id, slug: id, created_at: 0 }));
    await Promise.all([space('a'), space('b')]);
    assert.deepEqual((await store.repos.spaces.listSpaces()).map((s) => s.id).sort(), ['a', 'b']);
    assert.deepEqual(waits, [250, 500, 1000], 'a growing wait between tries');
    assert.match(why[0]!, /57P01/);
  } finally {
    await database.close();
  }
});
