import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { AlertView } from '../../protocol/api/alerts.ts';
import { deliver, redactConfig, signature } from './channel-types.ts';

const alert: AlertView = {
  id: 'a1',
  rule_id: 'r1',
  kind: 'node_offline',
  severity: 'critical',
  state: 'firing',
  node_id: 'n1',
  hostname: 'web-1',
  subject: null,
  summary: 'web-1 is offline: connection lost',
  since: 1,
  fired_at: 2,
  resolved_at: null,
  acknowledged_by: null,
  acknowledged_at: null,
  ack_comment: null,
  count: 1,
  silenced: false,
};

/** Each channel type's request, as a receiver on a real socket gets it. */
describe('channel types', () => {
  const got: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body });
      res.end(req.url?.includes('fail') ? undefined : 'ok');
      if (req.url?.includes('fail')) res.statusCode = 500;
    });
  });
  let base = '';
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());
  const delivery = {
    state: 'firing' as const,
    alerts: [alert],
    url: 'https://muster.test/nodes/n1',
    publicUrl: null,
  };
  const last = () => got.at(-1)!;

  test('webhook: version 1 body, signed with the secret', async () => {
    const r = await deliver('webhook', { url: `${base}/hook`, secret: 'secret-123' }, delivery);
    assert.equal(r.ok, true);
    const body = JSON.parse(last().body) as { version: number; state: string; alert: AlertView; url: string };
    assert.deepEqual([body.version, body.state, body.alert.id, body.url], [1, 'firing', 'a1', delivery.url]);
    assert.equal(last().headers['x-muster-signature'], signature('secret-123', last().body));
  });

  test('chat presets: Slack and Mattermost text, Discord content, Teams a card', async () => {
    for (const type of ['slack', 'mattermost'] as const) {
      await deliver(type, { url: `${base}/${type}` }, delivery);
      assert.match((JSON.parse(last().body) as { text: string }).text, /\[FIRING\] web-1 is offline/);
    }
    await deliver('discord', { url: `${base}/discord` }, delivery);
    assert.match(
      (JSON.parse(last().body) as { content: string }).content,
      /Next: check that the machine is up/,
    );
    await deliver('teams', { url: `${base}/teams` }, delivery);
    const card = JSON.parse(last().body) as { '@type': string; title: string };
    assert.deepEqual(
      [card['@type'], card.title],
      ['MessageCard', '[FIRING] web-1 is offline: connection lost'],
    );
  });

  test('ntfy: text with title, priority and click; Gotify: JSON with its key', async () => {
    await deliver('ntfy', { url: `${base}/alerts-topic`, token: 'tk' }, delivery);
    assert.equal(last().headers.priority, '5');
    assert.equal(last().headers.click, delivery.url);
    assert.equal(last().headers.authorization, 'Bearer tk');
    assert.match(last().body, /web-1 is offline/);
    await deliver('gotify', { url: `${base}/`, token: 'app-token' }, delivery);
    assert.equal(last().url, '/message');
    assert.equal(last().headers['x-gotify-key'], 'app-token');
    assert.equal((JSON.parse(last().body) as { priority: number }).priority, 10);
  });

  test('a receiver that is down is a failed delivery with the reason, never a throw', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const r = await deliver('webhook', { url: `http://127.0.0.1:${port}/none` }, delivery);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /ECONNREFUSED/);
  });

  test('a configuration is shown without its secrets', () => {
    assert.deepEqual(redactConfig({ url: 'https://hooks.slack.test/services/T0/B0/secret', secret: 'x' }), {
      url: 'https://hooks.slack.test/…',
      secret_set: true,
    });
  });
});
