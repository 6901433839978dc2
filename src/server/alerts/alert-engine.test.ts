import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AlertView } from '../../protocol/api/alerts.ts';
import { channelRow, memoryServer, type MemoryServer } from '../../../test/unit-server.ts';
import { SYSTEM } from '../actor.ts';
import type { Repos } from '../repos/store.ts';
import { createAlertEngine, FLAP_HOLD_MS, type AlertOutbox } from './alert-engine.ts';
import { createAlertRules } from './alert-rules.ts';
import { createSilences } from './silences.ts';

/** The engine over SQLite in memory with a clock moved by hand; what it queues is recorded. */
describe('alert engine', () => {
  let s: MemoryServer;
  let engine: ReturnType<typeof createAlertEngine>;
  let silences: ReturnType<typeof createSilences>;
  const queued: { state: string; alert: AlertView }[] = [];
  const outbox: AlertOutbox = {
    queue: async (_r: Repos, channels, state, alert) => {
      queued.push({ state, alert });
      return channels.length > 0;
    },
    muted: () => undefined,
  };
  const open = async (node: string) =>
    (await engine.list({ limit: 10, node_id: node })).alerts.filter((a) => a.state !== 'resolved');

  before(async () => {
    s = await memoryServer();
    const rules = createAlertRules({ store: s.store, clock: s.clock });
    silences = createSilences({ store: s.store, clock: s.clock });
    await s.store.repos.notifications.insertChannel(channelRow('hook'));
    await rules.create(SYSTEM, {
      name: 'offline',
      kind: 'node_offline',
      severity: 'critical',
      for_seconds: 60,
      channel_ids: ['hook'],
      enabled: true,
    });
    engine = createAlertEngine({ store: s.store, clock: s.clock, rules, silences, outbox });
  });
  after(() => s.close());

  const offline = (node: string) => engine.raise({ kind: 'node_offline', nodeId: node, summary: 'offline' });
  const back = (node: string) => engine.clear('node_offline', node);

  test('a condition that clears within its for raises nothing, sends nothing, leaves nothing', async () => {
    const node = await s.claimed();
    queued.length = 0;
    await offline(node);
    s.time.advance(30_000);
    await engine.sweep();
    await back(node);
    s.time.advance(60_000);
    await engine.sweep();
    assert.deepEqual(await open(node), []);
    assert.equal(queued.length, 0);
  });

  test('one condition is one alert: raised twice, fired once after for, resolved once', async () => {
    const node = await s.claimed();
    queued.length = 0;
    await offline(node);
    await offline(node);
    s.time.advance(59_000);
    await engine.sweep();
    assert.equal(queued.length, 0, 'not before for');
    s.time.advance(1_000);
    await engine.sweep();
    assert.deepEqual(
      queued.map((q) => q.state),
      ['firing'],
    );
    assert.equal((await open(node)).length, 1);
    await back(node);
    assert.deepEqual(
      queued.map((q) => q.state),
      ['firing', 'resolved'],
    );
  });

  test('flapping twenty times in ten minutes is one alert with a count and a few notifications', async () => {
    const node = await s.claimed();
    await offline(node);
    s.time.advance(60_000);
    await engine.sweep();
    queued.length = 0;
    for (let i = 0; i < 20; i++) {
      await back(node);
      s.time.advance(10_000);
      await offline(node);
      s.time.advance(61_000);
      await engine.sweep();
    }
    const alerts = (await engine.list({ limit: 10, node_id: node })).alerts;
    assert.equal(alerts.length, 1, 'one alert');
    assert.equal(alerts[0]!.count, 21);
    assert.ok(queued.length <= 3, `${queued.length} notifications`);
    await back(node);
    s.time.advance(FLAP_HOLD_MS);
    await engine.sweep();
    assert.equal((await engine.list({ limit: 10, node_id: node })).alerts[0]!.state, 'resolved');
    assert.equal(queued.at(-1)!.state, 'resolved');
  });

  test('a silence mutes the notification, not the alert', async () => {
    const node = await s.claimed();
    await silences.create(SYSTEM, {
      node_id: node,
      ends_at: s.clock.now() + 3600_000,
      comment: 'maintenance',
    });
    queued.length = 0;
    await offline(node);
    s.time.advance(60_000);
    await engine.sweep();
    const [alert] = await open(node);
    assert.equal(alert!.silenced, true);
    assert.equal(queued.length, 0);
  });
});
