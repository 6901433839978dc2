import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import { before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { EXIT } from '../src/protocol/errors.ts';
import { formatPin } from '../src/protocol/pin.ts';
import { MAX_FRAME_BYTES } from '../src/protocol/link-frames.ts';
import { MAX_JOB_LOG_BYTES } from '../src/server/jobs/jobs-service.ts';
import type { Timers } from '../src/server/clock.ts';
import type { AppError } from '../src/server/errors.ts';
import { SYSTEM } from '../src/server/actor.ts';
import {
  addUser,
  login,
  manualClock,
  request,
  runAgent,
  spawnAgent,
  tempDir,
  waitFor,
  connectArgs,
  simulatedIdentity,
  useTestServer,
} from './helpers.ts';

/** Timers that never fire on their own: the test calls sweep() after moving the clock. */
const handTimers: Timers = {
  setInterval: () => 0,
  clearInterval: () => undefined,
  setTimeout: () => 0,
  clearTimeout: () => undefined,
};

describe('the link with real agent processes', () => {
  const server = useTestServer();
  let token: string;
  before(async () => {
    token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
  });

  test('claim -> online (pushed as a server-sent event); killed agent -> offline at once with a reason', async () => {
    const dir = server.tempDir('muster-agent-');
    const cookie = await login(server);
    const events: string[] = [];
    const sse = https.get(new URL('/api/events', server.url), { ca: server.ca, headers: { cookie } }, (res) =>
      res.on('data', (c: Buffer) => events.push(c.toString())),
    );
    try {
      const agent = spawnAgent(['--state-dir', dir.path]);
      await waitFor(() => readFileSync(join(dir.path, 'local-api.addr'), 'utf8'), 'the local API address');
      const r = await runAgent(['claim', '--state-dir', dir.path, ...connectArgs(server, token)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /the running agent is connecting/);
      const id = readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim();
      const online = await waitFor(
        async () =>
          (await server.services.nodes.get(id)).status === 'online' ? server.services.nodes.get(id) : null,
        'node online',
      );
      assert.match(online.reason, /link established/);
      assert.equal(online.os !== null && online.arch !== null && online.agent_version === '0.1.0', true);
      await waitFor(
        () => events.join('').includes(`"node_id":"${id}","status":"online"`),
        'the online event on /api/events',
      );

      const status = await runAgent(['status', '--json', '--state-dir', dir.path]);
      assert.equal((JSON.parse(status.stdout) as { online: boolean }).online, true);

      await agent.stop('SIGKILL');
      const t0 = Date.now();
      const offline = await waitFor(
        async () =>
          (await server.services.nodes.get(id)).status === 'offline' ? server.services.nodes.get(id) : null,
        'node offline',
        5000,
      );
      assert.ok(Date.now() - t0 < 2000, 'offline within two seconds of the kill');
      assert.match(offline.reason, /connection lost/);
      await waitFor(
        () => events.join('').includes(`"node_id":"${id}","status":"offline"`),
        'the offline event',
      );
    } finally {
      sse.destroy();
    }
  });

  test('a stopped agent says goodbye; run claims by itself from MUSTER_CLAIM_* env; server restart brings it back with no duplicate node', async () => {
    const dir = server.tempDir('muster-agent-');
    const env = {
      MUSTER_CLAIM_TOKEN: token,
      MUSTER_CLAIM_URL: server.url,
      MUSTER_CLAIM_CA_PIN: formatPin(server.pin!),
    };
    const agent = spawnAgent(['--state-dir', dir.path], { env });
    const id = await waitFor(
      () => readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim(),
      'claimed id',
    );
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'online', 'online');
    const before = (await server.services.nodes.list({ limit: 5000, offset: 0 })).length;

    await server.stop();
    await server.startAgain();
    const back = await waitFor(
      async () =>
        (await server.services.nodes.get(id)).status === 'online' ? server.services.nodes.get(id) : null,
      'back online after restart',
      20_000,
    );
    assert.match(back.reason, /link established/);
    assert.equal(
      (await server.services.nodes.list({ limit: 5000, offset: 0 })).length,
      before,
      'no duplicate nodes',
    );
    assert.match(agent.output(), /server restarting/);

    assert.equal(await agent.stop('SIGTERM'), 0);
    const gone = await waitFor(
      async () =>
        (await server.services.nodes.get(id)).status === 'offline' ? server.services.nodes.get(id) : null,
      'offline after stop',
    );
    assert.match(gone.reason, /agent closed the link/);
  });

  test('removing a node ends its link for good: the agent stops trying and the node cannot authenticate', async () => {
    const dir = server.tempDir('muster-agent-');
    const agent = spawnAgent(['--state-dir', dir.path, ...connectArgs(server, token)]);
    const id = await waitFor(
      () => readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim(),
      'claimed id',
    );
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'online', 'online');
    const cookie = await login(server);
    const del = await request(server, 'DELETE', `/api/nodes/${id}`, { cookie });
    assert.equal(del.status, 204);
    const addr = await waitFor(
      () => readFileSync(join(dir.path, 'local-api.addr'), 'utf8').trim(),
      'local api',
    );
    const banned = await waitFor(async () => {
      const info = (await (await fetch(`http://${addr}/api/v2/info`)).json()) as {
        cloud: { status: string; reason: string };
      };
      return info.cloud.status === 'banned' ? info.cloud : null;
    }, 'agent reports banned');
    assert.match(banned.reason, /removed from the server/);
    const node = await server.services.nodes.get(id);
    assert.equal(node.status, 'removed');
    const ch = await request(server, 'GET', `/api/v1/auth/node/${id}/challenge`);
    assert.equal(ch.status, 403);
    assert.equal(
      ch.json<{ errorMsgKey: string; errorNonRetryable: boolean }>().errorMsgKey,
      'ErrNodeRemoved',
    );
    const listed = await request(server, 'GET', '/api/nodes', { cookie });
    assert.equal(
      listed.json<{ id: string }[]>().some((n) => n.id === id),
      false,
      'removed nodes leave the list',
    );
    await agent.stop();
  });

  test('local API: classic info keys, v2 cloud status, and claiming with the session key file', async () => {
    const dir = server.tempDir('muster-agent-');
    const agent = spawnAgent(['--state-dir', dir.path, '--ca-pin', formatPin(server.pin!)]);
    const addr = await waitFor(
      () => readFileSync(join(dir.path, 'local-api.addr'), 'utf8').trim(),
      'local api',
    );
    const v1 = (await (await fetch(`http://${addr}/api/v1/info`)).json()) as Record<string, unknown>;
    assert.equal(v1['agent-claimed'], false);
    assert.equal(v1['aclk-available'], false);
    assert.equal(v1['cloud-enabled'], true);
    const v2 = (await (await fetch(`http://${addr}/api/v2/info`)).json()) as { cloud: { status: string } };
    assert.equal(v2.cloud.status, 'available');

    const q = `token=${token}&url=${encodeURIComponent(server.url)}`;
    const wrong = await fetch(`http://${addr}/api/v2/claim?key=nope&${q}`);
    assert.equal(wrong.status, 403);
    const key = readFileSync(join(dir.path, 'session.key'), 'utf8').trim();
    const ok = await fetch(`http://${addr}/api/v2/claim?key=${key}&${q}`);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.notEqual(
      readFileSync(join(dir.path, 'session.key'), 'utf8').trim(),
      key,
      'the key is regenerated after an attempt',
    );
    const reused = await fetch(`http://${addr}/api/v2/claim?key=${key}&${q}`);
    assert.equal(reused.status, 403, 'an old key is refused');
    await waitFor(
      async () =>
        ((await (await fetch(`http://${addr}/api/v1/info`)).json()) as Record<string, unknown>)[
          'aclk-available'
        ] === true,
      'link online',
    );

    const un = await runAgent(['unclaim', '--state-dir', dir.path]);
    assert.equal(un.code, 0, un.stderr);
    const id = (await server.services.nodes.list({ status: 'removed', limit: 5000, offset: 0 })).find((n) =>
      n.reason.includes('unclaimed'),
    );
    assert.ok(id, 'the server knows the node left');
    await agent.stop();
  });
});

