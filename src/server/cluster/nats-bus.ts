import { EventEmitter } from 'node:events';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MusterEvent } from '../../protocol/api/events.ts';
import type { EventBus } from '../events/event-bus.ts';

/**
 * Live updates for the whole cluster: every replica publishes on one NATS subject and every replica's subscribers
 * hear every event, their own included (NATS keeps one publisher's order), so `/api/events` and a job's log stream
 * show what happens on links held anywhere.
 */
export function createNatsBus(nc: NatsConnection, prefix: string): EventBus {
  const subject = `${prefix}.events`;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        emitter.emit('event', msg.json<MusterEvent>());
      } catch {
        // not one of ours
      }
    },
  });
  return {
    publish: (e: MusterEvent) => nc.publish(subject, JSON.stringify(e)),
    subscribe(fn: (e: MusterEvent) => void): () => void {
      emitter.on('event', fn);
      return () => emitter.off('event', fn);
    },
  };
}
