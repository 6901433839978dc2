import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pino from 'pino';
import { createWireSeal, WIRE_WINDOW_MS } from './cluster-wire.ts';

const key = randomBytes(32);
const quiet = pino({ level: 'silent' });

function replica(id: string, clock = { now: () => 1_000_000 }, k = key) {
  return createWireSeal({ key: k, replicaId: id, clock, log: quiet });
}

test('a sealed payload opens once, at the subject it was sealed for, and carries its sender', () => {
  const a = replica('a');
  const b = replica('b');
  const { data } = a.seal('muster.c.link.n1', { op: 'send', secret: 'hunter2-password' });
  assert.ok(!Buffer.from(data).toString('latin1').includes('hunter2'), 'the body is not readable');
  assert.ok(!Buffer.from(data).toString('latin1').includes('send'), 'nor the operation');
  const env = b.open('muster.c.link.n1', data, 'muster.c.link.n1');
  assert.deepEqual(env?.b, { op: 'send', secret: 'hunter2-password' });
  assert.equal(env?.r, 'a');
  assert.equal(b.open('muster.c.link.n1', data, 'muster.c.link.n1'), null, 'the same payload again');
  assert.equal(b.dropped().replayed, 1);
  const moved = a.seal('muster.c.link.n1', { op: 'disconnect' }).data;
  assert.equal(b.open('muster.c.link.n2', moved, 'muster.c.link.n2'), null, 'moved to another subject');
  assert.equal(b.dropped().forged, 1);
});

test("a replica's own message coming back over NATS is not acted on, and not counted as an attack", () => {
  const a = replica('a');
  assert.equal(a.open('s', a.seal('s', 1).data, 's'), null);
  assert.deepEqual(Object.values(a.dropped()), [0, 0, 0, 0, 0]);
});

test('plain JSON, a payload under another key, a flipped bit and junk are dropped by reason', () => {
  const b = replica('b');
  const plain = Buffer.from(JSON.stringify({ op: 'disconnect', reason: 'x', permanent: true }));
  assert.equal(b.open('s', plain, 's'), null);
  const other = replica('evil', undefined, randomBytes(32)).seal('s', { op: 'send' }).data;
  assert.equal(b.open('s', other, 's'), null);
  const good = Buffer.from(replica('a').seal('s', { op: 'send' }).data);
  good[good.length - 1] = good.at(-1)! ^ 1;
  assert.equal(b.open('s', good, 's'), null);
  assert.equal(b.open('s', new Uint8Array([1, 2, 3]), 's'), null);
  assert.deepEqual(b.dropped(), { unsealed: 2, forged: 2, stale: 0, replayed: 0, malformed: 0 });
});

test('a payload older or further ahead than the window is stale; old nonces are forgotten, not replayable', () => {
  let now = 5_000_000;
  const clock = { now: () => now };
  const a = replica('a', clock);
  const b = replica('b', clock);
  const old = a.seal('s', 1).data;
  now += WIRE_WINDOW_MS + 1;
  assert.equal(b.open('s', old, 's'), null);
  assert.equal(b.dropped().stale, 1);
  const fresh = a.seal('s', 2).data;
  assert.equal(b.open('s', fresh, 's')?.b, 2);
  // Many windows later the nonce's bucket is gone, and the payload is refused as stale instead.
  for (let i = 0; i < 5; i++) {
    now += WIRE_WINDOW_MS;
    assert.equal(b.open('s', a.seal('s', i).data, 's')?.b, i);
  }
  assert.equal(b.open('s', fresh, 's'), null);
  assert.equal(b.dropped().stale, 2);
});
