// Bun's allocator (its build of mimalloc) hands freed memory back to the system on its own: each time the event loop
// goes idle it sweeps the heap's pages for free holes to discard, and a scavenger thread purges on a 100 ms timer. An
// idle agent wakes every second to sample /proc, so that is a sweep every second: a quarter of the idle agent's CPU,
// for about 2 MiB of resident memory. The agent daemon turns both off; freed memory still goes back to the system on
// the allocator's ordinary paths. mimalloc reads its options from the environment once, when the process starts, so
// the daemon starts itself again with them set: execve(2), the same process id, arguments and environment otherwise.
import { isExecutable } from './update/self-update.ts';

/** The options set, unless the environment names either already (an operator's choice, kept as it is). */
export const ALLOCATOR_ENV = { MIMALLOC_PURGE_HOLES: '0', MIMALLOC_SCAVENGER: '0' } as const;

/**
 * Where the agent runs as its Linux executable and the environment says nothing of the allocator, replace this
 * process with the same executable and arguments, the options above added to its environment. Returns (doing
 * nothing) anywhere else, or when the runtime cannot replace the process.
 */
export function settleAllocator(env: NodeJS.ProcessEnv, log: (msg: string) => void): void {
  if (process.platform !== 'linux' || !isExecutable()) return;
  if (Object.keys(ALLOCATOR_ENV).some((k) => env[k] !== undefined)) return;
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never })
    .execve;
  if (typeof execve !== 'function') return;
  try {
    // argv[1] of a Bun executable is its entry point inside the executable, not an argument of ours.
    execve(process.execPath, [process.execPath, ...process.argv.slice(2)], { ...env, ...ALLOCATOR_ENV });
  } catch (err) {
    log(`the allocator keeps its defaults: ${err instanceof Error ? err.message : String(err)}`);
  }
}
