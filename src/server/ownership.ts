import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** A user's name by id, from the system's user database (the id itself when it has no name). */
function userName(uid: number): string {
  try {
    return execFileSync('id', ['-nu', String(uid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return `uid ${uid}`;
  }
}

/** Who this process runs as. */
function whoAmI(): { uid: number; name: string } {
  const uid = process.getuid?.() ?? -1;
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = `uid ${uid}`;
  }
  return { uid, name };
}

/**
 * Why a file of the data directory cannot be opened, when its owner is not this process's user (a restore or a
 * copy made as root, then a server run as its service user): the file, both users and the command that fixes it.
 * Null when ownership does not explain it.
 */
export function ownershipProblem(path: string): string | null {
  const existing = existsSync(path) ? path : dirname(path);
  if (!existsSync(existing)) return null;
  const me = whoAmI();
  const owner = statSync(existing).uid;
  if (me.uid < 0 || owner === me.uid) return null;
  const dir = existing === path ? dirname(path) : existing;
  return `${existing} belongs to ${userName(owner)}, but this server runs as ${me.name}: give the data directory to the user the server runs as (chown -R ${me.name}: ${dir}), or run the server as ${userName(owner)}`;
}

/** The owner (uid and gid) a restore gives its files: what `spec` names (user or user:group), else `dir`'s. */
export function ownerFor(dir: string, spec?: string): { uid: number; gid: number } {
  if (spec) {
    const [user, group] = spec.split(':');
    const id = (args: string[]) =>
      Number(execFileSync('id', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    try {
      const uid = id(['-u', user!]);
      const gid = group
        ? Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2])
        : id(['-g', user!]);
      if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('not a number');
      return { uid, gid };
    } catch {
      throw new Error(`--owner ${spec}: no such user or group on this machine`);
    }
  }
  const s = statSync(dir);
  return { uid: s.uid, gid: s.gid };
}

/** Give `dir` and everything under it to `owner` (no links followed). */
export function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p).isDirectory()) chownTree(p, owner);
    else if (!lstatSync(p).isSymbolicLink()) chownSync(p, owner.uid, owner.gid);
  }
}

/**
 * A storage error that the data directory's ownership explains, reworded to name the file, the owner and the fix;
 * null for any other error.
 */
export function accessProblem(err: unknown, fallbackPath: string): Error | null {
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  if (!/^(EACCES|EPERM|SQLITE_CANTOPEN|SQLITE_READONLY)/.test(code)) return null;
  const path = (err as { path?: unknown }).path;
  const file = typeof path === 'string' ? path : fallbackPath;
  const problem = ownershipProblem(file);
  if (!problem) return null;
  return new Error(`cannot open ${file} (${err instanceof Error ? err.message : code}): ${problem}`, {
    cause: err,
  });
}
