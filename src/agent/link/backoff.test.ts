import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBackoff } from './backoff.ts';

test('backoff grows exponentially up to the cap and stays within [min, cap]', () => {
  const top = createBackoff({ base: 2, minSeconds: 1, maxSeconds: 60 }, () => 1);
  assert.deepEqual(
    Array.from({ length: 8 }, () => top.next()),
    [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000],
  );
  const bottom = createBackoff({ base: 2, minSeconds: 1, maxSeconds: 60 }, () => 0);
  assert.deepEqual(
    Array.from({ length: 4 }, () => bottom.next()),
    [1000, 1000, 1000, 1000],
  );
});

test('backoff resets after a stable link', () => {
  const b = createBackoff({ base: 2, minSeconds: 1, maxSeconds: 60 }, () => 1);
  b.next();
  b.next();
  b.next();
  b.reset();
  assert.equal(b.next(), 1000);
});
