import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { agentFrame, CLOSE, parseFrame, type ServerFrame } from '../../protocol/link-frames.ts';
import { createFrameQueue } from './frame-queue.ts';
import type { LinkHub, LinkSessionHandle } from './link-hub.ts';
import type { DisconnectFrame, LinkChannel } from './link-sessions.ts';

/** Frames of one link waiting to be handled before the server stops reading from it. */
export const MAX_QUEUED_FRAMES = 64;
/** A heartbeat frame as our agents send it: recognised without parsing. */
const HEARTBEAT_FRAME = '{"t":"heartbeat"}';

/**
 * A Muster agent's link as the hub sees it: JSON text frames on a websocket. One object per link whose methods are
 * shared by all of them (no closures per link).
 */
class JsonChannel implements LinkChannel {
  readonly speaks = 'muster';
  readonly closed: Promise<void>;
  constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }
  answers() {
    return true;
  }
  deliver(frame: ServerFrame) {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }
  end(code: number, reason: string, goodbye?: DisconnectFrame) {
    if (goodbye) this.deliver(goodbye);
    this.socket.close(code, reason.slice(0, 120));
  }
  terminate() {
    this.socket.terminate();
  }
  isOpen() {
    return this.socket.readyState === this.socket.OPEN;
  }
}

/**
 * Hand a freshly authenticated websocket of a Muster agent to the hub. Its frames are handled in order, after the
 * link was admitted (a hello is recorded before its first heartbeat); an agent that sends faster than they are
 * handled is paused, so what waits in memory stays bounded.
 */
export function attachJsonLink(
  deps: { hub: LinkHub; log: Logger },
  nodeId: string,
  socket: WebSocket,
  remoteAddr: string,
): void {
  const { hub, log } = deps;
  let link: LinkSessionHandle | null = null;
  const queue = createFrameQueue(socket, MAX_QUEUED_FRAMES, (err) => {
    log.error({ err, node_id: nodeId }, 'link frame handling failed');
    link?.fail(1011, 'internal error handling a frame');
  });
  queue.then(
    async () => {
      link = await hub.open(nodeId, new JsonChannel(socket), remoteAddr);
    },
    (err) => {
      log.error({ err, node_id: nodeId }, 'could not admit a link');
      socket.close(1011, 'internal error admitting the link');
    },
  );
  // Agents that were told `heartbeat: "ping"` send a websocket ping (answered by the socket) and nothing else.
  socket.on('ping', () => link?.heard());
  socket.on('message', (data, isBinary) => {
    // The most frequent frame costs no parsing and no queueing once the link is up.
    if (link?.isUp() && !isBinary && Buffer.isBuffer(data) && data.length === HEARTBEAT_FRAME.length) {
      if (data.toString('latin1') === HEARTBEAT_FRAME) return link.heard();
    }
    const text = isBinary
      ? null
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    queue.push(async () => {
      if (!link) return;
      if (text === null)
        return link.fail(CLOSE.PROTOCOL_ERROR, 'binary frames are not part of the link protocol');
      const parsed = parseFrame(agentFrame, text);
      if (!parsed.ok) {
        log.warn({ node_id: nodeId, error: parsed.error }, 'closing link after a malformed frame');
        return link.fail(CLOSE.PROTOCOL_ERROR, parsed.error);
      }
      await link.receive(parsed.frame);
    });
  });
  socket.on('close', (code) =>
    queue.then(
      () => link?.closed(code),
      (err) => log.error({ err, node_id: nodeId }, 'link close handling failed'),
    ),
  );
  socket.on('error', (err) => log.debug({ err, node_id: nodeId }, 'link socket error'));
}
