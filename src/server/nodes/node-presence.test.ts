import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { memoryServer, type MemoryServer } from '../../../test/unit-server.ts';
import { SIM_FACTS } from '../../../test/sim-facts.ts';
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