describe('presence rules with injected time', () => {
  const clock = manualClock();
  const server = useTestServer({ clock, timers: handTimers, heartbeatSeconds: 10 });

  test('three missed heartbeats mark the node offline with a reason', async () => {
    const sim = await simulatedIdentity(server);
    try {
      const link = await sim.open();
      assert.equal(link.first.t, 'welcome');
      assert.equal(link.first.heartbeat_interval_ms, 10_000);
      await waitFor(async () => (await server.services.nodes.get(sim.id)).status === 'online', 'online');
      link.ws.send(JSON.stringify({ t: 'heartbeat' }));
      clock.advance(29_000);
      server.services.hub.sweep();
      assert.equal(
        (await server.services.nodes.get(sim.id)).status,
        'online',
        'two missed beats are tolerated',
      );
      clock.advance(2_000);
      server.services.hub.sweep();
      const node = await waitFor(
        async () =>
          (await server.services.nodes.get(sim.id)).status === 'offline'
            ? server.services.nodes.get(sim.id)
            : null,
        'offline',
      );
      assert.match(node.reason, /no heartbeat for 31 s \(3 missed\)/);
      assert.equal(await link.closed, 4005);
    } finally {
      sim.remove();
    }
  });

  test('a websocket ping is a heartbeat: welcome asks for pings, and a link that pings stays online', async () => {
    const sim = await simulatedIdentity(server);
    try {
      const link = await sim.open();
      assert.equal(link.first.heartbeat, 'ping', 'agents are told to beat with a ping');
      await waitFor(async () => (await server.services.nodes.get(sim.id)).status === 'online', 'online');
      for (let i = 0; i < 6; i++) {
        clock.advance(10_000);
        const pong = new Promise((r) => link.ws.once('pong', r));
        link.ws.ping();
        await pong;
        server.services.hub.sweep();
      }
      assert.equal(
        (await server.services.nodes.get(sim.id)).status,
        'online',
        'a minute of pings, still online',
      );
      clock.advance(31_000);
      server.services.hub.sweep();
      await waitFor(async () => (await server.services.nodes.get(sim.id)).status === 'offline', 'offline');
      link.ws.terminate();
    } finally {
      sim.remove();
    }
  });

  test('a second link replaces the first; repeated take-overs flag a duplicate identity and stop the flapping', async () => {
    const sim = await simulatedIdentity(server);
    try {
      const a = await sim.open();
      const b = await sim.open();
      assert.equal(b.first.t, 'welcome');
      assert.equal(await a.closed, 4001, 'the older link is replaced');
      const c = await sim.open();
      assert.equal(await b.closed, 4001);
      const d = await sim.open();
      assert.equal(d.first.t, 'disconnect', 'the third take-over in a minute is refused');
      assert.match(String(d.first.reason), /duplicate identity suspected/);
      assert.equal(await d.closed, 4003);
      const node = await waitFor(
        async () =>
          (await server.services.nodes.get(sim.id)).duplicate_suspected
            ? server.services.nodes.get(sim.id)
            : null,
        'flag',
      );
      assert.equal(node.status, 'online', 'the holder keeps the link');
      assert.equal(c.ws.readyState, WebSocket.OPEN);
      clock.advance(11 * 60_000);
      c.ws.send(JSON.stringify({ t: 'heartbeat' }));
      await new Promise((r) => setTimeout(r, 100));
      server.services.hub.sweep();
      await waitFor(
        async () => !(await server.services.nodes.get(sim.id)).duplicate_suspected,
        'flag cleared after quiet time',
      );
      c.ws.close();
    } finally {
      sim.remove();
    }
  });

  test('malformed frames close the link with a protocol error and the server keeps running', async () => {
    const sim = await simulatedIdentity(server);
    try {
      const link = await sim.open();
      link.ws.send('{"t":"no-such-frame"}');
      assert.equal(await link.closed, 4000);
      const again = await sim.open();
      again.ws.send('not json');
      assert.equal(await again.closed, 4000);
      assert.equal((await request(server, 'GET', '/healthz')).status, 200);
    } finally {
      sim.remove();
    }
  });
});

