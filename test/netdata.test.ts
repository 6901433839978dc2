import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import mqtt, { type IDisconnectPacket, type IPublishPacket, type Packet } from 'mqtt-packet';
import WebSocket from 'ws';
import {
  CreateNodeInstanceResultSchema,
  CreateNodeInstanceSchema,
  DisconnectReqSchema,
  UpdateAgentConnectionSchema,
  UpdateNodeCollectorsSchema,
  UpdateNodeInfoSchema,
  UpdateNodeInstanceConnectionSchema,
} from '../src/protocol/aclk/aclk_pb.ts';
import { ACLK_TOPIC_NAMES } from '../src/protocol/aclk/topics.ts';
import { login, request, useTestServer, waitFor } from './helpers.ts';
import { netdataIdentity, type AclkConnection } from './netdata-client.ts';

interface NodeView {
  status: string;
  reason: string;
  agent_kind: string | null;
  agent_version: string | null;
  os: string | null;
  os_version: string | null;
  kernel: string | null;
  arch: string | null;
  cpus: number | null;
  memory_bytes: number | null;
  labels: Record<string, string>;
  rooms: { slug: string }[];
}

const isPublish = (type: string) => (p: Packet) => p.cmd === 'publish' && p.topic.endsWith(`/${type}`);

/** What a Netdata agent publishes once connected, in its order (Netdata v2.10.4). */
async function netdataHello(link: AclkConnection, id: string, machineGuid: string) {
  link.subscribe(link.topic('inbox-cmd'));
  link.subscribe(link.topic('inbox-cmd-v1'));
  const acks = [
    link.publish('agent-connection', UpdateAgentConnectionSchema, {
      claimId: id,
      reachable: true,
      updateSource: 1,
      capabilities: [{ name: 'proto', version: 1, enabled: true }],
    }),
    link.publish('node-instance-info', UpdateNodeInfoSchema, {
      claimId: id,
      machineGuid,
      nodeId: id,
      data: {
        name: 'netdata-sim',
        os: 'linux',
        osName: 'Debian GNU/Linux',
        osVersion: '12 (bookworm)',
        kernelName: 'Linux',
        kernelVersion: '6.1.0-18-amd64',
        architecture: 'x86_64',
        cpus: 4,
        memory: '8227012608',
        version: 'v2.10.4',
        virtualizationType: 'kvm',
        containerType: 'none',
        machineGuid,
        hostLabels: { _os_name: 'Debian GNU/Linux', env: 'test' },
      },
    }),
    link.publish('create-node-instance', CreateNodeInstanceSchema, {
      claimId: id,
      machineGuid,
      hostname: 'netdata-sim',
    }),
  ];
  for (const messageId of acks) {
    const ack = await link.next((p) => p.cmd === 'puback' && p.messageId === messageId);
    assert.equal((ack as { reasonCode?: number }).reasonCode ?? 0, 0);
  }
}

