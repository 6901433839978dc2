import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelRow } from '../../../test/unit-server.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { createNotificationsRepo } from './notifications-repo.ts';

test('a claimed delivery is taken by nobody else until its claim runs out, or until its claims are released', async () => {
  const database = openDatabase(':memory:');
  await migrateToLatest(database);
  try {
    const repo = createNotificationsRepo(database.db);
    const t0 = 1_000_000;
    await repo.insertChannel(channelRow('hook', t0));
    await repo.enqueue([
      {
        id: 'n1',
        channel_id: 'hook',
        alert_id: null,
        state: 'firing',
        alert: '{}',
        status: 'pending',
        batch_id: null,
        attempts: 0,
        next_attempt_at: t0,
        claimed_until: null,
        last_error: null,
        created_at: t0,
        sent_at: null,
      },
    ]);
    const HOLD = 60_000;
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    assert.deepEqual(ids(await repo.claimDue(t0, HOLD, 10)), ['n1'], 'a replica takes it');
    // Another replica (or the same after a crash) looks while the claim holds: nothing.
    assert.deepEqual(ids(await repo.claimDue(t0 + 1000, HOLD, 10)), []);
    assert.deepEqual(ids(await repo.claimDue(t0 + HOLD - 1, HOLD, 10)), []);
    // The holder died: the claim runs out and the next look takes it.
    assert.deepEqual(ids(await repo.claimDue(t0 + HOLD + 1, HOLD, 10)), ['n1']);
    // A server alone starting again releases its claims: taken at once.
    await repo.releaseClaims();
    assert.deepEqual(ids(await repo.claimDue(t0 + HOLD + 2, HOLD, 10)), ['n1']);
  } finally {
    await database.close();
  }
});
