import { EventEmitter } from 'node:events';
import type { MusterEvent } from '../../protocol/api/events.ts';

/** In-process publish/subscribe for live updates. */
export function createEventBus() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (e: MusterEvent) => emitter.emit('event', e),
    subscribe(fn: (e: MusterEvent) => void): () => void {
      emitter.on('event', fn);
      return () => emitter.off('event', fn);
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
