import mqtt, { type IConnectPacket, type IPublishPacket, type Packet } from 'mqtt-packet';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Timers } from '../clock.ts';
import { createFrameQueue } from './frame-queue.ts';

/**
 * Largest MQTT packet either side sends once the client is authenticated (told to it in CONNACK), and so the
 * largest one buffered: a Netdata agent's answer to a query is one packet (there is no chunking), so it is room for
 * a gzipped function table or a long chart. Before CONNECT is accepted only a CONNECT-sized packet is taken.
 */
export const MAX_MQTT_PACKET_BYTES = 8 * 1024 * 1024;
/** Topic aliases one connection may define. Netdata agents use aliases whatever CONNACK allows, so we accept more. */
export const MAX_TOPIC_ALIASES = 1024;
/** What CONNACK advertises (a client that honours it stays within). */
export const ADVERTISED_TOPIC_ALIASES = 64;
/** How long a client has to send CONNECT after the websocket opens. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** The largest packet (and websocket frame) taken before CONNECT is accepted: a CONNECT with its will fits. */
export const MAX_CONNECT_BYTES = 16 * 1024;
/** Bytes of topic names one connection's aliases may hold together (Netdata's topics are under 200 bytes). */
export const MAX_ALIAS_BYTES = 256 * 1024;
/** The longest keep-alive the server allows; a client asking for more (or for none) is told this one. */
export const MAX_KEEPALIVE_SECONDS = 120;
/** QoS 2 messages received but not yet released, per connection. */
const MAX_INFLIGHT_QOS2 = 1024;
/** Packets of one connection waiting to be handled before the server stops reading from it. */
const MAX_QUEUED_PACKETS = 64;

/** MQTT 5 reason codes this server sends. */
export const REASON = {
  SUCCESS: 0x00,
  NORMAL_DISCONNECT: 0x00,
  DISCONNECT_WITH_WILL: 0x04,
  UNSPECIFIED: 0x80,
  MALFORMED_PACKET: 0x81,
  PROTOCOL_ERROR: 0x82,
  NOT_AUTHORIZED: 0x87,
  UNSUPPORTED_PROTOCOL_VERSION: 0x84,
  CLIENT_ID_NOT_VALID: 0x85,
  BAD_USERNAME_OR_PASSWORD: 0x86,
  SERVER_SHUTTING_DOWN: 0x8b,
  KEEP_ALIVE_TIMEOUT: 0x8d,
  SESSION_TAKEN_OVER: 0x8e,
  TOPIC_NAME_INVALID: 0x90,
  PACKET_TOO_LARGE: 0x95,
  PAYLOAD_FORMAT_INVALID: 0x99,
  ADMINISTRATIVE_ACTION: 0x98,
  TOPIC_ALIAS_INVALID: 0x94,
} as const;

export interface MqttMessage {
  topic: string;
  payload: Buffer;
}

/** How the connection ended, as far as MQTT tells. */
export interface MqttEnding {
  /** The client sent DISCONNECT (the will is discarded unless it asked otherwise). */
  graceful: boolean;
  /** The will, when it applies (the connection dropped, or the client asked for it). */
  will: MqttMessage | null;
  /** Why, in words, when the server ended it or the client gave a reason. */
  reason: string | null;
  /** The websocket close code. */
  code: number;
}

export interface MqttSessionHandlers {
  /** Decide on CONNECT: null accepts; otherwise the reason code and why. */
  connect(packet: IConnectPacket): Promise<{ code: number; reason: string } | null>;
  /** An application message; resolves to the reason code its PUBACK/PUBREC carries. */
  message(message: MqttMessage): Promise<number>;
  /** Topic filter a client may subscribe to. */
  mayRead(filter: string): boolean;
  /** Any packet after CONNECT: the client is alive. */
  heard(): Promise<void>;
  /** After CONNACK was sent (the link is up). */
  connected(): Promise<void>;
  /** Once, when the connection is gone (only after an accepted CONNECT). */
  closed(ending: MqttEnding): Promise<void>;
}

export interface MqttSession {
  /** Publish to the client (QoS 1); false when the connection is not up. */
  publish(topic: string, payload: Uint8Array): boolean;
  /** DISCONNECT with a reason code and string, then close the websocket. */
  end(reasonCode: number, reason: string, wsCode?: number): void;
  terminate(): void;
  isOpen(): boolean;
  /** Seconds of silence after which the client counts as gone (1.5 × its keep-alive, MQTT 5 §3.1.2.10). */
  silenceLimitMs(): number;
  readonly closed: Promise<void>;
}

