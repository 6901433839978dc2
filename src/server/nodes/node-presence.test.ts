import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { memoryServer, type MemoryServer } from '../../../test/unit-server.ts';
import { SIM_FACTS } from '../../../test/sim-facts.ts';
import { createNodeEvents } from '../events/node-events.ts';
import { createNodePresence } from './node-presence.ts';

const facts = SIM_FACTS;

describe('node presence', () => {
  let m: MemoryServer;
  let presence: ReturnType<typeof createNodePresence>;
  before(async () => {
    m = await memoryServer();
    presence = createNodePresence({ store: m.store, clock: m.clock, bus: m.bus });
  });
  after(() => m.close());
  const session = (nodeId: string) => ({
    id: randomUUID(),
    node_id: nodeId,
    opened_at: m.clock.now(),
    remote_addr: '10.0.0.1',
    agent_version: '1.2.3',
  });

  test('a link up makes the node online with its facts and a session record; published once committed', async () => {
    const id = await m.claimed();
    await presence.markOnline(id, facts, '1.2.3', 'link established', session(id));
    const n = await m.store.repos.nodes.findNode(id);
    assert.equal(n?.status, 'online');
    assert.equal(n?.kernel, SIM_FACTS.kernel);
    assert.equal(n?.agent_version, '1.2.3');
    assert.ok(m.events.some((e) => e.type === 'node.presence' && e.node_id === id && e.status === 'online'));
  });

  test("the current session's end takes the node offline; a replaced session's end only records the session", async () => {
    const id = await m.claimed();
    const first = session(id);
    await presence.markOnline(id, facts, '1', 'up', first);
    const second = session(id);
    await presence.markOnline(id, facts, '1', 'up again', second);
    await presence.linkClosed(first.id, 'replaced', null);
    assert.equal((await m.store.repos.nodes.findNode(id))?.status, 'online');
    m.time.advance(1000);
    await presence.linkClosed(second.id, 'connection lost', id);
    const n = await m.store.repos.nodes.findNode(id);
    assert.equal(n?.status, 'offline');
    assert.equal(n?.reason, 'connection lost');
  });

  test('in a cluster, a link up one replica writes late does not undo a newer link at another, nor does its close', async () => {
    const id = await m.claimed();
    const t = m.clock.now();
    const at = (now: number) => ({ now: () => now });
    const r1 = createNodePresence({ store: m.store, clock: at(t), bus: m.bus, replicaId: 'r1' });
    const r2 = createNodePresence({ store: m.store, clock: at(t + 500), bus: m.bus, replicaId: 'r2' });
    // The agent said hello at r1, gave up waiting for its welcome and linked at r2, whose write landed first.
    const atR1 = session(id);
    await r2.markOnline(id, facts, '1', 'up at r2', session(id));
    await r1.markOnline(id, facts, '1', 'up at r1', atR1);
    let n = await m.store.repos.nodes.findNode(id);
    assert.equal(n?.status, 'online');
    assert.equal(n?.link_replica, 'r2');
    assert.equal(n?.reason, 'up at r2');
    await r1.linkClosed(atR1.id, 'connection lost', id);
    n = await m.store.repos.nodes.findNode(id);
    assert.equal(n?.status, 'online', 'still online through its link at r2');
    assert.equal(n?.link_replica, 'r2');
    // A later link at r1 takes it over as before.
    const r1Later = createNodePresence({ store: m.store, clock: at(t + 900), bus: m.bus, replicaId: 'r1' });
    await r1Later.markOnline(id, facts, '1', 'up at r1 again', session(id));
    assert.equal((await m.store.repos.nodes.findNode(id))?.link_replica, 'r1');
  });

  test('a change of presence is one row on the events timeline, written with it; a refused one writes none', async () => {
    // The timeline hears the bus as the server's does (alerting.ts); rows of a node's links are written already.
    const timeline = createNodeEvents({ store: m.store, clock: m.clock, log: pino({ level: 'silent' }) });
    let committed: string[] | null = null;
    const rows = async (id: string) =>
      (await m.store.repos.nodeEvents.list({ limit: 10, node_id: id })).map((e) => e.summary).reverse();
    const id = await m.claimed();
    const stop = m.bus.subscribe((e) => {
      void timeline.record(e);
      // What the timeline held when the change was published.
      if (e.type === 'node.presence' && e.node_id === id && committed === null)
        void rows(id).then((r) => (committed = r));
    });
    try {
      const r2 = createNodePresence({ store: m.store, clock: m.clock, bus: m.bus, replicaId: 'r2' });
      await r2.markOnline(id, facts, '1', 'link established', session(id));
      const late = createNodePresence({
        store: m.store,
        clock: { now: () => m.clock.now() - 1000 },
        bus: m.bus,
        replicaId: 'r1',
      });
      await late.markOnline(id, facts, '1', 'late link up', session(id));
      m.time.advance(1000);
      await r2.markOffline(id, 'connection lost');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(committed, ['online: link established']);
      assert.deepEqual(await rows(id), ['online: link established', 'offline: connection lost']);
    } finally {
      stop();
    }
  });

  test('a removed node never comes back through presence', async () => {
    const id = await m.claimed();
    await m.store.repos.nodes.update(id, { status: 'removed' });
    await presence.markOnline(id, facts, '1', 'late link', session(id));
    assert.equal((await m.store.repos.nodes.findNode(id))?.status, 'removed');
  });

  test('duplicate flags are published; last-seen times are written for many nodes at once', async () => {
    const [a, b] = [await m.claimed(), await m.claimed()];
    await presence.setDuplicateSuspected(a, true, 'two machines');
    assert.ok(m.events.some((e) => e.type === 'node.duplicate' && e.node_id === a && e.duplicate_suspected));
    m.time.advance(5000);
    await presence.seen([a, b]);
    assert.equal((await m.store.repos.nodes.findNode(b))?.last_seen_at, m.clock.now());
  });
});