describe('space claim token and roles', () => {
  const server = useTestServer();

  test('only admins see the token; rotation kills the old one at once', async () => {
    const admin = await login(server);
    for (const role of ['operator', 'viewer'] as const) {
      const { cookie } = await addUser(server, admin, role, role);
      const r = await request(server, 'GET', `/api/spaces/${server.spaceId}/claim-token`, { cookie });
      assert.equal(r.status, 403);
      assert.equal(r.json<{ code: string }>().code, 'forbidden');
      assert.doesNotMatch(r.text, /msc_/);
    }
    assert.equal((await request(server, 'GET', `/api/spaces/${server.spaceId}/claim-token`)).status, 401);

    const old = (
      await request(server, 'GET', `/api/spaces/${server.spaceId}/claim-token`, { cookie: admin })
    ).json<{ token: string }>().token;
    const rotated = await request(server, 'POST', `/api/spaces/${server.spaceId}/claim-token/rotate`, {
      cookie: admin,
      body: {},
    });
    assert.equal(rotated.status, 200);
    const fresh = rotated.json<{ token: string }>().token;
    assert.notEqual(fresh, old);
    const pin = formatPin(server.pin!);
    const dir = tempDir('muster-agent-');
    try {
      const r1 = await runAgent([
        'claim',
        '--state-dir',
        dir.path,
        '--local-api',
        'off',
        '--url',
        server.url,
        '--token',
        old,
        '--ca-pin',
        pin,
      ]);
      assert.equal(r1.code, EXIT.FORBIDDEN);
      assert.match(r1.stderr, /rotated or revoked/);
      const r2 = await runAgent([
        'claim',
        '--state-dir',
        dir.path,
        '--local-api',
        'off',
        '--url',
        server.url,
        '--token',
        fresh,
        '--ca-pin',
        pin,
      ]);
      assert.equal(r2.code, 0, r2.stderr);
    } finally {
      dir.remove();
    }
  });

  test('sessions: wrong password 401, logout ends the session', async () => {
    const bad = await request(server, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: 'nope' },
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(Object.keys(bad.json<object>()).sort(), ['code', 'message']);
    const cookie = await login(server);
    assert.equal((await request(server, 'GET', '/api/me', { cookie })).status, 200);
    assert.equal((await request(server, 'POST', '/api/auth/logout', { cookie })).status, 204);
    assert.equal((await request(server, 'GET', '/api/me', { cookie })).status, 401);
  });
});