/**
 * The largest websocket frame ws buffers for this connection. ws takes one limit for the whole server, so this
 * sets its receiver's own: before CONNECT a frame larger than a CONNECT is refused (1009) before it is buffered,
 * so that connections that never authenticate cannot hold a megabyte each. test/trust.test.ts checks it holds.
 */
function setFrameLimit(socket: WebSocket, bytes: number) {
  const receiver = (socket as unknown as { _receiver?: { _maxPayload?: number } })._receiver;
  if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}

/** A connection's topic aliases: what a PUBLISH's topic is, or why the connection must end. */
function topicAliases() {
  const aliases = new Map<number, string>();
  let aliasBytes = 0;
  type Refusal = { code: number; reason: string };
  return {
    topicOf(p: IPublishPacket): string | Refusal {
      const alias = p.properties?.topicAlias;
      if (alias === undefined)
        return (
          p.topic || { code: REASON.TOPIC_NAME_INVALID, reason: 'PUBLISH without a topic or a topic alias' }
        );
      if (alias === 0) return { code: REASON.TOPIC_ALIAS_INVALID, reason: 'topic alias 0 is not allowed' };
      if (p.topic) {
        if (!aliases.has(alias) && aliases.size >= MAX_TOPIC_ALIASES)
          return { code: REASON.TOPIC_ALIAS_INVALID, reason: `more than ${MAX_TOPIC_ALIASES} topic aliases` };
        const bytes = aliasBytes - Buffer.byteLength(aliases.get(alias) ?? '') + Buffer.byteLength(p.topic);
        if (bytes > MAX_ALIAS_BYTES)
          return {
            code: REASON.TOPIC_ALIAS_INVALID,
            reason: `topic aliases may hold ${MAX_ALIAS_BYTES} bytes of topic names in all`,
          };
        aliasBytes = bytes;
        aliases.set(alias, p.topic);
        return p.topic;
      }
      return (
        aliases.get(alias) ?? {
          code: REASON.PROTOCOL_ERROR,
          reason: `topic alias ${alias} was never defined`,
        }
      );
    },
  };
}

/**
 * The CONNACK that accepts a client, and the keep-alive it is held to: a client may not keep a silent connection
 * (and its node online) for longer than the server allows, so a longer or absent keep-alive is replaced.
 */
function acceptance(askedSeconds: number): { keepAliveMs: number; connack: Packet } {
  const keepAlive = askedSeconds > 0 && askedSeconds <= MAX_KEEPALIVE_SECONDS ? askedSeconds : null;
  return {
    keepAliveMs: (keepAlive ?? MAX_KEEPALIVE_SECONDS) * 1000,
    connack: {
      cmd: 'connack',
      sessionPresent: false,
      reasonCode: REASON.SUCCESS,
      properties: {
        topicAliasMaximum: ADVERTISED_TOPIC_ALIASES,
        maximumPacketSize: MAX_MQTT_PACKET_BYTES,
        receiveMaximum: MAX_QUEUED_PACKETS,
        retainAvailable: false,
        sharedSubscriptionAvailable: false,
        subscriptionIdentifiersAvailable: false,
        ...(keepAlive ? {} : { serverKeepAlive: MAX_KEEPALIVE_SECONDS }),
      },
    },
  };
}

/**
 * What the server answers a packet that needs no more than an answer: acknowledgements of what it published
 * (QoS 1; nothing is retried, so nothing to clear), subscriptions (granted only where `mayRead` allows), pings.
 */
function answerOf(p: Packet, mayRead: (filter: string) => boolean): Packet | null {
  switch (p.cmd) {
    case 'pubrec':
      return { cmd: 'pubrel', messageId: p.messageId ?? 0, reasonCode: REASON.SUCCESS };
    case 'subscribe':
      return {
        cmd: 'suback',
        messageId: p.messageId ?? 0,
        granted: p.subscriptions.map((s) => (mayRead(s.topic) ? Math.min(s.qos, 1) : REASON.NOT_AUTHORIZED)),
      };
    case 'unsubscribe':
      return {
        cmd: 'unsuback',
        messageId: p.messageId ?? 0,
        granted: p.unsubscriptions.map(() => REASON.SUCCESS),
      };
    case 'pingreq':
      return { cmd: 'pingresp' };
    default:
      return null;
  }
}

