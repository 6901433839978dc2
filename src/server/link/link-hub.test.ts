import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { SIM_FACTS } from '../../../test/sim-facts.ts';
import { CLOSE, type AgentFrame, type ServerFrame } from '../../protocol/link-frames.ts';
import { LINK_PROTOCOL_VERSION } from '../../protocol/claim-api.ts';
import { parseHostConfig } from '../../protocol/link-methods.ts';
import type { AgentKind } from '../../protocol/api/views.ts';
import { manualTime } from '../manual-time.ts';
import type { NodePresence } from '../nodes/node-presence.ts';
import { DUPLICATE_CLEAR_MS } from './link-admission.ts';
import { createLinkHub, HELLO_TIMEOUT_MS } from './link-hub.ts';
import type { LinkPeers, TakeoverAnswer } from './link-port.ts';
import { createLinkSessions, type DisconnectFrame, type LinkChannel } from './link-sessions.ts';

const HEARTBEAT_MS = 1000;
const log = pino({ level: 'silent' });

/** A transport that records what the hub does with it. */
function fakeChannel(speaks: AgentKind = 'muster') {
  let open = true;
  let close: () => void = () => undefined;
  const sent: ServerFrame[] = [];
  const ended: { code: number; reason: string; goodbye?: DisconnectFrame }[] = [];
  let terminated = false;
  const channel: LinkChannel = {
    speaks,
    answers: (m) => speaks === 'muster' || m.startsWith('data.'),
    deliver: (f) => (open ? (sent.push(f), true) : false),
    end(code, reason, goodbye) {
      ended.push({ code, reason, ...(goodbye ? { goodbye } : {}) });
      open = false;
      close();
    },
    terminate: () => void (terminated = true),
    isOpen: () => open,
    closed: new Promise<void>((r) => (close = r)),
  };
  return { channel, sent, ended, terminated: () => terminated };
}

/** Presence as the hub reports it, recorded instead of written. */
function fakePresence() {
  const calls: string[] = [];
  const presence: Pick<
    NodePresence,
    'markOnline' | 'markLinked' | 'linkClosed' | 'seen' | 'setDuplicateSuspected' | 'markOffline'
  > = {
    markOnline: async (id) => void calls.push(`online ${id}`),
    markLinked: async (id) => void calls.push(`linked ${id}`),
    linkClosed: async (_session, reason, offlineNodeId) =>
      void calls.push(`closed ${offlineNodeId ?? '-'}: ${reason}`),
    seen: async (ids) => void (ids.length && calls.push(`seen ${ids.join(',')}`)),
    setDuplicateSuspected: async (id, suspected) => void calls.push(`duplicate ${id} ${suspected}`),
    markOffline: async (id) => void calls.push(`offline ${id}`),
  };
  return { presence: presence as NodePresence, calls };
}

function hubWith(o: { peers?: LinkPeers; welcomeAfter?: Promise<void> } = {}) {
  const time = manualTime();
  const sessions = createLinkSessions({ timers: time.timers, log });
  const { presence, calls } = fakePresence();
  const frames: AgentFrame[] = [];
  const online: string[] = [];
  const hub = createLinkHub({
    sessions,
    presence,
    handlers: {
      welcome: async (id) => {
        await o.welcomeAfter;
        return {
          config: parseHostConfig({ initial_paths: ['/etc'] }),
          online: async () => void online.push(id),
        };
      },
      frame: async (_id, f) => void frames.push(f),
    },
    clock: time.clock,
    timers: time.timers,
    log,
    heartbeatIntervalMs: HEARTBEAT_MS,
    ...(o.peers ? { peers: o.peers } : {}),
  });
  return { hub, sessions, time, calls, frames, online };
}

const hello: AgentFrame = {
  t: 'hello',
  protocol: LINK_PROTOCOL_VERSION,
  agent_version: '1.0.0',
  facts: SIM_FACTS,
};

