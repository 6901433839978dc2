import { createHash } from 'node:crypto';
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import {
  AlarmLogEntrySchema,
  AlarmSnapshotSchema,
  CancelPendingRequestSchema,
  ContextsCheckpointSchema,
  ContextsSnapshotSchema,
  ContextsUpdatedSchema,
  CreateNodeInstanceResultSchema,
  CreateNodeInstanceSchema,
  DisconnectReqSchema,
  SendNodeInstancesSchema,
  StartAlarmStreamingSchema,
  UpdateAgentConnectionSchema,
  UpdateNodeCollectorsSchema,
  UpdateNodeInfoSchema,
  UpdateNodeInstanceConnectionSchema,
  type NodeInfo,
} from '../../protocol/aclk/aclk_pb.ts';
import {
  cmdTopic,
  inboundTopic,
  isInboundFilter,
  outboundTopic,
  QUERY_REPLY_TOPIC,
  topicNameOf,
} from '../../protocol/aclk/topics.ts';
import { NETDATA_REMOVED_RETRY_SECONDS } from '../../protocol/errors.ts';
import { canonicalId } from '../../protocol/ids.ts';
import {
  CLOSE,
  MAX_LABEL_KEY,
  MAX_LABEL_VALUE,
  MAX_LABELS,
  nodeFacts,
  type NodeFacts,
  type ServerFrame,
} from '../../protocol/link-frames.ts';
import type { LinkAuthService } from '../claiming/link-auth-service.ts';
import type { NodePresence } from '../nodes/node-presence.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { Timers } from '../clock.ts';
import type { LinkHub, LinkSessionHandle } from './link-hub.ts';
import type { LinkChannel } from './link-sessions.ts';
import { openMqttSession, REASON } from './mqtt-session.ts';
import { createAclkQueries } from './aclk-queries.ts';
import { answerDataRequest, refusalOf } from './netdata-data.ts';
import { createNetdataStreams, type NetdataAlertSink } from './netdata-streams.ts';
import { isDataMethod } from '../../protocol/node-data.ts';

/** The MQTT reason code a link close code becomes. */
const DISCONNECT_REASON: Record<number, number> = {
  [CLOSE.REMOVED]: REASON.ADMINISTRATIVE_ACTION,
  [CLOSE.REPLACED]: REASON.SESSION_TAKEN_OVER,
  [CLOSE.DUPLICATE]: REASON.ADMINISTRATIVE_ACTION,
  [CLOSE.HEARTBEAT_TIMEOUT]: REASON.KEEP_ALIVE_TIMEOUT,
  [CLOSE.SERVER_SHUTDOWN]: REASON.SERVER_SHUTTING_DOWN,
  [CLOSE.PROTOCOL_ERROR]: REASON.PROTOCOL_ERROR,
};

/** Node facts from a Netdata agent's node info, clipped to what a node may report. */
export function factsFromNodeInfo(info: NodeInfo): NodeFacts | null {
  const labels = Object.fromEntries(
    Object.entries(info.hostLabels)
      .slice(0, MAX_LABELS)
      .map(([k, v]) => [k.slice(0, MAX_LABEL_KEY), v.slice(0, MAX_LABEL_VALUE)]),
  );
  const memory = Number.parseInt(info.memory, 10);
  // Netdata says "unknown" where it could not find out.
  const known = (v: string) => (v === 'unknown' ? '' : v);
  const parsed = nodeFacts.safeParse({
    hostname: info.name.slice(0, 253),
    os: (known(info.osName) || info.os).slice(0, 200),
    os_version: known(info.osVersion).slice(0, 100) || undefined,
    kernel: [info.kernelName, info.kernelVersion].filter(Boolean).join(' ').slice(0, 200),
    arch: info.architecture.slice(0, 50),
    cpus: info.cpus,
    memory_bytes: Number.isFinite(memory) && memory > 0 ? memory : 0,
    virtualization: info.virtualizationType.slice(0, 100),
    container: info.containerType.slice(0, 100),
    labels,
  });
  return parsed.success ? parsed.data : null;
}

/**
 * The node id a node instance gets. The agent's own machine is the node itself; a child it streams (a Netdata
 * parent) gets a stable id of its own, derived from the parent's id and the child's machine GUID, and is not
 * a Muster node (docs/netdata.md).
 */