/**
 * Deliver a PUBLISH and say how to acknowledge it: QoS 0 not at all, QoS 1 with PUBACK, QoS 2 with PUBREC, delivered
 * once, on the first PUBLISH of its packet id (a duplicate only gets its PUBREC again). `inflight` holds the QoS 2
 * ids not released yet.
 */
async function delivered(
  p: IPublishPacket,
  topic: string,
  inflight: Set<number>,
  deliver: (m: MqttMessage) => Promise<number>,
): Promise<{ ack: Packet | null } | { refused: string }> {
  const message = { topic, payload: Buffer.from(p.payload) };
  if (p.qos === 0) {
    await deliver(message);
    return { ack: null };
  }
  const id = p.messageId ?? 0;
  if (p.qos === 1) return { ack: { cmd: 'puback', messageId: id, reasonCode: await deliver(message) } };
  if (!inflight.has(id)) {
    if (inflight.size >= MAX_INFLIGHT_QOS2)
      return { refused: `more than ${MAX_INFLIGHT_QOS2} QoS 2 messages not released` };
    const code = await deliver(message);
    if (code >= 0x80) return { ack: { cmd: 'pubrec', messageId: id, reasonCode: code } };
    inflight.add(id);
  }
  return { ack: { cmd: 'pubrec', messageId: id, reasonCode: REASON.SUCCESS } };
}

/**
 * The broker side of one MQTT 5 connection over a websocket (binary frames), for one client that talks only to
 * this server: CONNECT with a will, SUBSCRIBE, PUBLISH at QoS 0/1/2 with topic aliases, the acknowledgements,
 * PINGREQ and DISCONNECT. Packets are parsed and written by mqtt-packet; messages are not routed between clients.
 */
