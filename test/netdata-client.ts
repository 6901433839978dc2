import { constants, generateKeyPairSync, privateDecrypt, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import mqtt, { type IConnackPacket, type Packet } from 'mqtt-packet';
import WebSocket from 'ws';
import {
  AlarmLogEntrySchema,
  AlarmSnapshotSchema,
  CancelPendingRequestSchema,
  ContextsSnapshotSchema,
  ContextUpdatedSchema,
  UpdateAgentConnectionSchema,
  UpdateNodeInstanceConnectionSchema,
} from '../src/protocol/aclk/aclk_pb.ts';
import { request, type TestServer } from './helpers.ts';

/** What the server answers a Netdata agent's password request with. */
export interface AclkCredentials {
  clientID: string;
  username: string;
  password: string;
  topics: { name: string; topic: string }[];
}

/**
 * A test client that behaves as a stock Netdata agent (v2.10) does on its link, as observed and as Netdata's
 * source says: claim, env with `cap=proto`, the SHA-1 challenge, the password with its topic list, MQTT 5 over
 * the websocket at /mqtt with a QoS 2 will, topic aliases on every publish (whatever CONNACK allows), QoS 1
 * publishes of protobuf messages.
 */
export async function netdataIdentity(
  server: TestServer,
  opts: { rooms?: string[]; hostname?: string } = {},
) {
  const id = randomUUID();
  const machineGuid = randomUUID();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
  const claimed = await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, {
    body: {
      node: { id, hostname: opts.hostname ?? 'netdata-sim' },
      token,
      rooms: opts.rooms ?? [],
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
      mGUID: machineGuid,
    },
  });
  if (claimed.status !== 204) throw new Error(`claim failed: ${claimed.status} ${claimed.text}`);
  // Netdata's HTTPS client sends Host without the port.
  const host = { host: '127.0.0.1' };

  /** env, challenge and password, as the agent does before every connection. */
  async function authenticate(): Promise<{ creds: AclkCredentials; endpoint: string }> {
    const env = await request(server, 'GET', `/api/v1/env?v=2.10.4&cap=proto,ctx&claim_id=${id}`, {
      headers: host,
    });
    if (env.status !== 200) throw new Error(`env: ${env.status} ${env.text}`);
    const e = env.json<{ authEndpoint: string; transports: { type: string; endpoint: string }[] }>();
    const auth = new URL(e.authEndpoint);
    const challenge = await request(server, 'GET', `${auth.pathname}/node/${id}/challenge`, {
      headers: host,
    });
    if (challenge.status !== 200) throw new Error(`challenge: ${challenge.status} ${challenge.text}`);
    const response = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(challenge.json<{ challenge: string }>().challenge, 'base64'),
    ).toString('base64');
    const pw = await request(server, 'POST', `${auth.pathname}/node/${id}/password`, {
      headers: host,
      body: { agent_version: 'v2.10.4', response },
    });
    if (pw.status !== 201) throw new Error(`password: ${pw.status} ${pw.text}`);
    return {
      creds: pw.json<AclkCredentials>(),
      endpoint: e.transports.find((t) => t.type === 'MQTTv5')!.endpoint,
    };
  }

  return {
    id,
    machineGuid,
    authenticate,
    connect: (o?: ConnectOptions) => connectAclk(server, id, authenticate, o),
  };
}

export interface ConnectOptions {
  keepalive?: number;
  /** The first topic alias used (Netdata starts at 1 and ignores CONNACK's maximum; start above it to test that). */
  firstAlias?: number;
  /** Credentials to use instead of fresh ones. */
  creds?: AclkCredentials;
}

