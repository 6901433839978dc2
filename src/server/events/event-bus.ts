import { EventEmitter } from 'node:events';
import type { MusterEvent } from '../../protocol/api/events.ts';

/** Publish/subscribe for live updates: in this process, or across a cluster's replicas (cluster/nats-bus.ts). */
export interface EventBus {
  publish(e: MusterEvent): void;
  /** Hear every event from now on; returns how to stop. */
  subscribe(fn: (e: MusterEvent) => void): () => void;
  /**
   * Hear only the events published in this process (in a cluster, each event once, at the replica where it
   * happened): for work done once per event, such as alerts and the events timeline.
   */
  subscribeLocal(fn: (e: MusterEvent) => void): () => void;
  /**
   * Settles once the events of other replicas reach every subscriber added so far (at once in one process): a
   * stream that says it is open, or reads what is stored after subscribing, misses nothing published after it.
   */
  heard(): Promise<void>;
}

/** In-process publish/subscribe for live updates. */
export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const subscribe = (fn: (e: MusterEvent) => void): (() => void) => {
    emitter.on('event', fn);
    return () => emitter.off('event', fn);
  };
  return {
    publish: (e: MusterEvent) => void emitter.emit('event', e),
    subscribe,
    subscribeLocal: subscribe,
    heard: () => Promise.resolve(),
  };
}
