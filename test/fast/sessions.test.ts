import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../src/server/actor.ts';
import { fastApp, type FastApp } from './fast-app.ts';

/** Session lifetime and idle timeout, on a clock the test moves. */
describe('sessions end when idle too long, or when they reach their lifetime', () => {
  let t = Date.now();
  let f: FastApp;
  const minutes = (n: number) => (t += n * 60_000);
  before(async () => {
    f = await fastApp({ clock: { now: () => t } });
    await f.services.auth.createUser(SYSTEM, {
      username: 'sam',
      password: 'sam-password-12',
      role: 'viewer',
    });
    const admin = await f.as('admin');
    const set = await f.inject('PATCH', '/api/auth/policy', {
      cookie: admin,
      body: { session_idle_minutes: 30, session_lifetime_hours: 2 },
    });
    assert.equal(set.status, 200, set.text);
  });
  after(() => f.close());

  test('used within the idle timeout, a session lives on; unused past it, it ends', async () => {
    const cookie = await f.login('sam', 'sam-password-12');
    minutes(20);
    assert.equal((await f.inject('GET', '/api/me', { cookie })).status, 200);
    minutes(20);
    assert.equal(
      (await f.inject('GET', '/api/me', { cookie })).status,
      200,
      'the last use counts, not sign-in',
    );
    minutes(31);
    assert.equal((await f.inject('GET', '/api/me', { cookie })).status, 401);
  });

  test('however often it is used, a session ends at its lifetime', async () => {
    const cookie = await f.login('sam', 'sam-password-12');
    for (let i = 0; i < 4; i++) {
      minutes(25);
      assert.equal((await f.inject('GET', '/api/me', { cookie })).status, 200);
    }
    minutes(25);
    assert.equal((await f.inject('GET', '/api/me', { cookie })).status, 401, 'past two hours');
  });
});
