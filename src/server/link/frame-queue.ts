/** What a frame queue needs of its connection: a way to stop reading from it, and to read again. */
export interface Pausable {
  pause(): void;
  resume(): void;
  readonly isPaused: boolean;
}

/**
 * One connection's frames, handled one at a time in arrival order. A peer that sends faster than its frames are
 * handled is paused once `max` wait (TCP then pushes back on it) and read again when a quarter of that is left, so
 * what waits in memory stays bounded. A handler that throws is reported to `failed`; the frames after it still run.
 *
 * @example
 *   const queue = createFrameQueue(socket, 64, (err) => log.error({ err }, 'frame handling failed'));
 *   socket.on('message', (data) => queue.push(() => onFrame(data)));
 *   socket.on('close', () => queue.then(() => onClose()));
 */
export function createFrameQueue(conn: Pausable, max: number, failed: (err: unknown) => void) {
  let chain: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return {
    /** Handle a frame after those before it; counts towards the pause. */
    push(handle: () => unknown): void {
      if (++waiting >= max && !conn.isPaused) conn.pause();
      chain = chain
        .then(handle)
        .catch(failed)
        .finally(() => {
          if (--waiting <= max / 4 && conn.isPaused) conn.resume();
        });
    },
    /** Run a step after everything queued (a connection's admission first, its close last); not counted. */
    then(step: () => unknown, stepFailed: (err: unknown) => void = failed): void {
      chain = chain.then(step).catch(stepFailed);
    },
  };
}
export type FrameQueue = ReturnType<typeof createFrameQueue>;
