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