export function nodeInstanceId(
  nodeId: string,
  ownMachineGuid: string | null,
  machineGuid: string,
  hops: number,
) {
  if (hops === 0 || machineGuid === ownMachineGuid) return nodeId;
  const h = createHash('sha256').update(`${nodeId}/${machineGuid}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A stock Netdata agent's link (ACLK): MQTT 5 over the websocket at /mqtt, authenticated in CONNECT with the
 * single-use link password from the challenge. Presence, take-over and duplicates go through the hub exactly as
 * for Muster's own agents; the node is online at CONNACK and its facts arrive with UpdateNodeInfo.
 */
export function acceptAclkLink(
  socket: WebSocket,
  remoteAddr: string,
  /** CONNECT was answered (accepted or refused): the connection no longer counts as unauthenticated. */
  authenticated: () => void,
  deps: {
    linkAuth: LinkAuthService;
    hub: LinkHub;
    nodes: NodesService;
    presence: NodePresence;
    timers: Timers;
    log: Logger;
    /** Where the node's Netdata alerts go (they become Muster alerts). */
    netdataAlerts?: NetdataAlertSink;
  },
): void {
  const { linkAuth, hub, nodes, presence, log } = deps;
  let nodeId = '';
  let agentVersion: string | null = null;
  let handle: LinkSessionHandle | null = null;

  const publish = <D extends DescMessage>(schema: D, value: MessageShape<D>) =>
    session.publish(inboundTopic(nodeId, schema.name), toBinary(schema, value));

  // The node's own instance id is the node id (nodeInstanceId), so its streams carry it.
  const streams = createNetdataStreams(
    () => nodeId,
    () => nodeId,
    deps.netdataAlerts ?? null,
  );
  const queries = createAclkQueries({
    sendCmd: (payload) => session.publish(cmdTopic(nodeId), payload),
    sendCancel: (msgId) =>
      publish(
        CancelPendingRequestSchema,
        create(CancelPendingRequestSchema, { requestId: msgId, timestamp: timestampNow() }),
      ),
    callbackTopic: () => outboundTopic(nodeId, QUERY_REPLY_TOPIC),
    timers: deps.timers,
  });
  /** Requests of Muster's link being answered through queries, by request id (a cancel withdraws them). */
  const answering = new Map<string, AbortController>();

  /** A data request of Muster's link, answered from the streams or with queries on the agent. */
  function answer(frame: Extract<ServerFrame, { t: 'request' }>) {
    const abort = new AbortController();
    answering.set(frame.id, abort);
    void answerDataRequest(frame.method, frame.params, {
      queries,
      streams,
      timeoutMs: frame.timeout_ms,
      signal: abort.signal,
    })
      .then(
        (result) => handle?.receive({ t: 'reply', id: frame.id, ok: true, result }),
        (err: unknown) => handle?.receive({ t: 'reply', id: frame.id, ok: false, error: refusalOf(err) }),
      )
      .finally(() => answering.delete(frame.id));
  }

  const channel: LinkChannel = {
    speaks: 'netdata',
    // Netdata agents run no Muster jobs: they answer the data methods (charts, alerts, functions) only.
    answers: isDataMethod,
    deliver(frame) {
      if (!session.isOpen()) return false;
      if (frame.t === 'request' && isDataMethod(frame.method)) return (answer(frame), true);
      if (frame.t === 'cancel') return (answering.get(frame.id)?.abort(), true);
      return false;
    },
    end(code, reason, goodbye?: Extract<ServerFrame, { t: 'disconnect' }>) {
      // A removed node is not "banned": Netdata retries a ban every 60 s for ever, but honours a long delay.
      if (goodbye)
        publish(
          DisconnectReqSchema,
          create(DisconnectReqSchema, {
            reconnectAfterSeconds: BigInt(
              goodbye.permanent ? NETDATA_REMOVED_RETRY_SECONDS : (goodbye.reconnect_after_seconds ?? 0),
            ),
            permaban: false,
            createdAt: timestampNow(),
            errorCode: code,
            errorDescription: goodbye.reason,
          }),
        );
      session.end(DISCONNECT_REASON[code] ?? REASON.NORMAL_DISCONNECT, reason, code);
    },
    terminate: () => session.terminate(),
    isOpen: () => session.isOpen(),
    get closed() {
      return session.closed;
    },
  };

  async function onMessage(topic: string, payload: Buffer): Promise<number> {
    const name = topicNameOf(nodeId, topic);
    if (name === null) {
      log.warn({ node_id: nodeId, topic }, 'Netdata agent published outside its own topics');
      return REASON.NOT_AUTHORIZED;
    }
    try {
      switch (name) {
        case 'agent-connection': {
          const m = fromBinary(UpdateAgentConnectionSchema, payload);
          if (!m.reachable) handle?.ending('the agent said it is going offline (stopped or restarting)');
          return REASON.SUCCESS;
        }
        case 'create-node-instance': {
          const m = fromBinary(CreateNodeInstanceSchema, payload);
          const own = (await nodes.findRow(nodeId))?.machine_guid ?? null;
          publish(
            CreateNodeInstanceResultSchema,
            create(CreateNodeInstanceResultSchema, {
              nodeId: nodeInstanceId(nodeId, own, m.machineGuid, m.hops),
              machineGuid: m.machineGuid,
            }),
          );
          return REASON.SUCCESS;
        }
        case 'node-instance-info': {
          const m = fromBinary(UpdateNodeInfoSchema, payload);
          if (m.child || !m.data) return REASON.SUCCESS;
          const facts = factsFromNodeInfo(m.data);
          if (!facts) {
            log.warn({ node_id: nodeId }, 'Netdata node info did not give usable facts');
            return REASON.PAYLOAD_FORMAT_INVALID;
          }
          agentVersion = m.data.version.replace(/^v/, '').slice(0, 100) || agentVersion;
          await presence.recordFacts(nodeId, facts, agentVersion ?? '', m.machineGuid.slice(0, 64) || null);
          return REASON.SUCCESS;
        }
        case 'node-instance-connection': {
          const m = fromBinary(UpdateNodeInstanceConnectionSchema, payload);
          // The node's own instance is live: ask for its contexts (a hash it cannot have, so it sends them all)
          // and its alerts (version 0: a snapshot unless it has none), then their changes as they happen.
          if (m.nodeId === nodeId && m.liveness) {
            publish(
              ContextsCheckpointSchema,
              create(ContextsCheckpointSchema, { claimId: nodeId, nodeId, versionHash: 1n }),
            );
            publish(
              StartAlarmStreamingSchema,
              create(StartAlarmStreamingSchema, { nodeId, version: 0n, resets: false }),
            );
          }
          return REASON.SUCCESS;
        }
        case QUERY_REPLY_TOPIC:
          await queries.reply(payload);
          return REASON.SUCCESS;
        case 'contexts-snapshot':
          streams.contextsSnapshot(fromBinary(ContextsSnapshotSchema, payload));
          return REASON.SUCCESS;
        case 'contexts-updated':
          streams.contextsUpdated(fromBinary(ContextsUpdatedSchema, payload));
          return REASON.SUCCESS;
        case 'alarm-snapshot-v2':
          await streams.alarmSnapshot(fromBinary(AlarmSnapshotSchema, payload));
          return REASON.SUCCESS;
        case 'alarm-log-v2':
          await streams.alarmLogEntry(fromBinary(AlarmLogEntrySchema, payload));
          return REASON.SUCCESS;
        case 'node-instance-collectors':
          fromBinary(UpdateNodeCollectorsSchema, payload);
          return REASON.SUCCESS;
        default:
          // Charts (the older stream) and alert checkpoints are not part of what Muster keeps (docs/netdata.md).
          return REASON.SUCCESS;
      }
    } catch (err) {
      log.warn({ node_id: nodeId, topic: name, err }, 'undecodable message from a Netdata agent');
      return REASON.PAYLOAD_FORMAT_INVALID;
    }
  }

  const session = openMqttSession(
    socket,
    {
      async connect(p) {
        const id = canonicalId(p.username ?? '');
        const password = p.password?.toString('utf8') ?? '';
        const used = id ? await linkAuth.consumeLinkPassword(id, password) : null;
        authenticated();
        if (!used)
          return {
            code: REASON.BAD_USERNAME_OR_PASSWORD,
            reason: 'link password missing, expired or already used; authenticate again',
          };
        if (canonicalId(p.clientId) !== used.nodeId)
          return {
            code: REASON.CLIENT_ID_NOT_VALID,
            reason: 'the client id must be the one the password came with',
          };
        nodeId = used.nodeId;
        agentVersion = used.agentVersion;
        return null;
      },
      async connected() {
        handle = await hub.open(nodeId, channel, remoteAddr, session.silenceLimitMs());
        await handle?.linked(agentVersion, `Netdata agent link (ACLK) established from ${remoteAddr}`);
        // An agent that knows its node id says nothing of its node instances until asked: their state update
        // (UpdateNodeInstanceConnection) is what starts its contexts and alerts streaming.
        if (handle) publish(SendNodeInstancesSchema, create(SendNodeInstancesSchema, { claimId: nodeId }));
      },
      heard: async () => handle?.heard(),
      message: (m) => onMessage(m.topic, m.payload),
      mayRead: (filter) => isInboundFilter(nodeId, filter),
      async closed(ending) {
        queries.close('the Netdata agent went offline before it answered');
        if (!handle) return;
        const willSaid =
          !ending.graceful && ending.will
            ? "connection lost; the agent's MQTT will says it is unreachable"
            : undefined;
        await handle.closed(ending.code, ending.reason ?? willSaid);
      },
    },
    deps,
  );
}