describe('link hub', () => {
  test('hello brings the node online and is answered with welcome and its configuration', async () => {
    const { hub, calls, online } = hubWith();
    const a = fakeChannel();
    const link = await hub.open('n1', a.channel, '10.0.0.1');
    await link!.receive(hello);
    assert.deepEqual(calls, ['online n1']);
    assert.equal(a.sent[0]?.t, 'welcome');
    assert.deepEqual(a.sent[0]?.t === 'welcome' && a.sent[0].config.initial_paths, ['/etc']);
    assert.deepEqual(online, ['n1']);
  });

  test('a link that says nothing is closed after the hello timeout; a first frame other than hello ends it', async () => {
    const { hub, time } = hubWith();
    const silent = fakeChannel();
    await hub.open('n1', silent.channel, '10.0.0.1');
    time.advance(HELLO_TIMEOUT_MS);
    assert.equal(silent.ended[0]?.code, CLOSE.PROTOCOL_ERROR);
    const rude = fakeChannel();
    const link = await hub.open('n2', rude.channel, '10.0.0.2');
    await link!.receive({ t: 'heartbeat' });
    assert.match(rude.ended[0]?.reason ?? '', /first frame must be hello/);
  });

  test('a close before hello (during authentication) leaves presence alone', async () => {
    const { hub, calls, sessions } = hubWith();
    const a = fakeChannel();
    const link = await hub.open('n1', a.channel, '10.0.0.1');
    await link!.closed(1006);
    assert.deepEqual(calls, []);
    assert.equal(sessions.holds('n1'), false);
  });

  test('a newer link replaces the older; take-overs that keep coming while it is alive are refused as duplicates', async () => {
    const { hub, calls, time } = hubWith();
    const first = fakeChannel();
    await (await hub.open('n1', first.channel, '10.0.0.1'))!.receive(hello);
    const second = fakeChannel();
    const link2 = await hub.open('n1', second.channel, '10.0.0.2');
    assert.equal(first.ended[0]?.code, CLOSE.REPLACED);
    await link2!.receive(hello);
    const third = fakeChannel();
    await (await hub.open('n1', third.channel, '10.0.0.3'))!.receive(hello);
    const fourth = fakeChannel();
    assert.equal(await hub.open('n1', fourth.channel, '10.0.0.4'), null, 'refused');
    assert.equal(fourth.ended[0]?.code, CLOSE.DUPLICATE);
    assert.ok(calls.includes('duplicate n1 true'));
    time.advance(DUPLICATE_CLEAR_MS + 2000);
    hub.sweep();
    assert.ok(calls.includes('duplicate n1 false'), 'the flag clears once take-overs stop');
  });

  test('two links of one node admitted at the same moment (a take-over race across replicas): one holds it', async () => {
    const waiting: ((a: TakeoverAnswer) => void)[] = [];
    const held: string[] = [];
    const peers: LinkPeers = {
      takeOver: () => new Promise<TakeoverAnswer>((r) => waiting.push(r)),
      holding: (id, h) => void held.push(`${id} ${h}`),
    };
    const { hub, sessions } = hubWith({ peers });
    const a = fakeChannel();
    const b = fakeChannel();
    const opening = [hub.open('n1', a.channel, '10.0.0.1'), hub.open('n1', b.channel, '10.0.0.2')];
    await new Promise((r) => setImmediate(r));
    // Neither held the link when it asked the other replicas: both wait for their answer, which comes now.
    assert.equal(waiting.length, 2);
    for (const answer of waiting) answer({ refused: null, takeovers: [], replaced: false });
    const [la, lb] = await Promise.all(opening);
    assert.ok(la && lb);
    assert.equal(a.ended[0]?.code, CLOSE.REPLACED, 'the first admitted is replaced by the second');
    assert.equal(sessions.count(), 1);
    assert.deepEqual(held, ['n1 true'], 'the replica says once that it holds the link');
  });

  test("a hello handled after its link was let go to another replica's newer link records nothing", async () => {
    const peers: LinkPeers = {
      takeOver: async () => ({ refused: null, takeovers: [], replaced: false }),
      holding: () => undefined,
    };
    const { hub, calls, sessions } = hubWith({ peers });
    const a = fakeChannel();
    const link = await hub.open('n1', a.channel, '10.0.0.1');
    // Another replica adopts the node's link before this one handled the hello that was already on its way.
    assert.equal(hub.yieldLink('n1', '10.0.0.2').refused, null);
    assert.equal(a.ended[0]?.code, CLOSE.REPLACED);
    await link!.receive(hello);
    await link!.closed(CLOSE.REPLACED);
    assert.deepEqual(calls, [], 'neither online nor offline: the newer link decides');
    assert.equal(a.sent.length, 0, 'no welcome');
    assert.equal(sessions.holds('n1'), false);
  });

  test('a silent link is let go by the sweep: offline at once, the connection dropped after a grace', async () => {
    const { hub, calls, time } = hubWith();
    const a = fakeChannel();
    await (await hub.open('n1', a.channel, '10.0.0.1'))!.receive(hello);
    time.advance(3 * HEARTBEAT_MS + 1);
    hub.sweep();
    assert.equal(a.ended[0]?.code, CLOSE.HEARTBEAT_TIMEOUT);
    await new Promise((r) => setImmediate(r));
    assert.match(calls.at(-1) ?? '', /^closed n1: no heartbeat/);
    time.advance(2000);
    assert.equal(a.terminated(), true);
  });

  test('a hello the server is slow to answer (a storm) is not let go: silence counts from the welcome', async () => {
    let answer: () => void = () => undefined;
    const { hub, time } = hubWith({ welcomeAfter: new Promise<void>((r) => (answer = r)) });
    const a = fakeChannel();
    const said = (await hub.open('n1', a.channel, '10.0.0.1'))!.receive(hello);
    time.advance(10 * HEARTBEAT_MS);
    hub.sweep();
    assert.equal(a.ended.length, 0, 'still being welcomed');
    answer();
    await said;
    assert.equal(a.sent[0]?.t, 'welcome');
    time.advance(3 * HEARTBEAT_MS - 1);
    hub.sweep();
    assert.equal(a.ended.length, 0, 'the agent has its heartbeats from the welcome on');
    time.advance(2);
    hub.sweep();
    assert.equal(a.ended[0]?.code, CLOSE.HEARTBEAT_TIMEOUT);
  });

  test('job frames and replies nobody waits for go to the handlers; replies to requests settle them', async () => {
    const { hub, frames, sessions } = hubWith();
    const a = fakeChannel();
    const link = (await hub.open('n1', a.channel, '10.0.0.1'))!;
    await link.receive(hello);
    const asked = sessions.request('n1', 'facts', {}, 1000);
    const request = a.sent.find((f) => f.t === 'request');
    assert.ok(request?.t === 'request');
    await link.receive({ t: 'reply', id: request.id, ok: true, result: hello.facts });
    assert.equal((await asked).hostname, SIM_FACTS.hostname);
    await link.receive({ t: 'reply', id: 'job-1', ok: false, error: { code: 'refused', message: 'no' } });
    await link.receive({ t: 'job.log', job_id: 'job-1', seq: 0, stream: 'stdout', data: 'x' });
    assert.deepEqual(
      frames.map((f) => f.t),
      ['reply', 'job.log'],
    );
  });

  test('shutdown tells every agent to come back and marks its node offline', async () => {
    const { hub, calls } = hubWith();
    const a = fakeChannel();
    await (await hub.open('n1', a.channel, '10.0.0.1'))!.receive(hello);
    await hub.shutdown();
    assert.equal(a.ended[0]?.code, CLOSE.SERVER_SHUTDOWN);
    assert.equal(a.ended[0]?.goodbye?.permanent, false);
    assert.ok(calls.includes('offline n1'));
  });
});
