// What an idle agent executable spends its CPU on, besides its once-a-second sample of /proc, is partly the runtime
// keeping itself tidy: Bun's allocator (its build of mimalloc) sweeps the heap's pages for free holes to hand back
// each time the event loop goes idle, and purges on a 100 ms timer from a thread of its own. For an agent that wakes
// once a second, that was a quarter of its CPU (bench/README.md, "Agent footprint"), for about 2 MiB of memory. The
// daemon turns both off: freed memory still goes back to the system on the allocator's ordinary paths. mimalloc
// reads its options from the environment once, when the process starts, so the daemon starts itself again with them
// set: execve(2), the same process id, arguments and environment otherwise. (Bun's garbage-collection timer, a
// young-generation collection every few seconds, was measured off too and left on: what it saved was within the
// noise, and the heap grew by 2.5-3.7 MiB.)
import { onBun } from './net/bun-transport.ts';
import { isExecutable } from './update/self-update.ts';

/** The settings, unless the environment names one of them already (an operator's choice, kept as it is). */
export const RUNTIME_ENV = {
  MIMALLOC_PURGE_HOLES: '0',
  MIMALLOC_SCAVENGER: '0',
} as const;

/**
 * Where the agent runs as its Linux executable and the environment names none of the settings above, replace this
 * process with the same executable and arguments, the settings added to its environment. Returns (doing nothing)
 * anywhere else, or when the runtime cannot replace the process.
 */
export function settleRuntime(env: NodeJS.ProcessEnv, log: (msg: string) => void): void {
  // Bun only: a Node.js single executable of an older release allocates with glibc's malloc, not mimalloc.
  if (!onBun || process.platform !== 'linux' || !isExecutable()) return;
  if (Object.keys(RUNTIME_ENV).some((k) => env[k] !== undefined)) return;
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never })
    .execve;
  if (typeof execve !== 'function') return;
  try {
    // argv[1] of a Bun executable is its entry point inside the executable, not an argument of ours.
    execve(process.execPath, [process.execPath, ...process.argv.slice(2)], { ...env, ...RUNTIME_ENV });
  } catch (err) {
    log(`the runtime keeps its idle defaults: ${err instanceof Error ? err.message : String(err)}`);
  }
}
