import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { constants, generateKeyPairSync, privateDecrypt, randomBytes, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { linkSignatureMessage } from '../src/protocol/claim-api.ts';
import { EXIT } from '../src/protocol/errors.ts';
import { formatPin } from '../src/protocol/pin.ts';
import {
  ADMIN_PASSWORD,
  claimInto,
  connectArgs,
  login,
  manualClock,
  request,
  runAgent,
  simulatedIdentity,
  SIM_FACTS,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  type AgentProcess,
  useTestServer,
} from './helpers.ts';
import { connectCommand, ENVIRONMENTS } from '../web/src/connect-commands.ts';

/**
 * Attacks and faults, each as the request an attacker (or a crash) would make, with the refusal we expect.
 * Real server over TLS, real agent processes, real sockets.
 */
describe('security: attack -> expected refusal', () => {
  const clock = manualClock();
  // Link auth is rate limited per address; the hammering below comes from the agent's own address.
  const server = useTestServer({ clock, flags: { linkAuthPerMinute: 1_000_000 } });
  let admin: string;
  let spaceToken: string;
  const agents: AgentProcess[] = [];
  server.defer(async () => {
    for (const a of agents) await a.stop('SIGKILL');
  });

  const stateDir = () => server.tempDir('muster-sec-agent-').path;
  const node = async (id: string) =>
    (await request(server, 'GET', `/api/nodes/${id}`, { cookie: admin })).json<{
      status: string;
      reason: string;
      pending_stuck: boolean;
    }>();
  const nodeCount = async () =>
    (await request(server, 'GET', '/api/nodes/export', { cookie: admin })).json<unknown[]>().length;
  const claimedId = (dir: string) => readFileSync(join(dir, 'cloud.d', 'claimed_id'), 'utf8').trim();
  /** The status of a link upgrade with this Authorization (101: the link opened, and is closed again). */
  const upgrade = (authorization: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/link`, {
        ca: server.ca,
        headers: { authorization },
      });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.once('error', reject);
    });

  before(async () => {
    admin = await login(server);
    spaceToken = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
  });

  test('hammering the challenge endpoint for a node never keeps its agent out (20 reconnects)', async () => {
    const dir = stateDir();
    const agent = spawnAgent(['--state-dir', dir, ...connectArgs(server, spaceToken)]);
    agents.push(agent);
    await waitFor(() => existsSync(join(dir, 'cloud.d', 'claimed_id')), 'the claim');
    const id = claimedId(dir);
    await waitFor(async () => (await node(id)).status === 'online', 'online');
    let stop = false;
    let hammered = 0;
    const hammer = async () => {
      while (!stop) {
        const r = await request(server, 'GET', `/api/v1/auth/node/${id}/challenge`);
        assert.equal(r.status, 200);
        hammered++;
      }
    };
    const hammers = [hammer(), hammer(), hammer()];
    const addr = readFileSync(join(dir, 'local-api.addr'), 'utf8').trim();
    for (let i = 0; i < 20; i++) {
      const before = (await server.database.db
        .selectFrom('link_sessions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('node_id', '=', id)
        .executeTakeFirstOrThrow()) as { n: number | string };
      // A reload restarts the link: full challenge/response again, while the hammering goes on.
      await fetch(`http://${addr}/api/v1/reload-claiming-state`, { method: 'POST' });
      await waitFor(
        async () => {
          const now = (await server.database.db
            .selectFrom('link_sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('node_id', '=', id)
            .executeTakeFirstOrThrow()) as { n: number | string };
          return Number(now.n) > Number(before.n) && (await node(id)).status === 'online';
        },
        `reconnect ${i + 1}`,
      );
    }
    stop = true;
    await Promise.all(hammers);
    assert.ok(hammered > 20, `the challenge endpoint was hammered (${hammered} requests)`);
    assert.doesNotMatch(agent.output(), /not reconnecting|banned/);
  });

  test('a wrong challenge answer is refused; a right one cannot be replayed', async () => {
    const dir = stateDir();
    const claimed = await claimInto(server, dir, spaceToken);
    assert.equal(claimed.code, 0, claimed.stderr);
    const id = claimedId(dir);
    const password = (response: string) =>
      request(server, 'POST', `/api/v1/auth/node/${id}/password`, { body: { agent_version: 'x', response } });
    const wrong = await password(Buffer.alloc(64, 1).toString('base64'));
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json<{ errorMsgKey: string }>().errorMsgKey, 'ErrForbidden');
    // The answer an eavesdropper saw is worth nothing a second time.
    const { challenge } = (await request(server, 'GET', `/api/v1/auth/node/${id}/challenge`)).json<{
      challenge: string;
    }>();
    const nonce = privateDecrypt(
      {
        key: readFileSync(join(dir, 'cloud.d', 'private.pem'), 'utf8'),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      Buffer.from(challenge, 'base64'),
    ).toString('base64');
    assert.equal((await password(nonce)).status, 201);
    const replayed = await password(nonce);
    assert.equal(replayed.status, 403);
    assert.match(replayed.json<{ errorMessage: string }>().errorMessage, /already answered/);
  });

  test("a challenge's answer opens one link on the upgrade: not twice, not as another node, not once a password took it", async () => {
    const dir = stateDir();
    assert.equal((await claimInto(server, dir, spaceToken)).code, 0);
    const id = claimedId(dir);
    const otherDir = stateDir();
    assert.equal((await claimInto(server, otherDir, spaceToken)).code, 0);
    const other = claimedId(otherDir);
    const answer = async () => {
      const { challenge } = (await request(server, 'GET', `/api/v1/auth/node/${id}/challenge`)).json<{
        challenge: string;
      }>();
      return privateDecrypt(
        {
          key: readFileSync(join(dir, 'cloud.d', 'private.pem'), 'utf8'),
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
        },
        Buffer.from(challenge, 'base64'),
      ).toString('base64');
    };
    const env = (await request(server, 'GET', `/api/v1/env?claim_id=${id}`)).json<{
      capabilities: { name: string }[];
    }>();
    assert.ok(
      env.capabilities.some((c) => c.name === 'link-answer'),
      'the server offers the direct answer',
    );
    const challengeAuth = (node: string, secret: string) =>
      `Challenge ${Buffer.from(`${node}:${secret}`).toString('base64')}`;

    const nonce = await answer();
    // Another node cannot use it: the answer is bound to the node it was issued for.
    assert.equal(await upgrade(challengeAuth(other, nonce)), 401);
    assert.equal(await upgrade(challengeAuth(id, nonce)), 101);
    // The answer an eavesdropper saw opens nothing a second time.
    assert.equal(await upgrade(challengeAuth(id, nonce)), 401);
    // Garbage and a made-up answer are refused like a wrong password.
    assert.equal(await upgrade('Challenge !!!'), 401);
    assert.equal(await upgrade(challengeAuth(id, Buffer.alloc(64, 7).toString('base64'))), 401);
    // One answer, one use, whichever way: once exchanged for a password it opens no link, and the reverse.
    const spent = await answer();
    const pw = await request(server, 'POST', `/api/v1/auth/node/${id}/password`, {
      body: { agent_version: 'x', response: spent },
    });
    assert.equal(pw.status, 201);
    assert.equal(await upgrade(challengeAuth(id, spent)), 401);
    const linked = await answer();
    assert.equal(await upgrade(challengeAuth(id, linked)), 101);
    const late = await request(server, 'POST', `/api/v1/auth/node/${id}/password`, {
      body: { agent_version: 'x', response: linked },
    });
    assert.equal(late.status, 403);
    // An answer outlives its challenge by nothing: a minute later it is refused.
    const stale = await answer();
    clock.advance(61_000);
    assert.equal(await upgrade(challengeAuth(id, stale)), 401);
  });

  test("a node's signature opens one link on the upgrade: not twice, not as another node, not with another key, not stale", async () => {
    const dir = stateDir();
    assert.equal((await claimInto(server, dir, spaceToken)).code, 0);
    const id = claimedId(dir);
    const key = readFileSync(join(dir, 'cloud.d', 'private.pem'), 'utf8');
    const otherDir = stateDir();
    assert.equal((await claimInto(server, otherDir, spaceToken)).code, 0);
    const other = claimedId(otherDir);
    const env = (await request(server, 'GET', `/api/v1/env?claim_id=${id}`)).json<{
      capabilities: { name: string }[];
    }>();
    assert.ok(
      env.capabilities.some((c) => c.name === 'link-signature'),
      'the server offers the signed upgrade',
    );
    /** A signed proof as the agent makes it; every part can be given wrong on purpose. */
    const proof = (o: { node?: string; at?: number; random?: string; with?: string } = {}) => {
      const node = o.node ?? id;
      const at = o.at ?? clock.now();
      const random = o.random ?? randomBytes(18).toString('base64url');
      const signature = sign('sha256', Buffer.from(linkSignatureMessage(node, at, random)), o.with ?? key);
      return `${at}.${random}.${signature.toString('base64url')}`;
    };
    const signed = (node: string, p: string) => `Signature ${Buffer.from(`${node}:${p}`).toString('base64')}`;

    const once = proof();
    assert.equal(await upgrade(signed(id, once)), 101);
    // What an eavesdropper (or a proxy that logs headers) saw opens nothing a second time.
    assert.equal(await upgrade(signed(id, once)), 401);
    // Signed by this node for itself, presented as another node; signed for the other node by this one's key.
    assert.equal(await upgrade(signed(other, proof())), 401);
    assert.equal(await upgrade(signed(other, proof({ node: other }))), 401);
    // Another key, however well formed the proof.
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    assert.equal(await upgrade(signed(id, proof({ with: stranger }))), 401);
    // Out of the server's window either way: a recorded proof replayed later, or one dated ahead.
    assert.equal(await upgrade(signed(id, proof({ at: clock.now() - 61_000 }))), 401);
    assert.equal(await upgrade(signed(id, proof({ at: clock.now() + 61_000 }))), 401);
    const recorded = proof();
    clock.advance(61_000);
    assert.equal(await upgrade(signed(id, recorded)), 401);
    // The signature of one time and random part does not cover another.
    const [, , sig] = proof().split('.');
    assert.equal(
      await upgrade(signed(id, `${clock.now()}.${randomBytes(18).toString('base64url')}.${sig}`)),
      401,
    );
    // Garbage in every part is refused like a wrong password.
    for (const bad of [
      '',
      '!!!',
      `${clock.now()}..`,
      `x.${'A'.repeat(24)}.${'A'.repeat(342)}`,
      `${proof()}.x`,
    ])
      assert.equal(await upgrade(signed(id, bad)), 401, bad);
    assert.equal(await upgrade('Signature !!!'), 401);
    // A removed node's key opens nothing, however fresh the signature.
    const removed = (await request(server, 'DELETE', `/api/nodes/${other}`, { cookie: admin })).status;
    assert.ok(removed === 204 || removed === 200, `removing: ${removed}`);
    const otherKey = readFileSync(join(otherDir, 'cloud.d', 'private.pem'), 'utf8');
    assert.equal(await upgrade(signed(other, proof({ node: other, with: otherKey }))), 401);
    // And the honest agent still links.
    assert.equal(await upgrade(signed(id, proof())), 101);
  });

  test('a node cannot fail another node’s job with a reply frame', async () => {
    const victim = await simulatedIdentity(server);
    const attacker = await simulatedIdentity(server);
    const job = (
      await request(server, 'POST', `/api/hosts/${victim.id}/jobs`, {
        cookie: admin,
        body: { type: 'system.probe', params: {} },
      })
    ).json<{ id: string }>();
    const link = await attacker.open();
    link.ws.send(
      JSON.stringify({ t: 'reply', id: job.id, ok: false, error: { code: 'x', message: 'pwned' } }),
    );
    link.ws.send(JSON.stringify({ t: 'job.finished', job_id: job.id, state: 'failed', exit_code: 1 }));
    await new Promise((r) => setTimeout(r, 300));
    const after = (await request(server, 'GET', `/api/jobs/${job.id}`, { cookie: admin })).json<{
      state: string;
    }>();
    assert.equal(after.state, 'queued', 'the victim’s job is untouched');
    link.ws.close();
    victim.remove();
    attacker.remove();
  });

  test('a second hello closes the link with 4000 and a reason; the server keeps running', async () => {
    const sim = await simulatedIdentity(server);
    const link = await sim.open();
    link.ws.send(JSON.stringify({ t: 'hello', protocol: 1, agent_version: 'x', facts: SIM_FACTS }));
    assert.equal(await link.closed, 4000);
    assert.match(await link.closeReason, /hello may be sent once/);
    assert.equal((await request(server, 'GET', '/healthz')).status, 200);
    sim.remove();
  });

  test('unbounded labels in hello are refused with a close reason naming them', async () => {
    const labels = Object.fromEntries(Array.from({ length: 1800 }, (_, i) => [`k${i}`, 'v'.repeat(400)]));
    const sim = await simulatedIdentity(server, { ...SIM_FACTS, labels });
    const link = await sim.open();
    assert.equal(link.first.t, 'closed');
    assert.equal(await link.closed, 4000);
    assert.match(await link.closeReason, /facts\.labels: at most 64 labels/);
    assert.ok((await request(server, 'GET', `/api/nodes/${sim.id}`, { cookie: admin })).text.length < 10_000);
    sim.remove();
  });

  test('the same UUID in upper case is the same node; ids are stored in lower case', async () => {
    const dir = stateDir();
    const upper = randomUUID().toUpperCase();
    const first = await claimInto(server, dir, spaceToken, '--id', upper);
    assert.equal(first.code, 0, first.stderr);
    const lower = upper.toLowerCase();
    assert.equal((await node(lower)).status, 'pending');
    // The same claim again under the lower-case id with the same key is a retry, not a second node.
    const count = await nodeCount();
    const again = await request(server, 'PUT', `/api/v1/spaces/nodes/${lower}`, {
      body: {
        node: { id: lower, hostname: 'x' },
        token: spaceToken,
        publicKey: readFileSync(join(dir, 'cloud.d', 'public.pem'), 'utf8'),
      },
    });
    assert.equal(again.status, 204, again.text);
    assert.equal(await nodeCount(), count);
    assert.equal((await request(server, 'GET', `/api/nodes/${upper}`, { cookie: admin })).status, 200);
  });

  test('bad input on /api/v1 gets the claim error body, on management routes {code,message}; never a 500', async () => {
    const isClaimBody = (t: string) =>
      assert.deepEqual(Object.keys(JSON.parse(t) as object).sort(), [
        'errorCode',
        'errorMessage',
        'errorMsgKey',
        'errorNonRetryable',
      ]);
    for (const path of [
      '/api/v1/env?claim_id=a&claim_id=b',
      `/api/v1/env?claim_id=${'a'.repeat(300)}`,
      `/api/v1/auth/node/${'a'.repeat(150)}/challenge`,
      `/api/v1/auth/node/${'a'.repeat(800)}/challenge`,
      '/api/v1/auth/node/%E0%A4%A/challenge',
      '/api/v1/nothing-here',
    ]) {
      const r = await request(server, 'GET', path);
      assert.ok(r.status >= 400 && r.status < 500, `${path.slice(0, 60)}: ${r.status}`);
      isClaimBody(r.text);
    }
    const long = await request(server, 'GET', `/api/nodes/${'a'.repeat(800)}`, { cookie: admin });
    assert.equal(long.status, 414);
    assert.deepEqual(Object.keys(long.json<object>()).sort(), ['code', 'message']);
  });

  test('an agent killed after the server stored its claim comes back as the same node; the token is not used twice', async () => {
    for (const kind of ['space token with one use left', 'one-time token'] as const) {
      let token: string;
      if (kind === 'one-time token') {
        token = (
          await request(server, 'POST', '/api/enrollment-tokens', {
            cookie: admin,
            body: { hostname: osHostname() },
          })
        ).json<{ token: string }>().token;
      } else {
        await request(server, 'POST', `/api/spaces/${server.spaceId}/claim-token/rotate`, {
          cookie: admin,
          body: { max_uses: 1 },
        });
        token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
      }
      const dir = stateDir();
      const before = await nodeCount();
      const args = ['--state-dir', dir, ...connectArgs(server, token)];
      let frozen!: () => void;
      const stored = new Promise<void>((r) => (frozen = r));
      // Freeze the agent the moment the server has stored the claim, before it can read the answer; then kill it.
      const unsubscribe = server.services.bus.subscribe((e) => {
        if (e.type === 'node.claimed' && first.child.pid) {
          process.kill(first.child.pid, 'SIGSTOP');
          process.kill(first.child.pid, 'SIGKILL');
          frozen();
        }
      });
      const first = spawnAgent(args);
      await stored;
      await first.stop('SIGKILL');
      unsubscribe();
      assert.ok(
        !existsSync(join(dir, 'cloud.d', 'claimed_id')),
        `${kind}: the agent never recorded its claim`,
      );
      assert.equal(await nodeCount(), before + 1, `${kind}: the server stored it`);
      const again = spawnAgent(args);
      agents.push(again);
      await waitFor(() => existsSync(join(dir, 'cloud.d', 'claimed_id')), `${kind}: the retried claim`);
      const id = claimedId(dir);
      await waitFor(async () => (await node(id)).status === 'online', `${kind}: online`);
      assert.equal(await nodeCount(), before + 1, `${kind}: still one node for the machine`);
      await again.stop();
    }
    // The space token was limited to one use: the retry did not count a second one.
    const t = (
      await request(server, 'GET', `/api/spaces/${server.spaceId}/claim-token`, { cookie: admin })
    ).json<{
      uses: number;
    }>();
    assert.equal(t.uses, 1);
    await request(server, 'POST', `/api/spaces/${server.spaceId}/claim-token/rotate`, {
      cookie: admin,
      body: {},
    });
    spaceToken = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
  });

  test('a retried enroll with the same key returns the same host; another key cannot take it', async () => {
    const token = (
      await request(server, 'POST', '/api/enrollment-tokens', { cookie: admin, body: { hostname: 'enr-1' } })
    ).json<{ token: string }>().token;
    const dir = stateDir();
    const env = { MUSTER_CLAIM_TOKEN: token };
    const enroll = (state: string, ...trust: string[]) =>
      runAgent(
        [
          'enroll',
          '--state-dir',
          state,
          '--local-api',
          'off',
          '--url',
          server.url,
          '--hostname',
          'enr-1',
          ...trust,
        ],
        {
          env,
        },
      );
    const first = await enroll(dir, '--ca-pin', formatPin(server.pin!));
    assert.equal(first.code, 0, first.stderr);
    const hostId = claimedId(dir);
    // The agent "crashed" before recording: forget the answer, keep the key, enroll again.
    const { unlinkSync } = await import('node:fs');
    for (const f of ['claimed_id', 'agent_token', 'cloud.conf']) unlinkSync(join(dir, 'cloud.d', f));
    const retry = await enroll(dir, '--ca-pin', formatPin(server.pin!));
    assert.equal(retry.code, 0, retry.stderr);
    assert.equal(claimedId(dir), hostId, 'the same host');
    // Another machine with the used token (and its own key) gets 410.
    const other = await enroll(stateDir(), '--insecure');
    assert.equal(other.code, EXIT.FORBIDDEN, other.stderr);
  });

  test('claiming a claimed machine again needs --force; damaged identity files exit 20 naming the file', async () => {
    const dir = stateDir();
    const claim = (...extra: string[]) => claimInto(server, dir, spaceToken, ...extra);
    assert.equal((await claim()).code, 0);
    const count = await nodeCount();
    const twice = await claim();
    assert.equal(twice.code, EXIT.ALREADY_CLAIMED);
    assert.match(twice.stderr, /already claimed as node .* --force/);
    assert.equal(await nodeCount(), count, 'no second node');
    const forced = await claim('--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /replacing this machine's identity/);
    assert.equal(await nodeCount(), count + 1);

    writeFileSync(join(dir, 'cloud.d', 'claimed_id'), '');
    const empty = await runAgent(['run', '--state-dir', dir, '--local-api', 'off']);
    assert.equal(empty.code, EXIT.STATE_CORRUPT);
    assert.match(empty.stderr, /claimed_id is empty/);
    writeFileSync(join(dir, 'cloud.d', 'claimed_id'), `${randomUUID()}\n`);
    writeFileSync(join(dir, 'cloud.d', 'private.pem'), 'garbage');
    const garbage = await runAgent(['run', '--state-dir', dir, '--local-api', 'off']);
    assert.equal(garbage.code, EXIT.STATE_CORRUPT);
    assert.match(garbage.stderr, /private\.pem does not hold a private key/);
  });

  test('a node claimed but never connected is shown as stuck after the configured time; an admin removes it', async () => {
    const dir = stateDir();
    assert.equal((await claimInto(server, dir, spaceToken)).code, 0);
    const id = claimedId(dir);
    assert.equal((await node(id)).pending_stuck, false);
    clock.advance(61 * 60_000);
    const stuck = await node(id);
    assert.equal(stuck.pending_stuck, true);
    assert.match(stuck.reason, /never connected: check the agent/);
    assert.equal((await request(server, 'DELETE', `/api/nodes/${id}`, { cookie: admin })).status, 204);
  });

  test('cross-site requests with the admin cookie are refused; same-origin JSON is not', async () => {
    const sim = await simulatedIdentity(server);
    const nodePath = `/api/nodes/${sim.id}`;
    const other = `https://127.0.0.1:${server.port + 1}`;
    const attacks: [string, string, Record<string, string>, string?][] = [
      ['POST', '/api/auth/logout', { 'content-type': 'text/plain' }, 'x'],
      ['POST', `/api/hosts/${sim.id}/jobs`, { 'content-type': 'text/plain' }, '{"type":"system.probe"}'],
      [
        'POST',
        `/api/hosts/${sim.id}/jobs`,
        { origin: other, 'content-type': 'application/json' },
        '{"type":"system.probe"}',
      ],
      [
        'POST',
        `/api/hosts/${sim.id}/jobs`,
        { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
        '{"type":"system.probe"}',
      ],
      ['DELETE', nodePath, { origin: 'null' }],
    ];
    for (const [method, path, headers, rawBody] of attacks) {
      const r = await request(server, method, path, { cookie: admin, headers, rawBody });
      assert.equal(r.status, 403, `${method} ${path} ${JSON.stringify(headers)}: ${r.text}`);
    }
    const own = await request(server, 'POST', `/api/hosts/${sim.id}/jobs`, {
      cookie: admin,
      headers: { origin: server.url, 'sec-fetch-site': 'same-origin' },
      body: { type: 'system.probe', params: {} },
    });
    assert.notEqual(own.status, 403, own.text);
    sim.remove();
  });

  test('security headers: no framing, no sniffing, HSTS over TLS, CSP on pages and answers', async () => {
    for (const path of ['/', '/api/me', '/healthz']) {
      const r = await request(server, 'GET', path, { cookie: admin });
      assert.equal(r.headers['x-frame-options'], 'DENY', path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
      assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/, path);
      assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/, path);
    }
  });

  test('the agent’s local API refuses foreign Host names (DNS rebinding) and web-page origins', async () => {
    const dir = stateDir();
    const agent = spawnAgent(['--state-dir', dir]);
    agents.push(agent);
    await waitFor(() => existsSync(join(dir, 'local-api.addr')), 'local API');
    const addr = readFileSync(join(dir, 'local-api.addr'), 'utf8').trim();
    const port = addr.split(':').pop()!;
    const http = await import('node:http');
    const call = (method: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method, path: '/api/v1/reload-claiming-state', headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    assert.equal(await call('POST', { host: `evil.example:${port}` }), 403);
    assert.equal(await call('POST', { host: addr, origin: 'http://evil.example' }), 403);
    assert.equal(await call('POST', { host: addr }), 200);
    await agent.stop();
  });

  test('every install path checks the server: the macOS command with a wrong pin runs nothing', async () => {
    const home = server.tempDir('muster-home-');
    const base = { url: server.url, token: spaceToken, rooms: [] };
    const bash = (cmd: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn('bash', ['-c', cmd], { env: { PATH: process.env.PATH, HOME: home.path } });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (out += d.toString()));
        c.on('close', (code) => resolve({ code, out }));
      });
    const wrong = connectCommand('macos', { ...base, caPin: `sha256:${'0'.repeat(64)}` });
    // Up to what needs macOS itself (sudo install, launchctl): the downloads and their checks run anywhere.
    const untilInstall = (cmd: string) => cmd.replace(/ && \\\n {2}sudo install[\s\S]*$/, '');
    const r = await bash(untilInstall(wrong));
    assert.notEqual(r.code, 0);
    assert.ok(!existsSync(join(home.path, 'muster-agent', 'muster-agent')), 'nothing was downloaded');
    // With the right pin: the CA is checked, the executable for this CPU is downloaded (compressed where curl takes
    // zstd) and checked against its SHA-256.
    const right = connectCommand('macos', { ...base, caPin: formatPin(server.pin!) });
    assert.match(right, /launchctl bootstrap system \/Library\/LaunchDaemons\/io\.muster\.agent\.plist$/);
    const ok = await bash(untilInstall(right));
    assert.equal(ok.code, 0, ok.out);
    const mac = readFileSync(join(home.path, 'muster-agent', 'muster-agent'));
    assert.equal(mac.readUInt32LE(0), 0xfeedfacf, 'a Mach-O executable');
    for (const env of ENVIRONMENTS) {
      const cmd = connectCommand(env.id, { ...base, caPin: formatPin(server.pin!), installPs1Sha256: 'ab' });
      assert.doesNotMatch(
        cmd,
        /curl[^\n]*-fsSLk|-k [^\n]*muster-agent|--token /,
        `${env.id}: no unchecked download, no token argument`,
      );
    }
    const ps1 = readFileSync('deploy/install/install.ps1', 'utf8');
    assert.doesNotMatch(ps1, /ServerCertificateValidationCallback\s*=\s*\{\s*\$true\s*\}/);
    assert.doesNotMatch(ps1, /SkipCertificateCheck|'--token'/);
    assert.match(ps1, /Fail 19/);
    assert.match(ps1, /Get-FileHash -Algorithm SHA256/);
  });

  test('the claim command is printed until the first sign-in only; tokens stay off command lines', async () => {
    const data = server.tempDir('muster-banner-');
    const { loadServerConfig } = await import('../src/server/config.ts');
    const { startServer } = await import('../src/server/main.ts');
    const pino = (await import('pino')).default;
    const lines: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const out: string[] = [];
      const s = await startServer(
        loadServerConfig({
          flags: { dataDir: data.path, listen: '127.0.0.1:0', adminPassword: ADMIN_PASSWORD },
          env: {},
        }),
        { log: pino({ level: 'silent' }), print: (l) => out.push(l) },
      );
      try {
        lines.push(out);
        const token = (await s.services.tokens.getSpaceToken(s.spaceId)).token;
        if (i < 2)
          assert.ok(
            out.some((l) => l.includes(token) && l.includes('MUSTER_CLAIM_TOKEN=')),
            'shown again while nobody has signed in',
          );
        else assert.ok(!out.join('\n').includes(token), 'no token once someone signed in');
        if (i === 1) await login({ url: s.url, ca: readFileSync(join(data.path, 'tls', 'ca.pem'), 'utf8') });
      } finally {
        await s.close();
      }
    }
    assert.match(lines[2]!.join('\n'), /muster token show/);
    // --token-file claims without the token on the command line.
    const tokenFile = join(stateDir(), 'token');
    writeFileSync(tokenFile, `${spaceToken}\n`, { mode: 0o600 });
    const r = await runAgent([
      'claim',
      '--state-dir',
      stateDir(),
      '--local-api',
      'off',
      '--url',
      server.url,
      '--ca-pin',
      formatPin(server.pin!),
      '--token-file',
      tokenFile,
    ]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('onboarding wire: token mint and enroll answer 200; initial_paths like "-rf" are refused', async () => {
    const minted = await request(server, 'POST', '/api/enrollment-tokens', {
      cookie: admin,
      body: { hostname: 'w-1' },
    });
    assert.equal(minted.status, 200);
    for (const bad of ['-rf', 'relative/path']) {
      const r = await request(server, 'POST', '/api/enrollment-tokens', {
        cookie: admin,
        body: { hostname: 'w-2', initial_paths: [bad] },
      });
      assert.equal(r.status, 400, bad);
      assert.match(r.text, /absolute path/);
    }
    const enrolled = await request(server, 'POST', '/api/agents/enroll', {
      body: { token: minted.json<{ token: string }>().token, hostname: 'w-1' },
    });
    assert.equal(enrolled.status, 200, enrolled.text);
  });
});

/** A full disk under the server's data dir (a real tmpfs): named in the log, /readyz not ready, recovery by itself. */
describe('security: storage faults', () => {
  test('a full disk: SQLITE_FULL in the log, /readyz 503 while writes fail, ready again when space returns', async (t) => {
    const mnt = tempDir('muster-full-');
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt.path]);
    } catch {
      t.skip('mounting a tmpfs needs root (CI runs as root)');
      mnt.remove();
      return;
    }
    const { Writable } = await import('node:stream');
    const pino = (await import('pino')).default;
    const logged: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (logged.push(c.toString()), cb()) });
    const server = await startTestServer({
      dataDir: join(mnt.path, 'data'),
      log: pino({ level: 'info' }, sink),
    });
    try {
      const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
      mkdirSync(join(mnt.path, 'fill'));
      // Fill the disk to the last byte.
      for (const [name, bs] of [
        ['zero', '64k'],
        ['rest', '1'],
      ])
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${join(mnt.path, 'fill', name!)}`, `bs=${bs}`], {
            stdio: 'ignore',
          });
        } catch {
          // dd ends with "No space left on device": that is the point
        }
      let failed = 0;
      for (let i = 0; i < 50 && failed === 0; i++) {
        const dir = tempDir('muster-full-agent-');
        const r = await claimInto(server, dir.path, token);
        if (r.code !== 0) failed++;
        dir.remove();
      }
      assert.ok(failed > 0, 'writes fail on the full disk');
      await waitFor(() => logged.join('').includes('SQLITE_FULL'), 'the log to name SQLITE_FULL');
      const notReady = await request(server, 'GET', '/readyz');
      assert.equal(notReady.status, 503);
      assert.match(notReady.text, /SQLITE_FULL/);
      execFileSync('rm', ['-rf', join(mnt.path, 'fill')]);
      await waitFor(
        async () => (await request(server, 'GET', '/readyz')).status === 200,
        'ready again',
        20_000,
      );
      await waitFor(() => logged.join('').includes('storage takes writes again'), 'the recovery in the log');
    } finally {
      await server.stop();
      execFileSync('umount', ['-l', mnt.path]);
      mnt.remove();
    }
  });
});
