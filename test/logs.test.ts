import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createLogger } from '../src/server/logging.ts';
import { claimInto, jobIn, login, request, spawnAgent, tempDir, useTestServer, waitFor } from './helpers.ts';

/** A stream that keeps what the logger wrote, as lines. */
function capture(tty = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = tty;
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, lines: () => text.split('\n').filter(Boolean) };
}

const out = capture();
const records = () =>
  out.lines().map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });

describe('the server log', () => {
  const server = useTestServer({ log: createLogger('info', 'json', out.stream) });

  test('events have lines of their own (claims, links, logins, tokens, jobs); requests and tokens do not', async () => {
    const state = tempDir('muster-agent-');
    const cookie = await login(server);
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const refused = await claimInto(
      server,
      state.path,
      'msc_not-a-real-token-but-long-enough-1234',
      '--hostname',
      'intruder',
    );
    assert.notEqual(refused.code, 0);
    const claimed = await claimInto(server, state.path, token, '--hostname', 'log-node');
    assert.equal(claimed.code, 0, claimed.stderr);
    const id = readFileSync(join(state.path, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const agent = spawnAgent(['--state-dir', state.path]);
    try {
      await waitFor(() => records().find((r) => r.event === 'link.up'), 'the link-up line');
      await request(server, 'POST', '/api/auth/login', {
        body: { username: 'admin', password: 'wrong-password' },
      });
      await request(server, 'POST', `/api/spaces/${server.spaceId}/claim-token/rotate`, { cookie, body: {} });
      const job = await request(server, 'POST', `/api/hosts/${id}/jobs`, {
        cookie,
        body: { type: 'system.probe' },
      });
      assert.equal(job.status, 201, job.text);
      await jobIn(server, cookie, job.json<{ id: string }>().id, ['succeeded', 'failed']);
      for (let i = 0; i < 20; i++) await request(server, 'GET', '/healthz');
    } finally {
      await agent.stop();
    }
    await waitFor(() => records().find((r) => r.event === 'link.down'), 'the link-down line');
    const msgs = records().map((r) => r.msg);
    const has = (re: RegExp) =>
      assert.ok(
        msgs.some((m) => re.test(m)),
        `a line like ${re}:\n${msgs.join('\n')}`,
      );
    has(/^claim refused \(ErrForbidden\): .*; from 127\.0\.0\.1, host intruder$/);
    has(/^claim accepted: log-node from 127\.0\.0\.1$/);
    has(new RegExp(`^link up: log-node \\(${id}\\) from 127\\.0\\.0\\.1, agent \\S+$`));
    has(/^login failed for "admin" from 127\.0\.0\.1$/);
    has(/^token\.rotated: .* by admin from 127\.0\.0\.1/);
    has(new RegExp(`^job (succeeded|failed): system\\.probe on ${id}`));
    has(new RegExp(`^link down: log-node \\(${id}\\): `));
    const all = out.lines().join('\n');
    assert.ok(!all.includes(token), 'no claim token in the log');
    assert.ok(!all.includes('wrong-password'));
    assert.ok(
      !msgs.some((m) => /healthz|incoming request|request completed/.test(m)),
      'no access lines at info',
    );
    state.remove();
  });

  test('on a terminal each event is one short human line', () => {
    const tty = capture(true);
    const log = createLogger('info', 'auto', tty.stream);
    log.info({ event: 'link.up', node_id: 'n1', ip: '10.0.0.5' }, 'link up: web-01 (n1) from 10.0.0.5');
    log.warn({ event: 'auth.login_failed', ip: '10.0.0.9' }, 'login failed for "bob" from 10.0.0.9');
    const lines = tty.lines().map((l) => stripVTControlCharacters(l));
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] INFO: link up: web-01 \(n1\) from 10\.0\.0\.5$/,
    );
    assert.match(lines[1]!, /^\[[^\]]+\] WARN: login failed for "bob" from 10\.0\.0\.9$/);
    const json = capture(false);
    createLogger('info', 'auto', json.stream).info({ event: 'x' }, 'not a terminal');
    assert.equal((JSON.parse(json.lines()[0]!) as { msg: string }).msg, 'not a terminal');
  });
});