/** One MQTT 5 connection of a simulated Netdata agent. */
export async function connectAclk(
  server: TestServer,
  id: string,
  authenticate: () => Promise<{ creds: AclkCredentials; endpoint: string }>,
  opts: ConnectOptions = {},
) {
  const { creds, endpoint } = opts.creds
    ? { creds: opts.creds, endpoint: `${server.url.replace(/^http/, 'ws')}/mqtt` }
    : await authenticate();
  const topic = (name: string) => creds.topics.find((t) => t.name === name)!.topic.replace('#{claim_id}', id);
  const url = new URL(endpoint);
  const ws = new WebSocket(`wss://127.0.0.1:${url.port}/mqtt`, 'mqtt', { ca: server.ca });
  const parser = mqtt.parser({ protocolVersion: 5 });
  const packets: Packet[] = [];
  const waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  const listeners: ((p: Packet) => void)[] = [];
  parser.on('packet', (p: Packet) => {
    for (const l of listeners) l(p);
    packets.push(p);
    for (const w of [...waiters])
      if (w.match(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
  });
  ws.on('message', (d) => parser.parse(d as Buffer));
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, why) => r({ code, reason: why.toString() })),
  );
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const send = (p: Packet) => ws.send(mqtt.generate(p, { protocolVersion: 5 }));

  /** The next packet (already received or still to come) that matches. */
  function next<T extends Packet>(match: (p: Packet) => boolean, timeoutMs = 10_000): Promise<T> {
    const seen = packets.find(match);
    if (seen) {
      packets.splice(packets.indexOf(seen), 1);
      return Promise.resolve(seen as T);
    }
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no such packet in time')), timeoutMs);
      waiters.push({
        match,
        resolve: (p) => {
          clearTimeout(t);
          packets.splice(packets.indexOf(p), 1);
          resolve(p as T);
        },
      });
    });
  }

  const will = toBinary(
    UpdateAgentConnectionSchema,
    create(UpdateAgentConnectionSchema, { claimId: id, reachable: false, updateSource: 2 }),
  );
  send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 5,
    clean: true,
    keepalive: opts.keepalive ?? 60,
    clientId: creds.clientID,
    username: creds.username,
    password: Buffer.from(creds.password),
    will: { topic: topic('agent-connection'), payload: Buffer.from(will), qos: 2, retain: false },
    properties: { topicAliasMaximum: 65535 },
  });
  const connack = await Promise.race([
    next<IConnackPacket>((p) => p.cmd === 'connack'),
    closed.then((): IConnackPacket => ({ cmd: 'connack', reasonCode: -1, sessionPresent: false })),
  ]);

  const aliases = new Map<string, number>();
  let alias = (opts.firstAlias ?? 1) - 1;
  let messageId = 0;

  return {
    ws,
    creds,
    connack,
    closed,
    next,
    send,
    topic,
    /** Publish a protobuf message on a topic name, with a topic alias as Netdata does: topic and alias the first time, the alias alone after. */
    publish<D extends DescMessage>(name: string, schema: D, value: MessageInitShape<D>, qos: 0 | 1 | 2 = 1) {
      const t = topic(name);
      const known = aliases.get(t);
      if (!known) aliases.set(t, ++alias);
      const id = (messageId = (messageId % 0xffff) + 1);
      send({
        cmd: 'publish',
        topic: known ? '' : t,
        payload: Buffer.from(toBinary(schema, create(schema, value))),
        qos,
        dup: false,
        retain: false,
        messageId: qos > 0 ? id : undefined,
        properties: { topicAlias: known ?? alias },
      });
      return id;
    },
    /** Publish raw bytes on a full topic (a query reply is JSON and HTTP, not protobuf), QoS 1. */
    publishRaw(fullTopic: string, payload: Buffer) {
      const id = (messageId = (messageId % 0xffff) + 1);
      send({ cmd: 'publish', topic: fullTopic, payload, qos: 1, dup: false, retain: false, messageId: id });
      return id;
    },
    /** Called with every packet the server sends, as it arrives (next() still sees it). */
    onPacket(listener: (p: Packet) => void) {
      listeners.push(listener);
    },
    subscribe(filter: string) {
      const id = (messageId = (messageId % 0xffff) + 1);
      send({ cmd: 'subscribe', messageId: id, subscriptions: [{ topic: filter, qos: 1 }] });
      return id;
    },
    /** A clean goodbye: DISCONNECT, then the websocket closes (the will is discarded). */
    disconnect() {
      send({ cmd: 'disconnect', reasonCode: 0 });
      ws.close(1000);
    },
  };
}
export type AclkConnection = Awaited<ReturnType<typeof connectAclk>>;

