import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import type { ServerFrame } from '../../protocol/link-frames.ts';
import type { AgentKind } from '../../protocol/api/views.ts';
import type { AppError } from '../errors.ts';
import { manualTime } from '../manual-time.ts';
import { createLinkSessions, type LinkChannel, type LinkSession } from './link-sessions.ts';

function setUp(speaks: AgentKind = 'muster') {
  const time = manualTime();
  const sessions = createLinkSessions({ timers: time.timers, log: pino({ level: 'silent' }) });
  const sent: ServerFrame[] = [];
  const channel: LinkChannel = {
    speaks,
    answers: (m) => speaks === 'muster' || m.startsWith('data.'),
    deliver: (f) => (sent.push(f), true),
    end: () => undefined,
    terminate: () => undefined,
    isOpen: () => true,
    closed: new Promise(() => undefined),
  };
  const s: LinkSession = {
    id: 's1',
    nodeId: 'n1',
    channel,
    remoteAddr: '10.0.0.1',
    silenceLimitMs: 3000,
    openedAt: 0,
    lastHeardAt: 0,
    lastPersistedAt: 0,
    helloed: true,
    welcoming: false,
    helloTimer: null,
    endReason: null,
    released: false,
    inherited: false,
  };
  sessions.set(s);
  const lastRequest = () => {
    const r = sent.filter((f) => f.t === 'request').at(-1);
    assert.ok(r?.t === 'request');
    return r;
  };
  return { sessions, s, sent, time, lastRequest };
}
const code = (c: string) => (e: AppError) => e.code === c;
const failures = (sessions: ReturnType<typeof createLinkSessions>) =>
  Object.fromEntries(sessions.failures().map((f) => [`${f.method} ${f.reason}`, f.count]));

describe('link sessions: requests over the link', () => {
  test('an answer is parsed by its method: fields a newer agent adds are dropped', async () => {
    const { sessions, s, lastRequest } = setUp();
    const asked = sessions.request('n1', 'metrics', { series: ['cpu.user'] }, 1000);
    const req = lastRequest();
    assert.deepEqual(req.params, { series: ['cpu.user'] });
    sessions.settleReply(s, {
      t: 'reply',
      id: req.id,
      ok: true,
      result: { series: { 'cpu.user': [[1, 2]] }, history_seconds: 3600, newer_field: true },
    });
    assert.deepEqual(await asked, { series: { 'cpu.user': [[1, 2]] }, history_seconds: 3600 });
  });

  test('an answer that does not parse is a clear 502, counted, and nothing crashes', async () => {
    const { sessions, s, lastRequest } = setUp();
    const asked = sessions.request('n1', 'backup.snapshots', {}, 1000);
    sessions.settleReply(s, { t: 'reply', id: lastRequest().id, ok: true, result: { snapshots: 'none' } });
    await assert.rejects(
      asked,
      (e: AppError) => e.code === 'AGENT_ANSWER_INVALID' && /snapshots/.test(e.message),
    );
    assert.equal(failures(sessions)['backup.snapshots invalid_answer'], 1);
  });

  test("an agent's refusal keeps its code in the count (an older agent without the method)", async () => {
    const { sessions, s, lastRequest } = setUp();
    const asked = sessions.request('n1', 'facts', {}, 1000);
    sessions.settleReply(s, {
      t: 'reply',
      id: lastRequest().id,
      ok: false,
      error: { code: 'unknown_method', message: 'method facts is not supported by this agent' },
    });
    await assert.rejects(asked, code('AGENT_REFUSED'));
    assert.equal(failures(sessions)['facts unknown_method'], 1);
  });

  test('a request times out (504), the agent is told to cancel, and a reply after the timeout is dropped', async () => {
    const { sessions, s, sent, time, lastRequest } = setUp();
    const asked = sessions.request('n1', 'facts', {}, 500);
    const id = lastRequest().id;
    time.advance(500);
    await assert.rejects(asked, code('AGENT_TIMEOUT'));
    assert.deepEqual(sent.at(-1), { t: 'cancel', id });
    assert.equal(
      sessions.settleReply(s, { t: 'reply', id, ok: true, result: {} }),
      false,
      'late reply dropped',
    );
    assert.equal(sessions.pendingCount(), 0);
    assert.equal(failures(sessions)['facts timeout'], 1);
  });

  test('offline nodes and Netdata agents are refused at once; requests of a node that goes away fail', async () => {
    const { sessions } = setUp();
    await assert.rejects(sessions.request('n2', 'facts', {}, 1000), code('NODE_OFFLINE'));
    const netdata = setUp('netdata');
    await assert.rejects(netdata.sessions.request('n1', 'facts', {}, 1000), code('NODE_RUNS_NETDATA'));
    const waiting = sessions.request('n1', 'facts', {}, 1000);
    sessions.failPending('n1', 'the node went offline before it answered');
    await assert.rejects(waiting, code('NODE_OFFLINE'));
  });

  test('a request withdrawn by the server is cancelled on the agent too', async () => {
    const { sessions, sent, lastRequest } = setUp();
    const asked = sessions.requestRaw('n1', 'slow', {}, 5000);
    const id = lastRequest().id;
    assert.equal(sessions.cancel(id), true);
    await assert.rejects(asked, code('REQUEST_CANCELLED'));
    assert.deepEqual(sent.at(-1), { t: 'cancel', id });
  });
});
