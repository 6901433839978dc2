import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { SIM_FACTS } from '../../../test/sim-facts.ts';
import { LINK_TRANSPORT } from '../../protocol/claim-api.ts';
import {
  agentFrame,
  CLOSE,
  parseFrame,
  type AgentFrame,
  type ServerFrame,
} from '../../protocol/link-frames.ts';
import type { AgentClock } from '../clock.ts';
import type { HttpClient, LinkSocketEvents } from '../net/http-client.ts';
import { createLinkClient, type LinkStatus } from './link-client.ts';

/** A server end of the link: a real websocket server on a free port; what it does is up to each test. */
let wss: WebSocketServer;
let url: string;
let onConnection: (ws: WebSocket, frames: AgentFrame[]) => void = () => undefined;
before(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (ws) => {
    const frames: AgentFrame[] = [];
    ws.on('message', (d) => {
      const parsed = parseFrame(agentFrame, (d as Buffer).toString('utf8'));
      if (parsed.ok) frames.push(parsed.frame);
    });
    onConnection(ws, frames);
  });
});
after(() => new Promise((r) => wss.close(r)));

/** The reconnect backoff the link environment names (a test may change it). */
const BACKOFF = { base: 2, minSeconds: 1, maxSeconds: 1 };
let backoff = BACKOFF;
/** The agent's HTTP side, answered here: the link environment names the websocket above. */
const http = {
  request: async () => ({
    status: 200,
    headers: {},
    text: JSON.stringify({
      authEndpoint: `${url}/api/v1/auth`,
      transports: [{ type: LINK_TRANSPORT, endpoint: url.replace('http', 'ws') }],
      backoff,
      capabilities: [],
    }),
  }),
  openLink: async (target: string, headers: Record<string, string>, max: number, ev: LinkSocketEvents) =>
    (await import('../net/node-transport.ts')).nodeLinkSocket(
      new URL(target),
      headers,
      max,
      { rejectUnauthorized: true, extraCa: null },
      undefined,
      ev,
    ),
} as unknown as HttpClient;

/** An agent clock whose timers fire only when the test says. */
function heldClock() {
  const timers: (() => void)[] = [];
  const clock: AgentClock = {
    now: () => 1_000_000,
    setTimeout: (fn) => timers.push(fn),
    clearTimeout: () => undefined,
  };
  return { clock, fire: () => timers.splice(0).forEach((fn) => fn()) };
}

function client(
  o: { clock?: AgentClock; onRequest?: Parameters<typeof createLinkClient>[0]['onRequest'] } = {},
) {
  const status: Partial<LinkStatus>[] = [];
  const configs: unknown[] = [];
  const gone: string[] = [];
  const c = createLinkClient({
    claimId: '7b9b5c4e-1111-4222-8333-944455556666',
    url,
    proxy: 'none',
    privateKey: '',
    bearer: 'agent-token',
    agentVersion: '1.0.0',
    http,
    facts: () => SIM_FACTS,
    onConfig: (cfg) => void configs.push(cfg),
    onGone: (why) => void gone.push(why),
    onStatus: (p) => void status.push(p),
    log: () => undefined,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.onRequest ? { onRequest: o.onRequest } : {}),
  });
  return { c, status, configs, gone };
}
const until = async (what: () => boolean) => {
  for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(what(), 'waited too long');
};
const send = (ws: WebSocket, f: ServerFrame) => ws.send(JSON.stringify(f));

describe('agent link client', () => {
  test('hello, welcome with its configuration, then requests answered with their codes', async () => {
    let server: { ws: WebSocket; frames: AgentFrame[] } | null = null;
    onConnection = (ws, frames) => (server = { ws, frames });
    const { c, status, configs } = client({
      onRequest: (method) =>
        method === 'facts'
          ? { ok: true, result: { cpus: 1 } }
          : { ok: false, code: 'unknown_method', message: `method ${method} is not supported by this agent` },
    });
    void c.start();
    await until(() => server?.frames.some((f) => f.t === 'hello') ?? false);
    const s = server!;
    send(s.ws, {
      t: 'welcome',
      node_id: 'n',
      heartbeat_interval_ms: 60_000,
      heartbeat: 'ping',
      config: { initial_paths: ['/etc'], schedules: [], limits: {} },
    });
    await until(() => status.some((p) => p.status === 'online'));
    assert.deepEqual(configs, [{ initial_paths: ['/etc'], schedules: [], limits: {} }]);
    send(s.ws, { t: 'request', id: 'r1', method: 'facts', params: {}, timeout_ms: 1000 });
    send(s.ws, { t: 'request', id: 'r2', method: 'reboot', params: {}, timeout_ms: 1000 });
    await until(() => s.frames.filter((f) => f.t === 'reply').length === 2);
    const replies = s.frames.filter((f) => f.t === 'reply');
    assert.deepEqual(replies[0], { t: 'reply', id: 'r1', ok: true, result: { cpus: 1 } });
    assert.equal(replies[1]?.t === 'reply' && replies[1].error?.code, 'unknown_method');
    await c.stop();
  });

  test('a server that never answers hello is left after the welcome timeout, and tried again', async () => {
    let connections = 0;
    onConnection = () => void connections++;
    const time = heldClock();
    const { c, status } = client({ clock: time.clock });
    void c.start();
    await until(() => connections === 1);
    await new Promise((r) => setTimeout(r, 50));
    time.fire();
    await until(() => status.some((p) => p.reason === 'the server did not answer hello'));
    await until(() => connections === 2);
    await c.stop();
  });

  test('removed for good: the server says so, the agent stops trying and forgets its configuration', async () => {
    let connections = 0;
    onConnection = (ws) => {
      connections++;
      send(ws, { t: 'disconnect', reason: 'this node was removed', permanent: true });
      ws.close(CLOSE.REMOVED);
    };
    const { c, status, gone } = client();
    await c.start();
    assert.equal(status.at(-1)?.status, 'banned');
    assert.deepEqual(gone, ['server: this node was removed']);
    assert.equal(connections, 1);
  });

  test('a server that says when to come back (a restart) starts the backoff over: a link up only briefly keeps no escalated delay', async () => {
    // 50 ms for a first failure, then anything up to 50 s: the delays the agent reports show which attempt it is at.
    backoff = { base: 1000, minSeconds: 0.05, maxSeconds: 1000 };
    let connections = 0;
    onConnection = (ws) => {
      connections++;
      if (connections === 2) {
        send(ws, {
          t: 'disconnect',
          reason: 'server restarting',
          reconnect_after_seconds: 0,
          permanent: false,
        });
        ws.close(CLOSE.SERVER_SHUTDOWN);
      } else if (connections < 4) ws.terminate();
    };
    try {
      const { c, status } = client();
      void c.start();
      await until(() => connections === 4);
      await c.stop();
      const delays = status.flatMap((p) => (p.backoff_ms !== undefined ? [p.backoff_ms] : []));
      assert.deepEqual(delays.slice(0, 3), [50, 0, 50]);
    } finally {
      backoff = BACKOFF;
    }
  });
});
