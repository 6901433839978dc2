import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { hookName } from '../../protocol/schedules.ts';

/**
 * Why a file may not run as a hook, or null: it must be a regular executable file (not a link), owned by root or
 * by the agent's own user, writable by nobody else, in a directory that is the same.
 */
function untrusted(path: string, st: Stats, what: 'hook' | 'hooks directory'): string | null {
  const self = process.getuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== self) return `${what} ${path} is owned by uid ${st.uid}, not root`;
  if (st.mode & 0o022) return `${what} ${path} is writable by group or others`;
  return null;
}

/** Why the named hook cannot run (absent, not executable, not trusted), or null with its path. */
export function hookProblem(dir: string, name: string): { path: string; problem: string | null } {
  if (!hookName.safeParse(name).success) return { path: name, problem: `"${name}" is not a hook name` };
  const path = join(dir, name);
  try {
    const d = lstatSync(dir);
    if (!d.isDirectory()) return { path, problem: `${dir} is not a directory` };
    const dirProblem = untrusted(dir, d, 'hooks directory');
    if (dirProblem) return { path, problem: dirProblem };
    const st = lstatSync(path);
    if (!st.isFile()) return { path, problem: `hook ${path} is not a regular file` };
    if (!(st.mode & 0o111)) return { path, problem: `hook ${path} is not executable` };
    return { path, problem: untrusted(path, st, 'hook') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      path,
      problem:
        code === 'ENOENT'
          ? `hook ${name} does not exist on this host (put an executable at ${path})`
          : `hook ${path} cannot be read: ${code ?? String(err)}`,
    };
  }
}

/**
 * Run a backup's hooks of one phase, in order: only executables that exist on this host, found by name in its
 * hooks directory (the server names them, it never sends a command). Their output goes to the job's log. The first
 * that cannot run or fails ends the phase: its reason is returned (null when all succeeded).
 */
export async function runHooks(
  names: string[],
  o: {
    dir: string;
    phase: 'before' | 'after';
    jobId: string;
    /** After the backup: how it went. */
    status?: string | undefined;
    log: (stream: 'info', data: string) => void;
    run: (
      cmd: string,
      env: Record<string, string>,
    ) => Promise<{ code: number | null; signal: string | null }>;
    cancelled: () => boolean;
  },
): Promise<string | null> {
  for (const name of names) {
    if (o.cancelled()) return `cancelled before hook ${name}`;
    const { path, problem } = hookProblem(o.dir, name);
    if (problem) {
      o.log('info', `hook ${name} (${o.phase}) cannot run: ${problem}\n`);
      return `hook ${name} (${o.phase}) cannot run: ${problem}`;
    }
    o.log('info', `running hook ${name} (${o.phase})\n`);
    const r = await o.run(path, {
      MUSTER_JOB_ID: o.jobId,
      MUSTER_HOOK_PHASE: o.phase,
      ...(o.status ? { MUSTER_BACKUP_STATUS: o.status } : {}),
    });
    if (r.code !== 0) {
      const how = r.code === null ? `was killed (${r.signal ?? 'signal'})` : `exited with code ${r.code}`;
      o.log('info', `hook ${name} (${o.phase}) ${how}\n`);
      return `hook ${name} (${o.phase}) ${how}`;
    }
  }
  return null;
}
