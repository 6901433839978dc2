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
export function createFrameQueue(conn: Pausable, max: number, failed: (err: unknown) => void): FrameQueue {
  return new FrameQueue(conn, max, failed);
}

/** The queue itself: one per link, its methods shared by all of them (no closures per link). */
export class FrameQueue {
  private chain: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  constructor(
    private readonly conn: Pausable,
    private readonly max: number,
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Handle a frame after those before it; counts towards the pause. */
  push(handle: () => unknown): void {
    if (++this.waiting >= this.max && !this.conn.isPaused) this.conn.pause();
    this.chain = this.chain
      .then(handle)
      .catch(this.failed)
      .finally(() => {
        if (--this.waiting <= this.max / 4 && this.conn.isPaused) this.conn.resume();
      });
  }

  /** Run a step after everything queued (a connection's admission first, its close last); not counted. */
  then(step: () => unknown, stepFailed: (err: unknown) => void = this.failed): void {
    this.chain = this.chain.then(step).catch(stepFailed);
  }
}
