import assert from 'node:assert/strict';
import https from 'node:https';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { login, request, startTestServer } from './helpers.ts';

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

/** Read a server-sent-events stream until `until` holds of the events read; answers them (type and data). */
function readStream(
  server: Awaited<ReturnType<typeof startTestServer>>,
  path: string,
  cookie: string,
): { events: { type: string; data: Record<string, unknown> }[]; opened: Promise<void>; close(): void } {
  const events: { type: string; data: Record<string, unknown> }[] = [];
  let close = () => undefined as void;
  const opened = new Promise<void>((resolve, reject) => {
    const req = https.get(new URL(path, server.url), { ca: server.ca, headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (block.startsWith(': connected')) resolve();
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    close = () => void req.destroy();
  });
  return { events, opened, close: () => close() };
}

test('a stream sends only the types and nodes it names, and a summary of everything at most once a second; unknown types are refused', async () => {
  const server = await startTestServer();
  try {
    const cookie = await login(server);
    const [a, b] = ['0a000000-0000-4000-8000-00000000000a', '0b000000-0000-4000-8000-00000000000b'];
    const narrow = readStream(
      server,
      `/api/events?types=node.presence,summary&nodes=${a.toUpperCase()}`,
      cookie,
    );
    const everything = readStream(server, '/api/events', cookie);
    await Promise.all([narrow.opened, everything.opened]);
    const presence = (node_id: string, status: 'online' | 'offline') =>
      server.services.bus.publish({
        type: 'node.presence',
        node_id,
        status,
        since: Date.now(),
        reason: 'test',
      });
    for (let i = 0; i < 50; i++) {
      presence(a, i % 2 ? 'online' : 'offline');
      presence(b, 'online');
    }
    server.services.bus.publish({ type: 'node.facts', node_id: a });
    server.services.bus.publish({
      type: 'node.claimed',
      node_id: b,
      space_id: server.spaceId,
      hostname: 'b',
    });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !narrow.events.some((e) => e.type === 'summary')) await sleep(50);
    await sleep(300);
    const sent = narrow.events.filter((e) => e.type !== 'summary');
    assert.equal(sent.length, 50, 'the presence of node a only');
    assert.ok(sent.every((e) => e.type === 'node.presence' && e.data.node_id === a));
    const summaries = narrow.events.filter((e) => e.type === 'summary');
    assert.equal(summaries.length, 1, 'one summary for a burst within a second');
    assert.deepEqual(summaries[0]!.data, {
      type: 'summary',
      counts: { 'node.presence': 100, 'node.facts': 1, 'node.claimed': 1 },
    });
    // Without a filter: every event, and no summary (as before filters existed).
    assert.equal(everything.events.length, 102);
    assert.ok(!everything.events.some((e) => e.type === 'summary'));
    narrow.close();
    everything.close();
    for (const bad of ['types=node.gone', `nodes=${'x,'.repeat(1001)}x`]) {
      const res = await request(server, 'GET', `/api/events?${bad}`, { cookie });
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal(res.json<{ code: string }>().code, 'validation_failed');
    }
  } finally {
    await server.stop();
  }
});
