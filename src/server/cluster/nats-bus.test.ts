import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import type { MusterEvent } from '../../protocol/api/events.ts';
import { createClusterWire } from './cluster-wire.ts';
import { createNatsBus } from './nats-bus.ts';
import { natsOptions } from './nats-connect.ts';

const natsUrl = process.env.MUSTER_TEST_NATS_URL;
const skip = natsUrl ? false : 'needs MUSTER_TEST_NATS_URL (.ci/run sets it)';
const key = randomBytes(32);
const prefix = `muster-test-${randomUUID().slice(0, 8)}`;
const connections: NatsConnection[] = [];

/** A replica's bus over a NATS connection of its own, made as the server makes it. */
async function replica(name: string) {
  const nc = await connect(natsOptions({ nats: natsUrl }, name));
  connections.push(nc);
  const wire = createClusterWire({
    nc,
    key,
    replicaId: name,
    clock: { now: () => Date.now() },
    log: pino({ level: 'silent' }),
  });
  return { nc, bus: createNatsBus(wire, prefix) };
}

const presence = (id: string): MusterEvent => ({
  type: 'node.presence',
  node_id: id,
  status: 'online',
  since: Date.now(),
  reason: 'test',
});

let a: Awaited<ReturnType<typeof replica>>;
let b: Awaited<ReturnType<typeof replica>>;
before(async () => {
  if (skip) return;
  a = await replica('a');
  b = await replica('b');
});
after(async () => {
  for (const nc of connections) await nc.close();
});

test(
  "a replica hears the others' events only while something listens, and never its own back",
  { skip },
  async () => {
    const roundTrip = async () => {
      await a.nc.flush();
      await b.nc.flush();
    };
    // Nobody listens at b: what a publishes does not reach b's connection at all.
    for (let i = 0; i < 20; i++) a.bus.publish(presence(`quiet-${i}`));
    await roundTrip();
    assert.equal(b.nc.stats().inMsgs, 0);

    // Once b's subscriber is heard across the cluster, nothing a publishes after that is missed.
    const atB: MusterEvent[] = [];
    const stop = b.bus.subscribe((e) => atB.push(e));
    await b.bus.heard();
    a.bus.publish(presence('n1'));
    await roundTrip();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      atB.map((e) => (e as { node_id: string }).node_id),
      ['n1'],
    );

    // a listens too: its own events it hears once, at once, and NATS does not echo them back to it.
    const atA: MusterEvent[] = [];
    const stopA = a.bus.subscribe((e) => atA.push(e));
    await a.bus.heard();
    const before = a.nc.stats().inMsgs;
    a.bus.publish(presence('n2'));
    await roundTrip();
    assert.deepEqual(
      atA.map((e) => (e as { node_id: string }).node_id),
      ['n2'],
    );
    assert.equal(a.nc.stats().inMsgs, before, 'nothing came back to the publisher');

    // The last subscriber gone, b stops hearing the subject.
    stop();
    await roundTrip();
    const heardBefore = b.nc.stats().inMsgs;
    for (let i = 0; i < 20; i++) a.bus.publish(presence(`later-${i}`));
    await roundTrip();
    assert.equal(b.nc.stats().inMsgs, heardBefore);
    stopA();
  },
);