export function openMqttSession(
  socket: WebSocket,
  handlers: MqttSessionHandlers,
  deps: { timers: Timers; log: Logger },
): MqttSession {
  const { timers, log } = deps;
  const parser = mqtt.parser({ protocolVersion: 5 });
  const aliases = topicAliases();
  const qos2 = new Set<number>();
  let state: 'connecting' | 'connected' | 'ended' = 'connecting';
  let accepted = false;
  let will: MqttMessage | null = null;
  let keepAliveMs = 60_000;
  let graceful = false;
  let keepWill = false;
  let endReason: string | null = null;
  let nextId = 1;
  const queue = createFrameQueue(socket, MAX_QUEUED_PACKETS, (err) => {
    log.error({ err }, 'MQTT packet handling failed');
    end(REASON.UNSPECIFIED, 'internal error handling a packet', 1011);
  });

  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  setFrameLimit(socket, MAX_CONNECT_BYTES);
  const connectTimer = timers.setTimeout(
    () => end(REASON.PROTOCOL_ERROR, 'no CONNECT within 10 seconds'),
    CONNECT_TIMEOUT_MS,
  );

  function write(packet: Packet): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    socket.send(mqtt.generate(packet, { protocolVersion: 5 }));
    return true;
  }

  function end(reasonCode: number, reason: string, wsCode = 1000) {
    if (state === 'ended') return;
    endReason ??= reason;
    // Before CONNACK the client learns why from a refusing CONNACK, not from DISCONNECT.
    if (state === 'connected')
      write({ cmd: 'disconnect', reasonCode, properties: { reasonString: reason.slice(0, 200) } });
    state = 'ended';
    socket.close(wsCode, reason.slice(0, 120));
  }

  async function onConnect(p: IConnectPacket) {
    timers.clearTimeout(connectTimer);
    const refusal =
      p.protocolVersion !== 5
        ? { code: REASON.UNSUPPORTED_PROTOCOL_VERSION, reason: 'this server speaks MQTT 5 only' }
        : await handlers.connect(p);
    // The client went away while its credentials were checked: nothing to accept, and no link to open.
    if (state !== 'connecting') return;
    if (refusal) {
      write({
        cmd: 'connack',
        sessionPresent: false,
        reasonCode: refusal.code,
        properties: { reasonString: refusal.reason },
      });
      endReason = refusal.reason;
      state = 'ended';
      socket.close(1000, refusal.reason.slice(0, 120));
      return;
    }
    if (p.will) will = { topic: p.will.topic, payload: Buffer.from(p.will.payload) };
    const accept = acceptance(p.keepalive ?? 0);
    keepAliveMs = accept.keepAliveMs;
    setFrameLimit(socket, MAX_MQTT_PACKET_BYTES);
    write(accept.connack);
    state = 'connected';
    accepted = true;
    await handlers.connected();
  }

  async function onPacket(p: Packet) {
    if (state === 'ended') return;
    if (state === 'connecting') {
      if (p.cmd !== 'connect') {
        end(REASON.PROTOCOL_ERROR, `the first packet must be CONNECT, not ${p.cmd.toUpperCase()}`);
        return;
      }
      await onConnect(p);
      return;
    }
    await handlers.heard();
    switch (p.cmd) {
      case 'publish': {
        const topic = aliases.topicOf(p);
        if (typeof topic !== 'string') return end(topic.code, topic.reason);
        const answer = await delivered(p, topic, qos2, (m) => handlers.message(m));
        if ('refused' in answer) return end(REASON.PROTOCOL_ERROR, answer.refused);
        if (answer.ack) write(answer.ack);
        return;
      }
      case 'pubrel':
        qos2.delete(p.messageId ?? 0);
        write({ cmd: 'pubcomp', messageId: p.messageId ?? 0, reasonCode: REASON.SUCCESS });
        return;
      case 'puback':
      case 'pubrec':
      case 'pubcomp':
      case 'subscribe':
      case 'unsubscribe':
      case 'pingreq': {
        const answer = answerOf(p, (filter) => handlers.mayRead(filter));
        if (answer) write(answer);
        return;
      }
      case 'disconnect':
        graceful = true;
        keepWill = p.reasonCode === REASON.DISCONNECT_WITH_WILL;
        if (p.properties?.reasonString) endReason ??= p.properties.reasonString;
        state = 'ended';
        socket.close(1000);
        return;
      case 'connect':
        end(REASON.PROTOCOL_ERROR, 'CONNECT may be sent once per connection');
        return;
      default:
        end(REASON.PROTOCOL_ERROR, `a client does not send ${p.cmd.toUpperCase()}`);
        return;
    }
  }

  parser.on('packet', (p: Packet) => queue.push(() => onPacket(p)));
  parser.on('error', (err: Error) =>
    end(REASON.MALFORMED_PACKET, `malformed MQTT packet: ${err.message}`, 1002),
  );

  socket.on('message', (data, isBinary) => {
    if (state === 'ended') return;
    if (!isBinary) {
      end(REASON.PROTOCOL_ERROR, 'MQTT over websockets uses binary frames', 1003);
      return;
    }
    const chunk = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    // Before CONNECT is accepted, nobody is known: only a CONNECT-sized packet is taken.
    const limit = accepted ? MAX_MQTT_PACKET_BYTES : MAX_CONNECT_BYTES;
    // What the parser holds is the unfinished packet: past the limit, that packet is too large.
    if (chunk.length > limit || parser.parse(chunk) > limit)
      end(
        REASON.PACKET_TOO_LARGE,
        `MQTT packets are limited to ${limit} bytes${accepted ? '' : ' before CONNECT'}`,
        1009,
      );
  });
  socket.on('close', (code) => {
    timers.clearTimeout(connectTimer);
    state = 'ended';
    if (!accepted) return;
    queue.then(
      () =>
        handlers.closed({
          graceful,
          will: !graceful || keepWill ? will : null,
          reason: endReason,
          code,
        }),
      (err) => log.error({ err }, 'MQTT close handling failed'),
    );
  });
  socket.on('error', (err) => log.debug({ err }, 'MQTT websocket error'));

  return {
    publish(topic, payload) {
      if (state !== 'connected') return false;
      const messageId = nextId;
      nextId = (nextId % 0xffff) + 1;
      return write({
        cmd: 'publish',
        topic,
        payload: Buffer.from(payload),
        qos: 1,
        dup: false,
        retain: false,
        messageId,
      });
    },
    end,
    terminate: () => socket.terminate(),
    isOpen: () => state === 'connected' && socket.readyState === socket.OPEN,
    silenceLimitMs: () => keepAliveMs * 1.5,
    closed,
  };
}
