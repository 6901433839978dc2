import assert from 'node:assert/strict';
import https from 'node:https';
import { test } from 'node:test';
import { login, startTestServer } from './helpers.ts';

test('an open event stream does not keep the server from stopping; the client sees the stream end', async () => {
  const server = await startTestServer();
  const cookie = await login(server);
  const ended = new Promise<void>((resolve) => {
    https.get(new URL('/api/events', server.url), { ca: server.ca, headers: { cookie } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve());
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await server.stop();
  assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
  await ended;
});