describe('request/reply timing with a raw link', () => {
  const server = useTestServer();

  test('a request times out (504) and the agent is told to cancel; a late reply is dropped; cancel works', async () => {
    const sim = await simulatedIdentity(server);
    try {
      const link = await sim.open();
      const frames: { t: string; id?: string }[] = [];
      link.ws.on('message', (d) =>
        frames.push(JSON.parse((d as Buffer).toString()) as { t: string; id?: string }),
      );
      await assert.rejects(
        server.services.sessions.requestRaw(sim.id, 'slow', {}, 200),
        (e: AppError) => e.code === 'AGENT_TIMEOUT',
      );
      await waitFor(() => frames.some((f) => f.t === 'cancel'), 'cancel frame');
      const req = frames.find((f) => f.t === 'request')!;
      link.ws.send(JSON.stringify({ t: 'reply', id: req.id, ok: true, result: 'too late' }));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.services.sessions.pendingCount(), 0);
      assert.equal(link.ws.readyState, WebSocket.OPEN, 'a late reply is harmless');

      const waiting = server.services.sessions.requestRaw(sim.id, 'slow', {}, 5000);
      await waitFor(() => frames.filter((f) => f.t === 'request').length === 2, 'second request');
      const second = frames.filter((f) => f.t === 'request')[1]!;
      assert.equal(server.services.sessions.cancel(second.id!), true);
      await assert.rejects(waiting, /cancelled/);
      link.ws.close();
    } finally {
      sim.remove();
    }
  });
});

describe('limits against a misbehaving agent', () => {
  const server = useTestServer();

  test('a log flood is capped per job, an oversize frame closes the link, invented jobs are not recorded', async () => {
    const sim = await simulatedIdentity(server);
    try {
      const link = await sim.open();
      const job = await server.services.jobs.create(SYSTEM, sim.id, 'system.probe', {});
      const send = (f: unknown) => link.ws.send(JSON.stringify(f));
      send({ t: 'job.started', job_id: job.id, at: Date.now() });
      const chunk = 'x'.repeat(512 * 1024);
      // 40 chunks of 512 KiB (20 MiB) as fast as the socket takes them.
      for (let seq = 0; seq < 40; seq++)
        send({ t: 'job.log', job_id: job.id, seq, stream: 'stdout', data: chunk });
      send({ t: 'job.finished', job_id: job.id, state: 'succeeded', exit_code: 0 });
      // A job the server never asked for and no schedule of this node started.
      send({ t: 'job.started', job_id: 'made-up', at: Date.now(), type: 'restic.backup', params: {} });
      send({ t: 'job.finished', job_id: 'made-up', state: 'succeeded', exit_code: 0 });
      const done = await waitFor(async () => {
        const j = await server.services.jobs.get(job.id);
        return j.state === 'succeeded' ? j : null;
      }, 'the flooded job to end');
      assert.ok(
        Buffer.byteLength(done.log) <= MAX_JOB_LOG_BYTES + 100,
        `stored ${Buffer.byteLength(done.log)} bytes`,
      );
      assert.ok(done.log.endsWith('\n[log truncated at 1048576 bytes]\n'), done.log.slice(-80));
      await assert.rejects(server.services.jobs.get('made-up'), /does not exist/);
      assert.equal(link.ws.readyState, WebSocket.OPEN, 'a capped log does not end the link');

      link.ws.send(JSON.stringify({ t: 'heartbeat', pad: 'y'.repeat(MAX_FRAME_BYTES) }));
      assert.equal(await link.closed, 1009, 'message too big');
    } finally {
      sim.remove();
    }
  });
});
