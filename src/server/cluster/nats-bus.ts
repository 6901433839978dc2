import { EventEmitter } from 'node:events';
import type { MusterEvent } from '../../protocol/api/events.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ClusterWire } from './cluster-wire.ts';

/**
 * Live updates for the whole cluster: every replica publishes on one NATS subject and hears the others' events there
 * (NATS keeps one publisher's order); its own it hands to its subscribers at once. So `/api/events` and a job's log
 * stream show what happens on links held anywhere. Events travel sealed (cluster-wire.ts): what does not open is
 * dropped, and a replica never takes its own events back from NATS.
 */
export function createNatsBus(wire: ClusterWire, prefix: string): EventBus {
  const subject = `${prefix}.events`;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const local = new EventEmitter();
  local.setMaxListeners(0);
  wire.subscribe(subject, ({ body }) => emitter.emit('event', body));
  return {
    publish(e: MusterEvent) {
      emitter.emit('event', e);
      local.emit('event', e);
      wire.publish(subject, e);
    },
    subscribe(fn: (e: MusterEvent) => void): () => void {
      emitter.on('event', fn);
      return () => emitter.off('event', fn);
    },
    subscribeLocal(fn: (e: MusterEvent) => void): () => void {
      local.on('event', fn);
      return () => local.off('event', fn);
    },
  };
}
