import { EventEmitter } from 'node:events';
import type { Subscription } from '@nats-io/transport-node';
import type { MusterEvent } from '../../protocol/api/events.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ClusterWire } from './cluster-wire.ts';

/** How long a new subscriber waits at most for NATS to confirm it hears the others. */
const HEARD_WAIT_MS = 2000;

/**
 * Live updates for the whole cluster: every replica publishes on one NATS subject and hears the others' events there
 * (NATS keeps one publisher's order); its own it hands to its subscribers at once. So `/api/events` and a job's log
 * stream show what happens on links held anywhere. Events travel sealed (cluster-wire.ts): what does not open is
 * dropped, and a replica never takes its own events back from NATS. A replica hears the subject only while someone
 * listens there (a browser's event stream, a job's log): with none, it does not open every event of the cluster
 * (a presence event per link at each of the others, in a reconnect storm) to hand it to nobody.
 */
export function createNatsBus(wire: ClusterWire, prefix: string): EventBus {
  const subject = `${prefix}.events`;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const local = new EventEmitter();
  local.setMaxListeners(0);
  let remote: Subscription | null = null;
  return {
    publish(e: MusterEvent) {
      emitter.emit('event', e);
      local.emit('event', e);
      wire.publish(subject, e);
    },
    subscribe(fn: (e: MusterEvent) => void): () => void {
      emitter.on('event', fn);
      remote ??= wire.subscribe(subject, ({ body }) => emitter.emit('event', body));
      return () => {
        emitter.off('event', fn);
        if (emitter.listenerCount('event') > 0 || !remote) return;
        remote.unsubscribe();
        remote = null;
      };
    },
    // While NATS is away the others' events are lost anyway: a stream does not wait for it longer than this.
    async heard() {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          wire.flush().catch(() => undefined),
          new Promise<void>((r) => (timer = setTimeout(r, HEARD_WAIT_MS).unref())),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    subscribeLocal(fn: (e: MusterEvent) => void): () => void {
      local.on('event', fn);
      return () => local.off('event', fn);
    },
  };
}
