import { EventEmitter } from 'node:events';

/** Events pushed to live views (server-sent events). */
export type MusterEvent =
  | { type: 'node.presence'; node_id: string; status: string; since: number; reason: string }
  | { type: 'node.duplicate'; node_id: string; duplicate_suspected: boolean; reason: string }
  | { type: 'node.claimed'; node_id: string; space_id: string; hostname: string }
  | { type: 'node.repo'; node_id: string; repo_status: string }
  | {
      type: 'job.state';
      job_id: string;
      node_id: string;
      state: string;
      exit_code: number | null;
      error: string | null;
    }
  | { type: 'job.log'; job_id: string; seq: number; stream: string; data: string };

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
