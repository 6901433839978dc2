import { constants, generateKeyPairSync, privateDecrypt, randomUUID } from 'node:crypto';
import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import mqtt, { type IConnackPacket, type Packet } from 'mqtt-packet';
import WebSocket from 'ws';
import { UpdateAgentConnectionSchema } from '../src/protocol/aclk/aclk_pb.ts';
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
  parser.on('packet', (p: Packet) => {
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
