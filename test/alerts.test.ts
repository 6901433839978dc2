import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { signedWith, smtpServer, webhookReceiver, type WebhookBody } from './alert-receivers.ts';
import { REPLICA_LOST_REASON } from '../src/server/cluster/membership.ts';
import { call, claimTokenOf, newMasterKey, signIn, startReplica } from './cluster-helpers.ts';
import {
  claimInto,
  freePort,
  tempDir,
  jobIn,
  login,
  request,
  simulatedIdentity,
  spawnAgent,
  useTestServer,
  waitFor,
  type AgentProcess,
} from './helpers.ts';

const SECRET = 'a webhook secret for the test';
/** How long a node must stay offline before it alerts, in these tests. */
const FOR_SECONDS = 2;

interface Alert {
  id: string;
  kind: string;
  state: string;
  node_id: string | null;
  hostname: string | null;
  summary: string;
  count: number;
  silenced: boolean;
  acknowledged_by: string | null;
  since: number;
}

/**
 * Alerts and notifications end to end: the real server, a real agent and simulated links, a webhook receiver on a
 * real socket and a real SMTP server. Nothing inside the server is replaced.
 */
describe('alerts and notifications', () => {
  const server = useTestServer();
  let cookie: string;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let channelId: string;
  let agent: AgentProcess;
  let hostId: string;
  const scratch = server.tempDir('muster-alerts-');
  const state = join(scratch.path, 'agent');
  const call = (method: string, path: string, body?: unknown) =>
    request(server, method, path, { cookie, ...(body !== undefined ? { body } : {}) });
  const alerts = async (q = '') => (await call('GET', `/api/alerts${q}`)).json<{ alerts: Alert[] }>().alerts;
  const rule = async (kind: string) =>
    (await call('GET', '/api/alert-rules'))
      .json<{ id: string; kind: string }[]>()
      .find((r) => r.kind === kind)!;
  const startAgent = async () => {
    agent = spawnAgent(['--state-dir', state]);
    await waitFor(
      async () => (await call('GET', `/api/hosts/${hostId}`)).json<{ status: string }>().status === 'online',
      'the agent online',
      20_000,
    );
  };

  /** A node of its own (a simulated agent on a real link), online; drop() ends its link as a kill would. */
  const simNode = async () => {
    const sim = await simulatedIdentity(server);
    server.defer(sim.remove);
    const link = await sim.open();
    assert.equal(link.first.t, 'welcome');
    await waitFor(
      async () => (await call('GET', `/api/hosts/${sim.id}`)).json<{ status: string }>().status === 'online',
      'the sim online',
    );
    return { id: sim.id, drop: () => link.ws.terminate(), again: () => sim.open() };
  };

  before(async () => {
    cookie = await login(server);
    hook = await webhookReceiver();
    server.defer(() => hook.close());
    const c = await call('POST', '/api/notification-channels', {
      name: 'ops hook',
      type: 'webhook',
      config: { url: hook.url, secret: SECRET },
    });
    assert.equal(c.status, 201, c.text);
    channelId = c.json<{ id: string }>().id;
    for (const kind of ['node_offline', 'backup_failed']) {
      const r = await call('PATCH', `/api/alert-rules/${(await rule(kind)).id}`, {
        channel_ids: [channelId],
        ...(kind === 'node_offline' ? { for_seconds: FOR_SECONDS } : {}),
      });
      assert.equal(r.status, 200, r.text);
    }
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(server, state, token, '--hostname', 'alert-node');
    assert.equal(claimed.code, 0, claimed.stderr);
    hostId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    await startAgent();
  });
  server.defer(() => agent?.stop());

  test('the default rules exist from the first start, and a channel never shows its secret', async () => {
    const kinds = (await call('GET', '/api/alert-rules')).json<{ kind: string }[]>().map((r) => r.kind);
    for (const k of [
      'node_offline',
      'backup_failed',
      'backup_overdue',
      'check_failed',
      'update_failed',
      'storage_unhealthy',
      'certificate_expiring',
    ])
      assert.ok(kinds.includes(k), `a default rule for ${k}`);
    const listed = (await call('GET', '/api/notification-channels')).text;
    assert.ok(!listed.includes(SECRET) && !listed.includes('/hook'), listed);
    assert.match(listed, /"secret_set":true/);
  });

  test('an agent killed: one firing notification within for + 5 s, signed, naming the host; back: resolved', async () => {
    hook.clear();
    const killedAt = Date.now();
    await agent.stop('SIGKILL');
    const firing = await waitFor(
      () => hook.got.find((g) => (JSON.parse(g.body) as WebhookBody).state === 'firing'),
      'the firing notification',
      (FOR_SECONDS + 5) * 1000,
    );
    assert.ok(firing.at - killedAt <= (FOR_SECONDS + 5) * 1000, `${firing.at - killedAt} ms`);
    assert.ok(firing.at - killedAt >= FOR_SECONDS * 1000, "not before the rule's for");
    assert.ok(signedWith(firing, SECRET), 'X-Muster-Signature is the HMAC of the body');
    const body = JSON.parse(firing.body) as WebhookBody;
    assert.equal(body.version, 1);
    assert.equal(body.alert.kind, 'node_offline');
    assert.equal(body.alert.hostname, 'alert-node');
    assert.match(body.alert.summary, /alert-node is offline/);
    const open = await alerts(`?node_id=${hostId}&state=firing`);
    assert.equal(open.length, 1);
    const metrics = (await call('GET', '/metrics')).text;
    assert.match(metrics, /muster_alerts_firing\{kind="node_offline",severity="critical"\} 1/);
    assert.match(metrics, /muster_notifications_total\{channel_type="webhook",result="sent"\} [1-9]/);
    const timeline = (await call('GET', `/api/events/history?node_id=${hostId}&kind=offline`)).json<{
      events: { summary: string }[];
    }>();
    assert.match(timeline.events[0]!.summary, /^offline: /);

    await startAgent();
    const resolved = await waitFor(
      () => hook.accepted().find((b) => b.state === 'resolved'),
      'the resolved notification',
      30_000,
    );
    assert.equal(resolved.alert.id, body.alert.id);
    assert.equal(hook.got.length, 2, 'one firing, one resolved');
    assert.equal((await alerts(`?node_id=${hostId}&state=resolved`)).length, 1);
  });

  test('20 nodes offline at once: one grouped notification listing them; back: one resolved', async () => {
    const sims = await Promise.all(Array.from({ length: 20 }, () => simulatedIdentity(server)));
    server.defer(() => sims.forEach((s) => s.remove()));
    const links = await Promise.all(sims.map((s) => s.open()));
    assert.ok(links.every((l) => l.first.t === 'welcome'));
    await new Promise((r) => setTimeout(r, 500));
    hook.clear();
    for (const l of links) l.ws.terminate();
    const group = await waitFor(
      () => hook.accepted().find((b) => b.state === 'firing'),
      'the grouped notification',
      (FOR_SECONDS + 8) * 1000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const firing = hook.accepted().filter((b) => b.state === 'firing');
    assert.equal(firing.length, 1, `one message, not ${firing.length}`);
    assert.equal(group.alerts.length, 20);
    assert.deepEqual(new Set(group.alerts.map((a) => a.node_id)), new Set(sims.map((s) => s.id)));

    hook.clear();
    const again = await Promise.all(sims.map((s) => s.open()));
    server.defer(() => again.forEach((l) => l.ws.terminate()));
    await waitFor(
      () => hook.accepted().find((b) => b.state === 'resolved'),
      'the grouped resolution',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(hook.accepted().length, 1);
    assert.equal(hook.accepted()[0]!.alerts.length, 20);
    for (const l of again) l.ws.terminate();
    await waitFor(
      async () => (await alerts('?state=firing&kind=node_offline')).length >= 20,
      'the sims offline again',
      30_000,
    );
  });

  test('a full server restart with every agent reconnecting sends nothing; a node that does not come back alerts after its `for`', async () => {
    // The sims of the test above are firing already; the real agent is online. A restart gives every node its
    // rule's `for` again (30 s here: a real agent's reconnect backoff on a loaded machine can exceed 2 s).
    const offline = await rule('node_offline');
    assert.equal((await call('PATCH', `/api/alert-rules/${offline.id}`, { for_seconds: 30 })).status, 200);
    await waitFor(() => hook.accepted().some((b) => b.state === 'firing'), 'the sims alerted', 30_000);
    // Online until the restart, and not back after it.
    const gone = await simNode();
    await new Promise((r) => setTimeout(r, 3000));
    hook.clear();
    const restartedAt = Date.now();
    await server.startAgain();
    cookie = await login(server);
    await waitFor(
      async () => (await call('GET', `/api/hosts/${hostId}`)).json<{ status: string }>().status === 'online',
      'the agent back',
      30_000,
    );
    // Back within its `for`: its alert is gone, so nothing can fire later; and nothing was sent meanwhile.
    await waitFor(
      async () => !(await server.services.store.repos.alerts.findOpen(`node_offline|${hostId}|`)),
      'no alert left waiting for the agent',
      10_000,
    );
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(
      hook.got.map((g) => g.body),
      [],
      'no notification after a restart',
    );
    assert.equal((await alerts(`?node_id=${hostId}&state=firing`)).length, 0);
    // No alert waits for each node the restart found offline: the one that stays offline is raised once it
    // stayed so for its rule's `for`, dated from the restart.
    assert.equal(await server.services.store.repos.alerts.findOpen(`node_offline|${gone.id}|`), undefined);
    assert.equal(
      (await call('PATCH', `/api/alert-rules/${offline.id}`, { for_seconds: FOR_SECONDS })).status,
      200,
    );
    const firing = await waitFor(
      () => hook.accepted().find((b) => b.state === 'firing'),
      'the alert of the node that did not come back',
      (FOR_SECONDS + 10) * 1000,
    );
    assert.deepEqual(
      firing.alerts.map((a) => a.node_id),
      [gone.id],
    );
    const [a] = await alerts(`?node_id=${gone.id}&state=firing`);
    assert.ok(a && a.since >= restartedAt && a.since <= Date.now(), 'offline since the restart');
  });

  test('a silence mutes notifications and keeps the alert visible; acknowledging says who', async () => {
    const node = await simNode();
    const s = await call('POST', '/api/silences', {
      node_id: node.id,
      ends_at: Date.now() + 3600_000,
      comment: 'planned reboot',
    });
    assert.equal(s.status, 201, s.text);
    hook.clear();
    node.drop();
    const alert = await waitFor(
      async () => (await alerts(`?node_id=${node.id}&state=firing`))[0],
      'the alert firing',
      30_000,
    );
    assert.equal(alert.silenced, true);
    await new Promise((r) => setTimeout(r, 3500));
    assert.deepEqual(hook.got, [], 'muted');
    const ack = await call('POST', `/api/alerts/${alert.id}/ack`, { comment: 'rebooting it' });
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.json<Alert>().acknowledged_by, 'admin');
    assert.equal((await alerts(`?node_id=${node.id}&state=acknowledged`)).length, 1);
    const back = await node.again();
    server.defer(() => back.ws.terminate());
    await waitFor(
      async () => (await alerts(`?node_id=${node.id}&state=resolved`)).length === 1,
      'resolved by itself',
      30_000,
    );
    assert.equal((await call('DELETE', `/api/silences/${s.json<{ id: string }>().id}`)).status, 204);
    assert.deepEqual(hook.got, [], 'nothing sent for a muted alert, its resolution neither');
  });

  test('a receiver that answers 500 three times then 200 gets the notification once; attempts are recorded', async () => {
    const node = await simNode();
    hook.clear();
    hook.failNext(3);
    node.drop();
    await waitFor(
      () => hook.accepted().find((b) => b.state === 'firing'),
      'delivery after three failures',
      40_000,
    );
    assert.equal(hook.got.filter((g) => g.status === 500).length, 3);
    assert.equal(hook.accepted().length, 1);
    assert.equal(new Set(hook.got.map((g) => g.body)).size, 1, 'the same notification each time');
    const attempts = (await call('GET', `/api/notification-channels/${channelId}/attempts`)).json<
      { ok: boolean; status_code: number | null }[]
    >();
    // Three failures in a row: the channel raised its own alert, and the delivery that went through resolved it.
    const failing = (await call('GET', '/api/alerts?kind=channel_failing&state=resolved')).json<{
      alerts: Alert[];
    }>();
    assert.equal(failing.alerts.length, 1);
    assert.match(failing.alerts[0]!.summary, /ops hook failed 3 times in a row: the receiver answered 500/);
    assert.deepEqual(
      attempts.slice(0, 4).map((a) => [a.ok, a.status_code]),
      [
        [true, 200],
        [false, 500],
        [false, 500],
        [false, 500],
      ],
    );
  });

  test('a server stopped between an alert and its delivery delivers it after the restart', async () => {
    const node = await simNode();
    hook.clear();
    hook.failNext(1000);
    node.drop();
    await waitFor(() => hook.got.length > 0, 'a first attempt', 15_000);
    await server.stop();
    hook.failNext(0);
    const before = hook.got.length;
    await server.startAgain();
    cookie = await login(server);
    await waitFor(
      () => hook.accepted().find((b) => b.state === 'firing' && b.alerts.some((a) => a.node_id === node.id)),
      'delivered after the restart',
      30_000,
    );
    assert.ok(hook.got.length > before);
    await waitFor(
      async () => (await call('GET', `/api/hosts/${hostId}`)).json<{ status: string }>().status === 'online',
      'the agent back',
      30_000,
    );
  });

  test("a failing backup raises backup_failed with restic's reason; the next success resolves it", async () => {
    const repo = join(scratch.path, 'repo');
    const data = join(scratch.path, 'data');
    const set = await call('PUT', `/api/hosts/${hostId}/repository`, {
      repo_url: repo,
      repo_password: 'alert test repository',
    });
    assert.ok(set.status < 300, set.text);
    await waitFor(
      async () =>
        (await call('GET', `/api/hosts/${hostId}`)).json<{ repo_status: string }>().repo_status === 'ready',
      'the repository ready',
      60_000,
    );
    const g = await call('POST', `/api/hosts/${hostId}/source-groups`, { name: 'data', paths: [data] });
    assert.equal(g.status, 201, g.text);
    const groupId = g.json<{ id: string }>().id;
    hook.clear();
    const failed = await call('POST', `/api/hosts/${hostId}/source-groups/${groupId}/backup`);
    const job = await jobIn(server, cookie, failed.json<{ id: string }>().id, undefined, 60_000);
    assert.equal(job.state, 'failed');
    const note = await waitFor(
      () =>
        hook
          .accepted()
          .filter((b) => b.state === 'firing')
          .flatMap((b) => b.alerts)
          .find((a) => a.kind === 'backup_failed'),
      'backup_failed sent',
      30_000,
    );
    assert.match(
      note.summary,
      /backup of "data" on alert-node failed: .*(do not exist|does not exist|no such file)/i,
    );

    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'file.txt'), 'now it exists\n');
    const ok = await call('POST', `/api/hosts/${hostId}/source-groups/${groupId}/backup`);
    assert.equal(
      (await jobIn(server, cookie, ok.json<{ id: string }>().id, undefined, 60_000)).state,
      'succeeded',
    );
    await waitFor(
      () =>
        hook
          .accepted()
          .filter((b) => b.state === 'resolved')
          .some((b) => b.alerts.some((a) => a.kind === 'backup_failed')),
      'resolved by the next success',
      30_000,
    );
    const timeline = (await call('GET', `/api/events/history?node_id=${hostId}`)).json<{
      events: { kind: string }[];
    }>();
    for (const k of ['claimed', 'online', 'backup_failed', 'backup_succeeded'])
      assert.ok(
        timeline.events.some((e) => e.kind === k),
        `${k} on the timeline`,
      );
  });

  test('email through a real SMTP server: "send test" and an alert arrive', async () => {
    const smtp = await smtpServer();
    server.defer(() => smtp.stop());
    const c = await call('POST', '/api/notification-channels', {
      name: 'ops mail',
      type: 'email',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        from: 'muster@example.test',
        to: ['ops@example.test'],
        username: 'u',
        password: 'mail password',
      },
    });
    assert.equal(c.status, 201, c.text);
    assert.ok(!c.text.includes('mail password'));
    const mailId = c.json<{ id: string }>().id;
    const tested = (await call('POST', `/api/notification-channels/${mailId}/test`)).json<{
      ok: boolean;
      error: string | null;
    }>();
    assert.equal(tested.ok, true, tested.error ?? '');
    await waitFor(
      () => smtp.output().includes('Muster: test notification'),
      'the test mail at the SMTP server',
      30_000,
    );
    const r = await call('PATCH', `/api/alert-rules/${(await rule('node_offline')).id}`, {
      channel_ids: [channelId, mailId],
    });
    assert.equal(r.status, 200);
    const node = await simNode();
    node.drop();
    await waitFor(() => /\[FIRING\] sim is offline/.test(smtp.output()), 'the alert mail', 20_000);
    assert.match(smtp.output(), /ops@example\.test/);
  });

  test("nodes a lost cluster replica took offline: their events raise nothing; those still offline after the rule's `for` alert once each, from when they went offline", async () => {
    const { store, bus } = server.services;
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const sim = await simulatedIdentity(server);
        server.defer(sim.remove);
        return sim.id;
      }),
    );
    const now = Date.now();
    // What the replica running the periodic work does to the nodes of a replica whose lease ran out.
    for (const id of ids) {
      await store.repos.nodes.update(id, { status: 'offline', since: now, reason: REPLICA_LOST_REASON });
      bus.publish({
        type: 'node.presence',
        node_id: id,
        status: 'offline',
        since: now,
        reason: REPLICA_LOST_REASON,
      });
    }
    const open = (id: string) => store.repos.alerts.findOpen(`node_offline|${id}|`);
    await new Promise((r) => setTimeout(r, 300));
    for (const id of ids) assert.equal(await open(id), undefined, 'its event alone raises nothing');
    // One is back (at another replica) within its `for`: nothing is ever raised for it.
    await store.repos.nodes.update(ids[2]!, { status: 'online', since: Date.now(), reason: 'linked' });
    const raised = await waitFor(
      async () => {
        const rows = await Promise.all(ids.slice(0, 2).map(open));
        return rows.every((a) => a?.state === 'firing') ? rows : null;
      },
      "the two still offline alerting after the rule's `for`",
      (FOR_SECONDS + 10) * 1000,
    );
    for (const a of raised) assert.equal(a!.since, now, 'offline since the replica was lost');
    assert.equal(await open(ids[2]!), undefined);
    const rows = await store.repos.alerts.openOfNode(ids[0]!);
    assert.equal(rows.filter((a) => a.kind === 'node_offline').length, 1, 'raised once');
  });
});

