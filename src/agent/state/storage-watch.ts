import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes the check writes: about what a job journal entry and its first log lines need. */
const CHECK_BYTES = 16 * 1024;

/**
 * Whether the agent can write its state directory. A write that fails (a full disk, a read-only file system)
 * records the problem; `check()` tries a small write and clears it once writes work again. Jobs are refused while
 * the problem stands, the link stays up, and `status` and the server are told why.
 */
export function createStorageWatch(o: { dir: string; log: (level: 'info' | 'warn', msg: string) => void }) {
  let problem: string | null = null;
  const set = (next: string | null) => {
    if (next === problem) return;
    if (next) o.log('warn', `${next}; new jobs are refused until it can write again`);
    else o.log('info', `the state directory ${o.dir} takes writes again`);
    problem = next;
  };
  return {
    /** Why the state directory cannot be written, or null. */
    problem: () => problem,
    /** A write of `what` failed with `err`. */
    failed(err: unknown, what: string): void {
      const code = (err as { code?: string }).code ?? 'error';
      set(
        `the agent cannot write ${what} in its state directory ${o.dir} (${code}: ${(err as Error).message}); free space there`,
      );
    },
    /** A write went through. */
    ok: () => set(null),
    /** Try a small write now; the problem that stands afterwards, or null. */
    check(): string | null {
      const file = join(o.dir, '.write-check');
      try {
        writeFileSync(file, Buffer.alloc(CHECK_BYTES));
        set(null);
      } catch (err) {
        this.failed(err, 'a test file');
      } finally {
        rmSync(file, { force: true });
      }
      return problem;
    },
  };
}
export type StorageWatch = ReturnType<typeof createStorageWatch>;
