import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatPin } from '../src/protocol/pin.ts';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  addUser,
  claimInto,
  login,
  manualClock,
  request,
  SIM_FACTS,
  simulatedIdentity,
  spawnAgent,
  useTestServer,
  waitFor,
} from './helpers.ts';

interface Node {
  id: string;
  hostname: string;
  status: string;
  ephemeral: boolean;
  stale: boolean;
  rooms: { id: string; slug: string; by_rule?: boolean }[];
}
const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('nodes come and go: ephemeral nodes removed, stale nodes shown and removed', () => {
  const clock = manualClock();
  const server = useTestServer({ clock });
  const scratch = server.tempDir('muster-life-');

  test('an ephemeral agent (claimed with --ephemeral) and a Netdata-style _is_ephemeral label: removed after the space time offline, audited, with an event; others stay', async () => {
    let cookie = await login(server);
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    const state = join(scratch.path, 'runner-1');
    const claimed = await claimInto(server, state, token, '--hostname', 'ci-runner-1', '--ephemeral');
    assert.equal(claimed.code, 0, claimed.stderr);
    const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const agent = spawnAgent(['--state-dir', state]);
    const node = (nid: string) =>
      request(server, 'GET', `/api/nodes/${nid}`, { cookie }).then((r) => r.json<Node>());
    await waitFor(async () => (await node(id)).status === 'online', 'the ephemeral agent online', 20_000);
    assert.equal((await node(id)).ephemeral, true);

    const labelled = await simulatedIdentity(server, { ...SIM_FACTS, labels: { _is_ephemeral: 'true' } });
    const plain = await simulatedIdentity(server);
    const a = await labelled.open();
    const b = await plain.open();
    assert.equal(a.first.t, 'welcome');
    assert.equal((await node(labelled.id)).ephemeral, true, "Netdata's label makes a node ephemeral");
    assert.equal((await node(plain.id)).ephemeral, false);

    // The space removes ephemeral nodes after 2 h offline.
    const set = await request(server, 'PATCH', `/api/spaces/${server.spaceId}/settings`, {
      cookie,
      body: { ephemeral_remove_hours: 2 },
    });
    assert.equal(set.status, 200, set.text);
    await agent.stop();
    a.ws.close();
    b.ws.close();
    await waitFor(
      async () =>
        (await Promise.all([id, labelled.id, plain.id].map(node))).every((n) => n.status === 'offline'),
      'all three offline',
    );
    clock.advance(1 * HOUR);
    await server.services.housekeeping.run();
    assert.equal((await node(id)).status, 'offline', 'an hour offline is not enough');
    clock.advance(1.5 * HOUR);
    await server.services.housekeeping.run();
    for (const gone of [id, labelled.id]) {
      const n = await node(gone);
      assert.equal(n.status, 'removed');
    }
    assert.equal((await node(plain.id)).status, 'offline', 'a node not ephemeral stays');
    const audit = (await request(server, 'GET', '/api/audit?limit=50', { cookie })).json<{
      events: { action: string; target_id: string; detail: { why?: string } }[];
    }>();
    const record = audit.events.find((e) => e.action === 'node.removed' && e.target_id === id);
    assert.match(record?.detail.why ?? '', /ephemeral node offline more than 2 h/);
    const events = (await request(server, 'GET', '/api/events/history?limit=50', { cookie })).json<{
      events: { node_id: string | null; summary: string }[];
    }>();
    assert.ok(
      events.events.some((e) => e.node_id === id && /removed/.test(e.summary)),
      JSON.stringify(events.events.slice(0, 5)),
    );
    // The removed agent's key is refused from now on.
    await assert.rejects(labelled.open(), /ErrNodeRemoved/);
    labelled.remove();

    // Stale: offline longer than 7 days (the default) shows as stale in the list, its filter and the home page.
    clock.advance(8 * DAY);
    cookie = await login(server); // (the session ended while the days went by)
    const staleRes = await request(server, 'GET', '/api/nodes?status=stale', { cookie });
    assert.equal(staleRes.status, 200, staleRes.text);
    const stale = staleRes.json<Node[]>();
    assert.deepEqual(
      stale.map((n) => n.id),
      [plain.id],
    );
    assert.equal(stale[0]!.stale, true);
    const overview = (await request(server, 'GET', '/api/overview', { cookie })).json<{
      nodes: { stale: number };
    }>();
    assert.equal(overview.nodes.stale, 1);
    // Removing stale nodes is off until the space turns it on; then after the further age.
    await server.services.housekeeping.run();
    assert.equal((await node(plain.id)).status, 'offline');
    await request(server, 'PATCH', `/api/spaces/${server.spaceId}/settings`, {
      cookie,
      body: { stale_remove_days: 3 },
    });
    await server.services.housekeeping.run();
    assert.equal((await node(plain.id)).status, 'offline', '8 days offline < 7 + 3');
    clock.advance(3 * DAY);
    cookie = await login(server);
    await server.services.housekeeping.run();
    assert.equal((await node(plain.id)).status, 'removed');
    plain.remove();
  });
});