/** A query the server sent on the cmd topic, as the agent parses it. */
export interface AgentQuery {
  header: { type: string; 'msg-id': string; 'callback-topic': string; timeout: number; version: number };
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** How the simulated agent answers a query: an HTTP answer, an error envelope, or nothing (a lost reply). */
export type AgentAnswer =
  | { status: number; json: unknown }
  | { error: { httpCode: number; errorCode: number; description: string } }
  | null;

/** Parse what the server publishes on the cmd topic: JSON, a blank line, then a raw HTTP request. */
export function parseCmd(payload: Buffer): AgentQuery {
  const text = payload.toString('utf8');
  const sep = text.indexOf('\r\n\r\n');
  const header = JSON.parse(text.slice(0, sep)) as AgentQuery['header'];
  const http = text.slice(sep + 4);
  const end = http.indexOf('\r\n\r\n');
  const [requestLine, ...lines] = http.slice(0, end).split('\r\n');
  const [method, path] = requestLine!.split(' ');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { header, method: method!, path: path!, headers, body: http.slice(end + 4) };
}

/**
 * Behave as a stock Netdata agent does once linked (v2.10.4, from its source and as observed): re-send its node
 * instance's state when asked (SendNodeInstances), send its contexts on ContextsCheckpoint and an alert snapshot on
 * StartAlarmStreaming, and answer queries on the cmd topic on the callback topic, the HTTP body gzipped in one piece.
 */
export function serveAsNetdata(
  link: AclkConnection,
  id: string,
  agent: {
    contexts?: MessageInitShape<typeof ContextUpdatedSchema>[];
    alerts?: MessageInitShape<typeof AlarmLogEntrySchema>[];
    /** Alerts per snapshot chunk (Netdata: 1,000). */
    chunk?: number;
    answer?: (q: AgentQuery) => AgentAnswer | Promise<AgentAnswer>;
  },
) {
  const queries: AgentQuery[] = [];
  const cancelled: string[] = [];
  link.onPacket((p) => {
    if (p.cmd !== 'publish') return;
    const type = p.topic.slice(p.topic.lastIndexOf('/') + 1);
    const payload = p.payload as Buffer;
    if (type === 'SendNodeInstances')
      link.publish('node-instance-connection', UpdateNodeInstanceConnectionSchema, {
        claimId: id,
        nodeId: id,
        liveness: true,
        queryable: true,
      });
    else if (type === 'ContextsCheckpoint')
      link.publish('contexts-snapshot', ContextsSnapshotSchema, {
        claimId: id,
        nodeId: id,
        version: 1n,
        contexts: agent.contexts ?? [],
      });
    else if (type === 'StartAlarmStreaming') {
      const all = agent.alerts ?? [];
      const size = agent.chunk ?? 1000;
      const chunks = Math.max(1, Math.ceil(all.length / size));
      const uuid = randomUUID();
      for (let c = 0; c < chunks; c++)
        link.publish('alarm-snapshot-v2', AlarmSnapshotSchema, {
          nodeId: id,
          claimId: id,
          snapshotUuid: uuid,
          chunks,
          chunk: c + 1,
          chunkSize: Math.min(size, all.length - c * size),
          alarms: all.slice(c * size, (c + 1) * size).map((a) => ({ nodeId: id, claimId: id, ...a })),
        });
    } else if (type === 'CancelPendingRequest')
      cancelled.push(fromBinary(CancelPendingRequestSchema, payload).requestId);
    else if (type === 'cmd') {
      const q = parseCmd(payload);
      queries.push(q);
      void Promise.resolve(agent.answer?.(q) ?? null).then((a) => {
        if (a) link.publishRaw(q.header['callback-topic'], replyOf(q.header['msg-id'], a));
      });
    }
  });
  return { queries, cancelled };
}

/** The agent's reply envelope: its JSON header, a blank line and the HTTP response (gzipped body). */
export function replyOf(msgId: string, a: NonNullable<AgentAnswer>): Buffer {
  const base = { type: 'http', 'msg-id': msgId, timestamp: Math.floor(Date.now() / 1000), version: 2 };
  if ('error' in a)
    return Buffer.from(
      JSON.stringify({
        ...base,
        'http-code': a.error.httpCode,
        'error-code': a.error.errorCode,
        'error-description': a.error.description,
      }),
    );
  const body = gzipSync(JSON.stringify(a.json));
  const head = [
    `HTTP/1.1 ${a.status} OK`,
    'Content-Type: application/json',
    'Content-Encoding: gzip',
    `Content-Length: ${body.length}`,
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(
      `${JSON.stringify({ ...base, 'http-code': a.status, 't-exec': 1200 })}\r\n\r\n${head}\r\n\r\n`,
    ),
    body,
  ]);
}