describe('stock Netdata agents over their own link (ACLK: MQTT 5 on /mqtt)', () => {
  const server = useTestServer({ flags: { linkAuthPerMinute: 1_000_000 } });
  let admin: string;
  before(async () => {
    admin = await login(server);
  });
  const node = async (id: string) =>
    (await request(server, 'GET', `/api/nodes/${id}`, { cookie: admin })).json<NodeView>();

  test('env, challenge and password serve a Netdata agent what it speaks; Muster agents keep theirs', async () => {
    const env = await request(server, 'GET', '/api/v1/env?v=2.10.4&cap=proto,ctx&claim_id=x', {
      headers: { host: '127.0.0.1' },
    });
    assert.equal(env.status, 200);
    const e = env.json<Record<string, unknown>>();
    assert.equal(e.encoding, 'proto');
    assert.deepEqual(e.capabilities, ['proto']);
    // Host came without a port: the answer still names the port the request arrived on.
    assert.equal(e.authEndpoint, `${server.url}/api/v1/auth/aclk`);
    assert.deepEqual(e.transports, [
      { type: 'MQTTv5', endpoint: `${server.url.replace('https', 'wss')}/mqtt` },
    ]);
    const backoff = e.backoff as { base: number; maxSeconds: number };
    assert.ok(backoff.base >= 1 && backoff.base <= 10 && backoff.maxSeconds >= 500);

    const ours = (await request(server, 'GET', '/api/v1/env?claim_id=x')).json<Record<string, unknown>>();
    assert.equal(ours.encoding, undefined);
    assert.match(JSON.stringify(ours.transports), /muster-ws/);

    const nd = await netdataIdentity(server);
    const { creds } = await nd.authenticate();
    assert.equal(creds.clientID, nd.id);
    assert.deepEqual(creds.topics.map((t) => t.name).sort(), [...ACLK_TOPIC_NAMES].sort());
    assert.ok(creds.topics.every((t) => t.topic.includes('#{claim_id}')));

    // Muster's own challenge (SHA-256) is not what Netdata's agent can decrypt: the ACLK path serves SHA-1.
    const plain = await request(server, 'GET', `/api/v1/auth/aclk/node/${nd.id}/challenge`);
    assert.equal(Buffer.from(plain.json<{ challenge: string }>().challenge, 'base64').length, 256);
  });

  test('online at CONNACK; node instance id; facts from node info; offline with a reason on DISCONNECT', async () => {
    const nd = await netdataIdentity(server);
    assert.equal((await node(nd.id)).status, 'pending');
    // Aliases start above the 64 CONNACK allows, as Netdata's may.
    const link = await nd.connect({ firstAlias: 100 });
    assert.equal(link.connack.reasonCode, 0);
    assert.equal(link.connack.properties?.maximumPacketSize, 8 * 1024 * 1024);
    const online = await node(nd.id);
    assert.equal(online.status, 'online');
    assert.equal(online.agent_kind, 'netdata');
    assert.match(online.reason, /Netdata agent link \(ACLK\) established/);

    await netdataHello(link, nd.id, nd.machineGuid);
    const result = await link.next<IPublishPacket>(isPublish('CreateNodeInstanceResult'));
    assert.equal(result.topic, `/agent/${nd.id}/inbound/v1/CreateNodeInstanceResult`);
    const r = fromBinary(CreateNodeInstanceResultSchema, result.payload as Buffer);
    assert.equal(r.nodeId, nd.id);
    assert.equal(r.machineGuid, nd.machineGuid);

    const facts = await waitFor(async () => {
      const n = await node(nd.id);
      return n.cpus === 4 ? n : null;
    }, 'facts from UpdateNodeInfo');
    assert.equal(facts.os, 'Debian GNU/Linux');
    assert.equal(facts.os_version, '12 (bookworm)');
    assert.equal(facts.kernel, 'Linux 6.1.0-18-amd64');
    assert.equal(facts.arch, 'x86_64');
    assert.equal(facts.memory_bytes, 8227012608);
    assert.equal(facts.agent_version, '2.10.4');
    assert.equal(facts.labels.env, 'test');

    // The alias alone, and QoS 2: PUBREC, PUBREL, PUBCOMP.
    const q2 = link.publish(
      'node-instance-connection',
      UpdateNodeInstanceConnectionSchema,
      { claimId: nd.id, nodeId: nd.id, liveness: true, queryable: true },
      2,
    );
    await link.next((p) => p.cmd === 'pubrec' && p.messageId === q2);
    link.send({ cmd: 'pubrel', messageId: q2 });
    await link.next((p) => p.cmd === 'pubcomp' && p.messageId === q2);
    const again = link.publish('node-instance-collectors', UpdateNodeCollectorsSchema, {
      claimId: nd.id,
      nodeId: nd.id,
      collectors: [{ plugin: 'proc.plugin', module: '/proc/stat' }],
    });
    await link.next((p) => p.cmd === 'puback' && p.messageId === again);
    link.send({ cmd: 'pingreq' });
    await link.next((p) => p.cmd === 'pingresp');

    // Shutdown as Netdata does it: unreachable, DISCONNECT, websocket close 1000.
    link.publish('agent-connection', UpdateAgentConnectionSchema, { claimId: nd.id, reachable: false });
    link.disconnect();
    const off = await waitFor(async () => {
      const n = await node(nd.id);
      return n.status === 'offline' ? n : null;
    }, 'offline after DISCONNECT');
    assert.match(off.reason, /going offline/);

    // And back, as after a restart.
    const back = await nd.connect();
    assert.equal(back.connack.reasonCode, 0);
    assert.equal((await node(nd.id)).status, 'online');
    back.ws.terminate();
  });

  test('a dropped connection goes offline through the will; a silent one when its keep-alive runs out', async () => {
    const nd = await netdataIdentity(server);
    const link = await nd.connect();
    await waitFor(async () => (await node(nd.id)).status === 'online', 'online');
    link.ws.terminate();
    const off = await waitFor(async () => {
      const n = await node(nd.id);
      return n.status === 'offline' ? n : null;
    }, 'offline after a dropped connection');
    assert.match(off.reason, /will/);

    const quiet = await nd.connect({ keepalive: 1 });
    await waitFor(async () => (await node(nd.id)).status === 'online', 'online again');
    // The hub sweeps every heartbeat interval; 1.5 x keep-alive of silence ends the link.
    server.services.hub.sweep();
    await new Promise((r) => setTimeout(r, 1700));
    server.services.hub.sweep();
    const disconnect = await quiet.next<IDisconnectPacket>((p) => p.cmd === 'disconnect');
    assert.equal(disconnect.reasonCode, 0x8d);
    const silent = await waitFor(async () => {
      const n = await node(nd.id);
      return n.status === 'offline' ? n : null;
    }, 'offline after the keep-alive');
    assert.match(silent.reason, /keep-alive/);
  });

  test('credentials are single use, publishes stay in the node’s own topics, bad packets end the link', async () => {
    const nd = await netdataIdentity(server);
    const first = await nd.connect();
    assert.equal(first.connack.reasonCode, 0);
    first.disconnect();
    await first.closed;
    // The same password again: refused with "bad user name or password", no session.
    const replay = await nd.connect({ creds: first.creds });
    assert.equal(replay.connack.reasonCode, 0x86);
    await replay.closed;

    const other = await netdataIdentity(server);
    const link = await nd.connect();
    const foreign = `/agent/${other.id}/outbound/v1/node-instance-info`;
    link.send({
      cmd: 'publish',
      topic: foreign,
      payload: Buffer.from([]),
      qos: 1,
      dup: false,
      retain: false,
      messageId: 7,
    });
    const refused = await link.next((p) => p.cmd === 'puback' && p.messageId === 7);
    assert.equal((refused as { reasonCode?: number }).reasonCode, 0x87);
    link.send({
      cmd: 'subscribe',
      messageId: 8,
      subscriptions: [{ topic: `/agent/${other.id}/inbound/v1/#`, qos: 1 }],
    });
    const suback = await link.next((p) => p.cmd === 'suback');
    assert.deepEqual((suback as { granted: number[] }).granted, [0x87]);
    // Garbage in the payload is refused per message; the link stays.
    link.send({
      cmd: 'publish',
      topic: link.topic('node-instance-info'),
      payload: Buffer.from([0xff, 0xff, 0xff]),
      qos: 1,
      dup: false,
      retain: false,
      messageId: 9,
    });
    const bad = await link.next((p) => p.cmd === 'puback' && p.messageId === 9);
    assert.equal((bad as { reasonCode?: number }).reasonCode, 0x99);
    // An alias never defined ends the link with a reason.
    link.send({
      cmd: 'publish',
      topic: '',
      payload: Buffer.from([]),
      qos: 0,
      dup: false,
      retain: false,
      properties: { topicAlias: 999 },
    });
    const gone = await link.next<IDisconnectPacket>((p) => p.cmd === 'disconnect');
    assert.equal(gone.reasonCode, 0x82);
    assert.match(gone.properties?.reasonString ?? '', /alias 999/);
    await link.closed;

    // A client that sends something other than CONNECT first, or bytes that are no MQTT, is closed.
    for (const bytes of [
      mqtt.generate({ cmd: 'pingreq' }),
      Buffer.from([0xf0, 0x00]),
      Buffer.concat([Buffer.from([0x30, 0xff, 0xff, 0x7f]), Buffer.alloc(1024 * 1024 + 10)]),
    ]) {
      const ws = new WebSocket(`${server.url.replace('https', 'wss')}/mqtt`, 'mqtt', { ca: server.ca });
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.send(bytes);
      assert.ok([1000, 1002, 1009].includes(await closed));
    }
    assert.equal((await request(server, 'GET', '/healthz')).status, 200);
  });

  test('a newer link takes over; removal ends the link for good and later authentications are refused', async () => {
    const nd = await netdataIdentity(server);
    const older = await nd.connect();
    const newer = await nd.connect();
    assert.equal(newer.connack.reasonCode, 0);
    const replaced = fromBinary(
      DisconnectReqSchema,
      (await older.next<IPublishPacket>(isPublish('DisconnectReq'))).payload as Buffer,
    );
    assert.equal(replaced.permaban, false);
    assert.ok(replaced.reconnectAfterSeconds > 0n);
    assert.equal((await older.next<IDisconnectPacket>((p) => p.cmd === 'disconnect')).reasonCode, 0x8e);
    assert.equal((await node(nd.id)).status, 'online');

    const job = await request(server, 'POST', `/api/hosts/${nd.id}/jobs`, {
      cookie: admin,
      body: { type: 'system.probe', params: {} },
    });
    assert.equal(job.status, 409);
    assert.match(job.json<{ message: string }>().message, /Netdata agent/);
    // Nor a backup plan that could never run there.
    const group = await request(server, 'POST', `/api/hosts/${nd.id}/source-groups`, {
      cookie: admin,
      body: { name: 'etc', paths: ['/etc'] },
    });
    assert.equal(group.status, 409);
    assert.match(group.json<{ message: string }>().message, /install Muster's agent/);

    assert.equal((await request(server, 'DELETE', `/api/nodes/${nd.id}`, { cookie: admin })).status, 204);
    const bye = fromBinary(
      DisconnectReqSchema,
      (await newer.next<IPublishPacket>(isPublish('DisconnectReq'))).payload as Buffer,
    );
    // Not a ban (Netdata retries those every 60 s): come back in a month.
    assert.equal(bye.permaban, false);
    assert.equal(bye.reconnectAfterSeconds, 30n * 86_400n);
    assert.match(bye.errorDescription, /removed/);
    assert.equal((await newer.next<IDisconnectPacket>((p) => p.cmd === 'disconnect')).reasonCode, 0x98);
    await newer.closed;
    assert.equal((await node(nd.id)).status, 'removed');
    const challenge = await request(server, 'GET', `/api/v1/auth/aclk/node/${nd.id}/challenge`);
    assert.equal(challenge.status, 403);
    const body = challenge.json<{
      errorMsgKey: string;
      errorNonRetryable: boolean;
      errorRetryDelaySeconds: number;
    }>();
    assert.equal(body.errorMsgKey, 'ErrNodeRemoved');
    assert.equal(body.errorNonRetryable, false);
    assert.equal(body.errorRetryDelaySeconds, 30 * 86_400);
    assert.equal(challenge.headers['retry-after'], String(30 * 86_400));
    const audit = await request(server, 'GET', '/api/audit?limit=50', { cookie: admin });
    assert.ok(
      audit
        .json<{ events: { action: string; target_id: string | null }[] }>()
        .events.some((e) => e.action === 'node.removed' && e.target_id === nd.id),
    );
  });

  test('room membership from the claim holds for Netdata nodes', async () => {
    const room = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
      cookie: admin,
      body: { name: 'Netdata parents' },
    });
    assert.equal(room.status, 201);
    const nd = await netdataIdentity(server, { rooms: [room.json<{ id: string }>().id] });
    const link = await nd.connect();
    assert.equal(link.connack.reasonCode, 0);
    const n = await node(nd.id);
    assert.equal(n.status, 'online');
    assert.ok(n.rooms.some((r) => r.slug === 'netdata-parents'));
    link.disconnect();
  });
});
