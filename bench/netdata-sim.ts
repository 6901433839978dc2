// Simulated stock Netdata agents for the benchmarks: each claims, authenticates its ACLK as Netdata v2.10.4 does
// (env with cap=proto, the SHA-1 challenge, the password), holds MQTT 5 over a websocket, streams its contexts and
// alerts when asked, and answers queries on its cmd topic with a gzipped HTTP answer, as the stock agent does.
import { constants, privateDecrypt, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import mqtt, { type Packet } from 'mqtt-packet';
import WebSocket from 'ws';
import {
  AlarmSnapshotSchema,
  AlarmStatus,
  ContextsSnapshotSchema,
  ContextsUpdatedSchema,
  UpdateNodeInstanceConnectionSchema,
} from '../src/protocol/aclk/aclk_pb.ts';
import { call } from './http-call.ts';

export interface SimOptions {
  url: string;
  ca: string;
  token: string;
  key: { publicPem: string; privatePem: string };
  agent: http.Agent;
  contexts: number;
  alerts: number;
  /** Points a data answer holds per dimension is what the query asks; dimensions per context. */
  dimensions: number;
}

const MQTT5 = { protocolVersion: 5 } as const;

/** One simulated agent: claimed, linked, streaming and answering. */
export async function netdataSim(o: SimOptions) {
  const id = randomUUID();
  const claimed = await call(o.agent, `${o.url}/api/v1/spaces/nodes/${id}`, 'PUT', {
    node: { id, hostname: `nd-${id.slice(0, 8)}` },
    token: o.token,
    publicKey: o.key.publicPem,
    mGUID: randomUUID(),
  });
  if (claimed.status !== 204) throw new Error(`claim: ${claimed.status} ${claimed.text}`);
  const env = await call(o.agent, `${o.url}/api/v1/env?v=2.10.4&cap=proto,ctx&claim_id=${id}`, 'GET');
  if (env.status !== 200) throw new Error(`env: ${env.status}`);
  const challenge = await call(o.agent, `${o.url}/api/v1/auth/aclk/node/${id}/challenge`, 'GET');
  const response = privateDecrypt(
    { key: o.key.privatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from((JSON.parse(challenge.text) as { challenge: string }).challenge, 'base64'),
  ).toString('base64');
  const pw = await call(o.agent, `${o.url}/api/v1/auth/aclk/node/${id}/password`, 'POST', {
    agent_version: 'v2.10.4',
    response,
  });
  if (pw.status !== 201) throw new Error(`password: ${pw.status} ${pw.text}`);
  const creds = JSON.parse(pw.text) as { clientID: string; username: string; password: string };
  const out = (name: string) => `/agent/${id}/outbound/v1/${name}`;

  const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/mqtt`, 'mqtt', { ca: o.ca });
  const parser = mqtt.parser(MQTT5);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const send = (p: Packet) => ws.send(mqtt.generate(p, MQTT5));
  let messageId = 0;
  const nextId = () => (messageId = (messageId % 0xffff) + 1);
  const publish = <D extends DescMessage>(name: string, schema: D, value: MessageInitShape<D>) =>
    send({
      cmd: 'publish',
      topic: out(name),
      payload: Buffer.from(toBinary(schema, create(schema, value))),
      qos: 1,
      dup: false,
      retain: false,
      messageId: nextId(),
    });
  const contexts = Array.from({ length: o.contexts }, (_, i) => ({
    id: `bench.context_${i}`,
    title: `Context ${i}`,
    units: 'percentage',
    family: `family_${i % 20}`,
    chartType: 'line',
    priority: BigInt(i),
    version: 1n,
  }));
  const labels = ['time', ...Array.from({ length: o.dimensions }, (_, i) => `dim${i}`)];

  function answer(payload: Buffer) {
    const text = payload.toString('utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\r\n\r\n'))) as Record<string, string>;
    const line = text.slice(text.indexOf('\r\n\r\n') + 4).split('\r\n')[0]!;
    const params = new URL(`http://x${line.split(' ')[1]}`).searchParams;
    const points = Number(params.get('points') ?? 300);
    const after = Number(params.get('after') ?? -600);
    const now = Math.floor(Date.now() / 1000);
    const step = Math.max(1, Math.floor(-after / points));
    const data = Array.from({ length: points }, (_, i) => [
      now + after + i * step,
      ...labels.slice(1).map((_, d) => Math.round(Math.random() * 1000) / 10 + d),
    ]);
    const body = gzipSync(
      JSON.stringify({
        api: 3,
        view: {
          title: 'Total CPU utilization',
          units: 'percentage',
          chart_type: 'stacked',
          update_every: step,
        },
        result: { labels, data },
      }),
    );
    const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}`;
    const envelope = JSON.stringify({
      type: 'http',
      'msg-id': header['msg-id'],
      'http-code': 200,
      version: 2,
    });
    send({
      cmd: 'publish',
      topic: header['callback-topic']!,
      payload: Buffer.concat([Buffer.from(`${envelope}\r\n\r\n${head}\r\n\r\n`), body]),
      qos: 1,
      dup: false,
      retain: false,
      messageId: nextId(),
    });
  }

  parser.on('packet', (p: Packet) => {
    if (p.cmd !== 'publish') return;
    const type = p.topic.slice(p.topic.lastIndexOf('/') + 1);
    if (type === 'SendNodeInstances')
      publish('node-instance-connection', UpdateNodeInstanceConnectionSchema, {
        claimId: id,
        nodeId: id,
        liveness: true,
        queryable: true,
      });
    else if (type === 'ContextsCheckpoint')
      publish('contexts-snapshot', ContextsSnapshotSchema, {
        claimId: id,
        nodeId: id,
        version: 1n,
        contexts,
      });
    else if (type === 'StartAlarmStreaming')
      publish('alarm-snapshot-v2', AlarmSnapshotSchema, {
        nodeId: id,
        claimId: id,
        snapshotUuid: randomUUID(),
        chunks: 1,
        chunk: 1,
        chunkSize: o.alerts,
        alarms: Array.from({ length: o.alerts }, (_, i) => ({
          nodeId: id,
          claimId: id,
          name: `alert_${i}`,
          chart: `bench.context_${i % o.contexts}`,
          chartContext: `bench.context_${i % o.contexts}`,
          status: AlarmStatus.CLEAR,
          valueString: '1%',
          value: 1,
          when: BigInt(Math.floor(Date.now() / 1000)),
        })),
      });
    else if (type === 'cmd') answer(p.payload as Buffer);
  });
  ws.on('message', (d) => parser.parse(d as Buffer));
  const connack = new Promise<void>((resolve) =>
    parser.on('packet', (p: Packet) => p.cmd === 'connack' && resolve()),
  );
  send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 5,
    clean: true,
    keepalive: 60,
    clientId: creds.clientID,
    username: creds.username,
    password: Buffer.from(creds.password),
  });
  await connack;
  const ping = setInterval(() => send({ cmd: 'pingreq' }), 60_000);

  return {
    id,
    /** What an idle agent streams now and then: some contexts' retention moved, or an alert changed. */
    streamSome(contextCount: number) {
      publish('contexts-updated', ContextsUpdatedSchema, {
        claimId: id,
        nodeId: id,
        versionHash: BigInt(Date.now()),
        contextUpdates: contexts.slice(0, contextCount).map((c) => ({ ...c, version: BigInt(Date.now()) })),
      });
    },
    close() {
      clearInterval(ping);
      ws.terminate();
    },
  };
}
export type NetdataSim = Awaited<ReturnType<typeof netdataSim>>;
