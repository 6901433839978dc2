// The runtime's code the agent ran once (its start, the claim check, a link's TLS handshake and proof) stays mapped
// into the process, and counted in its resident memory, until the kernel wants the memory for something else: an
// idle agent executable holds 30 MiB of Bun's executable resident, 17 MiB more than an empty event loop does, and
// runs little of it again. Under Bun on Linux the agent hands those pages back itself, half a minute after it starts
// and then every five minutes: madvise(MADV_PAGEOUT) over its executable's read-only mappings, the way Android
// reclaims the pages of apps in the background. The kernel reclaims clean file pages only, and only where the
// process may write the file (the agent owns its executable to update it); nothing is lost: what the agent runs
// again is read back from the executable, a page at a time (MADV_RANDOM: without it each fault also reads the pages
// around it, and they stay resident). The heap is not touched.
import { readFileSync, realpathSync } from 'node:fs';
import { onBun } from './net/bun-transport.ts';

/** madvise(2)'s MADV_PAGEOUT (Linux 5.4 and newer). */
const MADV_PAGEOUT = 21;
/** madvise(2)'s MADV_RANDOM: a page fault reads the page it needs, not the pages around it. */
const MADV_RANDOM = 1;
const FIRST_MS = 30_000;
const EVERY_MS = 5 * 60_000;

type Log = (level: 'debug' | 'warn', msg: string) => void;

/** The part of Bun's `bun:ffi` this uses. */
interface BunFfi {
  dlopen(
    library: string,
    symbols: { madvise: { args: string[]; returns: string } },
  ): { symbols: { madvise: (address: number, length: number, advice: number) => number } };
}

/** The executable's read-only mappings in /proc/self/maps: [start, length] each. */
export function readOnlyMappings(maps: string, executable: string): [number, number][] {
  const out: [number, number][] = [];
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (r-xp|r--p) \S+ \S+ \S+\s+(.+)$/.exec(line);
    // A running executable replaced by an update is shown " (deleted)"; its pages are handed back the same way.
    if (!m || (m[4] !== executable && m[4] !== `${executable} (deleted)`)) continue;
    const start = parseInt(m[1]!, 16);
    out.push([start, parseInt(m[2]!, 16) - start]);
  }
  return out;
}

/** RssFile of this process, in KiB (0 where /proc has none). */
const residentFileKiB = () =>
  Number(/RssFile:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);

/**
 * When the pages are first handed back: MUSTER_AGENT_CODE_PAGEOUT seconds after the start (30 by default; the tests
 * shorten it), or never with `off`.
 */
function firstDelayMs(env: NodeJS.ProcessEnv, log: Log): number | null {
  const v = env.MUSTER_AGENT_CODE_PAGEOUT;
  if (v === undefined || v === '') return FIRST_MS;
  if (v === 'off') return null;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  log('warn', `MUSTER_AGENT_CODE_PAGEOUT=${v} is neither seconds nor off; the code pages go after 30 s`);
  return FIRST_MS;
}

/**
 * Hands the executable's code pages back after the first delay and then every five minutes, on Linux under Bun;
 * elsewhere, or with MUSTER_AGENT_CODE_PAGEOUT=off, it does nothing. Returns the stop function.
 */
export function startCodePageRelease(o: { env: NodeJS.ProcessEnv; log: Log }): () => void {
  if (!onBun || process.platform !== 'linux') return () => undefined;
  const first = firstDelayMs(o.env, o.log);
  if (first === null) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let madvise: ((address: number, length: number, advice: number) => number) | undefined;
  let executable = '';
  const release = async () => {
    try {
      if (!madvise) {
        // A specifier the bundlers leave alone: bun:ffi exists only in Bun, and is loaded only here.
        const ffiModule = 'bun:ffi';
        const ffi = (await import(ffiModule)) as BunFfi;
        madvise = ffi.dlopen('libc.so.6', {
          madvise: { args: ['u64', 'u64', 'i32'], returns: 'i32' },
        }).symbols.madvise;
        executable = realpathSync(process.execPath);
      }
      const before = residentFileKiB();
      for (const [start, length] of readOnlyMappings(readFileSync('/proc/self/maps', 'utf8'), executable)) {
        if (madvise(start, length, MADV_PAGEOUT) !== 0) throw new Error('madvise(MADV_PAGEOUT) was refused');
        // What the agent runs again comes back a page at a time: by default each fault reads the pages around it
        // as well (128 KiB to several MiB, the disk's read-ahead), and most of them would stay resident unused.
        madvise(start, length, MADV_RANDOM);
      }
      o.log(
        'debug',
        `code pages handed back: ${before >> 10} → ${residentFileKiB() >> 10} MiB resident from files`,
      );
    } catch (err) {
      // An older kernel (no MADV_PAGEOUT) or a runtime without bun:ffi: the pages stay, as with any program.
      o.log('debug', `code pages stay resident: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!stopped) (timer = setTimeout(() => void release(), EVERY_MS)).unref();
  };
  (timer = setTimeout(() => void release(), first)).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
