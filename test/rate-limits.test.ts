import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { ADMIN_PASSWORD, login, request, useTestServer } from './helpers.ts';

describe('rate limits per source address', () => {
  const server = useTestServer({ flags: { loginPerMinute: 3, claimPerMinute: 3, linkAuthPerMinute: 3 } });

  test('login: over the limit is 429 with Retry-After; failed logins are delayed', async () => {
    const t0 = Date.now();
    const bad = await request(server, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: 'wrong' },
    });
    assert.equal(bad.status, 401);
    assert.ok(Date.now() - t0 >= 900, 'a failed login answers after about a second');
    await login(server);
    await login(server);
    const limited = await request(server, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(limited.status, 429);
    assert.equal(limited.json<{ code: string }>().code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });

  test('claim, enroll and link authentication answer 429 in their own error format', async () => {
    const id = randomUUID();
    for (let i = 0; i < 3; i++)
      assert.notEqual((await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, { body: {} })).status, 429);
    const claim = await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, { body: {} });
    assert.equal(claim.status, 429);
    const body = claim.json<{
      errorMsgKey: string;
      errorNonRetryable: boolean;
      errorRetryDelaySeconds: number;
    }>();
    assert.equal(body.errorMsgKey, 'ErrTooManyRequests');
    assert.equal(body.errorNonRetryable, false);
    assert.ok(body.errorRetryDelaySeconds > 0 && Number(claim.headers['retry-after']) > 0);

    for (let i = 0; i < 3; i++) await request(server, 'GET', `/api/v1/auth/node/${id}/challenge`);
    assert.equal((await request(server, 'GET', `/api/v1/auth/node/${id}/challenge`)).status, 429);

    for (let i = 0; i < 3; i++)
      await request(server, 'POST', '/api/agents/enroll', { body: { token: 'x', hostname: 'h' } });
    const enroll = await request(server, 'POST', '/api/agents/enroll', {
      body: { token: 'x', hostname: 'h' },
    });
    assert.equal(enroll.status, 429);
    assert.equal(enroll.json<{ code: string }>().code, 'rate_limited');
  });
});