describe('rooms by rule and bulk actions', () => {
  const server = useTestServer();

  test('rules place nodes when they link and when their facts change; a manual membership stays; memberships say which', async () => {
    const cookie = await login(server);
    const room = async (name: string) =>
      (
        await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, { cookie, body: { name } })
      ).json<{ id: string }>().id;
    const arm = await room('Arm boxes');
    const prod = await room('Production Debian');
    const put = await request(server, 'PUT', `/api/rooms/${arm}/rules`, {
      cookie,
      body: { rules: [{ arch: 'arm64' }, { agent_kind: 'netdata' }] },
    });
    assert.equal(put.status, 200, put.text);
    await request(server, 'PUT', `/api/rooms/${prod}/rules`, {
      cookie,
      body: { rules: [{ 'label.env': 'prod', os: 'Debian*' }] },
    });
    const bad = await request(server, 'PUT', `/api/rooms/${prod}/rules`, {
      cookie,
      body: { rules: [{ 'not a fact': 'x' }] },
    });
    assert.equal(bad.status, 400);

    const facts = { ...SIM_FACTS, os: 'Debian GNU/Linux', arch: 'arm64', labels: { env: 'prod' } };
    const sim = await simulatedIdentity(server, facts);
    const link = await sim.open();
    assert.equal(link.first.t, 'welcome');
    const roomsOf = async () =>
      (await request(server, 'GET', `/api/nodes/${sim.id}`, { cookie })).json<Node>().rooms;
    await waitFor(async () => (await roomsOf()).length === 3, 'the node in its rule rooms');
    const rooms = await roomsOf();
    assert.deepEqual(
      rooms
        .filter((r) => r.by_rule)
        .map((r) => r.id)
        .sort(),
      [arm, prod].sort(),
    );
    assert.equal(rooms.find((r) => r.slug === 'all-nodes')?.by_rule, false);

    // A rule on the host name places a node at its claim already, before any link.
    const byName = await room('Named sims');
    await request(server, 'PUT', `/api/rooms/${byName}/rules`, {
      cookie,
      body: { rules: [{ hostname: 'sim' }] },
    });
    const pending = await simulatedIdentity(server);
    const pendingRooms = (await request(server, 'GET', `/api/nodes/${pending.id}`, { cookie })).json<Node>();
    assert.equal(pendingRooms.status, 'pending');
    assert.ok(pendingRooms.rooms.some((r) => r.id === byName && r.by_rule));
    pending.remove();
    await request(server, 'PUT', `/api/rooms/${byName}/rules`, { cookie, body: { rules: [] } });

    // Its facts change (env=dev): at its next link it leaves the prod room and stays in arm.
    link.ws.close();
    await link.closed;
    const manual = await request(server, 'PUT', `/api/rooms/${prod}/nodes/${sim.id}`, { cookie });
    assert.equal(manual.status, 204);
    const again = await sim.open('test', { ...facts, labels: { env: 'dev' } });
    assert.equal(again.first.t, 'welcome');
    await waitFor(
      async () => (await roomsOf()).find((r) => r.id === prod)?.by_rule === false,
      'prod by hand',
    );
    assert.equal((await roomsOf()).length, 3, 'a manual membership stays though the rule no longer matches');
    await request(server, 'DELETE', `/api/rooms/${prod}/nodes/${sim.id}`, { cookie });
    again.ws.close();
    await again.closed;
    const third = await sim.open('test', { ...facts, arch: 'x64', labels: { env: 'prod' } });
    await waitFor(async () => {
      const r = await roomsOf();
      return r.some((x) => x.id === prod) && !r.some((x) => x.id === arm);
    }, 'prod by rule again, out of arm');
    // Rules taken away: the nodes they placed leave.
    const cleared = await request(server, 'PUT', `/api/rooms/${prod}/rules`, { cookie, body: { rules: [] } });
    assert.equal(cleared.json<{ moved: number }>().moved, 1);
    assert.ok(!(await roomsOf()).some((x) => x.id === prod));
    third.ws.close();
    sim.remove();
  });

  test('a bulk move of 50 nodes picked by filter, results per node; by ids with one unknown; a viewer may not', async () => {
    const cookie = await login(server);
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    // 50 claims through the claim endpoint (one key: claims are what is measured elsewhere).
    const sim = await simulatedIdentity(server);
    const key = sim.publicKey;
    for (let i = 0; i < 50; i++) {
      const id = crypto.randomUUID();
      const res = await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, {
        body: { node: { id, hostname: `bulk-${String(i).padStart(2, '0')}` }, token, publicKey: key },
      });
      assert.ok(res.status < 300, res.text);
    }
    const target = (
      await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
        cookie,
        body: { name: 'Bulk target' },
      })
    ).json<{ id: string }>().id;
    const moved = await request(server, 'POST', '/api/nodes/bulk', {
      cookie,
      body: { filter: { q: 'bulk-' }, action: 'move', room_id: target },
    });
    assert.equal(moved.status, 200, moved.text);
    const results = moved.json<{ results: { node_id: string; ok: boolean }[] }>().results;
    assert.equal(results.length, 50);
    assert.ok(results.every((r) => r.ok));
    const inRoom = (await request(server, 'GET', `/api/nodes?room=${target}&limit=100`, { cookie })).json<
      Node[]
    >();
    assert.equal(inRoom.length, 50);

    const some = results.slice(0, 3).map((r) => r.node_id);
    const mixed = await request(server, 'POST', '/api/nodes/bulk', {
      cookie,
      body: { ids: [...some, crypto.randomUUID()], action: 'remove' },
    });
    const mixedResults = mixed.json<{ results: { ok: boolean; error?: { code: string } }[] }>().results;
    assert.deepEqual(
      mixedResults.map((r) => r.ok),
      [true, true, true, false],
    );
    assert.equal(mixedResults[3]!.error?.code, 'not_found');
    const { cookie: viewer } = await addUser(server, cookie, 'vic', 'viewer');
    const refused = await request(server, 'POST', '/api/nodes/bulk', {
      cookie: viewer,
      body: { ids: some, action: 'remove' },
    });
    assert.equal(refused.status, 403);
    sim.remove();
  });

  test('an agent with only the URL and pin announces itself: refused while the space takes no announcements; approved into a room it links and comes online; rejected, its key is refused', async () => {
    const cookie = await login(server);
    const scratch = server.tempDir('muster-announce-');
    const pin = formatPin(server.pin!);
    const announcing = (name: string) =>
      spawnAgent(
        [
          '--state-dir',
          join(scratch.path, name),
          '--announce',
          '--url',
          server.url,
          '--ca-pin',
          pin,
          '--hostname',
          name,
        ],
        {
          env: { MUSTER_ANNOUNCE_POLL_SECONDS: '1' },
        },
      );
    const list = async () =>
      (await request(server, 'GET', '/api/announcements', { cookie })).json<
        { id: string; hostname: string; state: string; fingerprint: string; node_id: string }[]
      >();

    const early = announcing('announced-0');
    await waitFor(() => /takes no announcements/.test(early.output()), 'the refusal in the agent log');
    await early.stop();
    assert.deepEqual(await list(), []);

    await request(server, 'PATCH', `/api/spaces/${server.spaceId}/settings`, {
      cookie,
      body: { announce: true },
    });
    const room = (
      await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
        cookie,
        body: { name: 'Approved' },
      })
    ).json<{ id: string }>().id;
    const a = announcing('announced-1');
    const b = announcing('announced-2');
    try {
      const pending = await waitFor(async () => {
        const l = await list();
        return l.length === 2 ? l : null;
      }, 'two agents awaiting approval');
      const one = pending.find((x) => x.hostname === 'announced-1')!;
      const two = pending.find((x) => x.hostname === 'announced-2')!;
      const key = readFileSync(join(scratch.path, 'announced-1', 'cloud.d', 'public.pem'), 'utf8');
      assert.equal(
        one.fingerprint,
        createHash('sha256')
          .update(createPublicKey(key).export({ type: 'spki', format: 'der' }))
          .digest('hex'),
      );
      // (the agent logs it once the server's answer is back, which may be after the list shows it)
      await waitFor(
        () => new RegExp(`awaiting approval on .* \\(key fingerprint ${one.fingerprint}\\)`).test(a.output()),
        'the agent to say it awaits approval, with its fingerprint',
      );

      const elsewhere = await request(server, 'POST', `/api/announcements/${one.id}/approve`, {
        cookie,
        body: { room_id: crypto.randomUUID() },
      });
      assert.equal(elsewhere.status, 400, elsewhere.text);
      assert.match(elsewhere.json<{ message: string }>().message, /is not a room of the space/);
      const approved = await request(server, 'POST', `/api/announcements/${one.id}/approve`, {
        cookie,
        body: { room_id: room },
      });
      assert.equal(approved.status, 200, approved.text);
      await waitFor(
        async () =>
          (await request(server, 'GET', `/api/nodes/${one.node_id}`, { cookie })).json<Node>().status ===
          'online',
        'the approved agent online',
        20_000,
      );
      const node = (await request(server, 'GET', `/api/nodes/${one.node_id}`, { cookie })).json<Node>();
      assert.ok(node.rooms.some((r) => r.id === room));

      const rejected = await request(server, 'POST', `/api/announcements/${two.id}/reject`, { cookie });
      assert.equal(rejected.status, 200);
      await waitFor(() => /rejected this agent/.test(b.output()), 'the rejection in the agent log');
      const again = await request(server, 'POST', `/api/announcements/${two.id}/approve`, {
        cookie,
        body: {},
      });
      assert.equal(again.status, 409);
      // The same key announcing again (as a script would) is refused.
      const bKey = readFileSync(join(scratch.path, 'announced-2', 'cloud.d', 'public.pem'), 'utf8');
      const retry = await request(server, 'PUT', `/api/v1/announce/nodes/${crypto.randomUUID()}`, {
        body: { node: { hostname: 'announced-2' }, publicKey: bKey },
      });
      assert.equal(retry.status, 403);
      assert.equal(retry.json<{ errorMsgKey: string }>().errorMsgKey, 'ErrForbidden');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