/**
 * The server as its own process, killed with SIGKILL after an alert's first delivery attempt failed: started again
 * on the same data, it delivers the notification from its outbox.
 */
describe('a server killed between an alert and its delivery', () => {
  test('delivers the notification after it starts again', async () => {
    const hook = await webhookReceiver();
    const dir = tempDir('muster-alerts-kill-');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const masterKey = newMasterKey();
    const start = () =>
      startReplica({
        name: 'solo',
        db: join(dir.path, 'muster.db'),
        nats: null,
        masterKey,
        publicUrl: url,
        dataDir: join(dir.path, 'data'),
        port,
      });
    let server = await start();
    let agent: AgentProcess | null = null;
    try {
      const cookie = await signIn(url);
      const channel = await call<{ id: string }>(url, cookie, 'POST', '/api/notification-channels', {
        name: 'hook',
        type: 'webhook',
        config: { url: hook.url },
      });
      const rules = await call<{ id: string; kind: string }[]>(url, cookie, 'GET', '/api/alert-rules');
      const offline = rules.body.find((r) => r.kind === 'node_offline')!;
      await call(url, cookie, 'PATCH', `/api/alert-rules/${offline.id}`, {
        for_seconds: 1,
        channel_ids: [channel.body.id],
      });
      const state = join(dir.path, 'agent');
      agent = spawnAgent(['--state-dir', state, '--url', url, '--token', claimTokenOf([server])]);
      await waitFor(
        async () =>
          (await call<{ status: string }[]>(url, cookie, 'GET', '/api/nodes')).body[0]?.status === 'online',
        'the agent online',
        30_000,
      );
      hook.failNext(1000);
      await agent.stop('SIGKILL');
      await waitFor(() => hook.got.length > 0, 'a first, failed, attempt', 15_000);
      await server.signal('SIGKILL');
      hook.failNext(0);
      server = await start();
      // A server alone that starts again takes up what its killed run had claimed at once (a replica's claims
      // are taken up by another when they run out, 60 s: notifications-repo.test.ts), and sends it once.
      const note = await waitFor(
        () => hook.accepted().find((b) => b.state === 'firing'),
        'delivered after the restart',
        20_000,
      );
      assert.equal(note.alert.kind, 'node_offline');
      assert.equal(hook.accepted().length, 1);
    } finally {
      await agent?.stop();
      await server.signal('SIGTERM');
      await hook.close();
      dir.remove();
    }
  });
});
