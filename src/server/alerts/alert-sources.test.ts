import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { memoryServer, type MemoryServer } from '../../../test/unit-server.ts';
import { createAlertEngine } from './alert-engine.ts';
import { createAlertRules } from './alert-rules.ts';
import { createAlertSources } from './alert-sources.ts';
import { createSilences } from './silences.ts';

/** Conditions found by the periodic look rather than by an event: nodes that never connected. */
describe('alert sources', () => {
  let s: MemoryServer;
  let engine: ReturnType<typeof createAlertEngine>;
  let sources: ReturnType<typeof createAlertSources>;
  before(async () => {
    s = await memoryServer();
    const rules = createAlertRules({ store: s.store, clock: s.clock });
    await rules.ensureDefaults();
    const silences = createSilences({ store: s.store, clock: s.clock });
    engine = createAlertEngine({
      store: s.store,
      clock: s.clock,
      rules,
      silences,
      outbox: { queue: async () => false, muted: () => undefined },
    });
    sources = createAlertSources({
      store: s.store,
      clock: s.clock,
      engine,
      rules,
      log: pino({ level: 'silent' }),
    });
  });
  after(() => s.close());

  test('a node claimed an hour ago that never connected alerts; one that connected does not', async () => {
    const stuck = await s.claimed('never-came');
    const came = await s.claimed('came');
    await s.store.repos.nodes.update(came, { status: 'online' });
    s.time.advance(59 * 60_000);
    await sources.periodic();
    assert.equal(
      (await engine.list({ limit: 10, kind: 'node_pending' })).alerts.length,
      0,
      'not before its hour',
    );
    s.time.advance(60_000);
    await sources.periodic();
    const { alerts } = await engine.list({ limit: 10, kind: 'node_pending' });
    assert.deepEqual(
      alerts.map((a) => [a.node_id, a.state]),
      [[stuck, 'firing']],
    );
    assert.match(alerts[0]!.summary, /never-came was claimed .* and its agent never connected/);
    await sources.periodic();
    assert.equal((await engine.list({ limit: 10, kind: 'node_pending' })).alerts.length, 1, 'still one');
  });
});
