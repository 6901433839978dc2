import { chmodSync, lchownSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normalizeAbsolute } from '../../protocol/jobs.ts';
import { resolvedPath } from '../state/writable-paths.ts';

/** Whether `path` is `root` or lies below it (both in plain form). */
function within(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

/**
 * Why a restore may not write where it is asked to, or null: the target (or, in place, each path restored over
 * the originals) must lie below one of `roots`, after `..` and symbolic links are resolved. An in-place restore of
 * a whole snapshot is refused: it must name what it restores.
 */
export function restoreRefusal(
  params: { in_place?: unknown; include?: unknown },
  target: string,
  roots: string[],
): string | null {
  const plainRoots = roots.map((r) => resolvedPath(normalizeAbsolute(r)));
  const allowed = (p: string) => plainRoots.some((r) => within(resolvedPath(normalizeAbsolute(p)), r));
  const where = `this agent restores only below ${plainRoots.join(', ')} (its state directory's restores/, --restore-root, and paths allowed with "muster-agent allow-path")`;
  if (params.in_place === true) {
    const include = Array.isArray(params.include) ? params.include.filter((p) => typeof p === 'string') : [];
    if (include.length === 0)
      return 'an in-place restore must name the paths it restores (include); the whole snapshot over / is refused';
    const outside = include.filter((p) => !allowed(p));
    return outside.length ? `${outside.join(', ')}: ${where}` : null;
  }
  return allowed(target) ? null : `${target}: ${where}`;
}

/** One directory's mode and owner, as found before a restore. */
interface DirState {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Remember the mode and owner of the directories a restore will write into that exist already: the target, its
 * parents, and each directory of the snapshot (`snapshotDirs`, as restic lists them) below the target. restic sets
 * every directory it restores to the snapshot's mode and owner, so a snapshot whose /tmp is 0755 would make the
 * host's /tmp 0755; `restore()` puts back what was there. Directories the restore created keep the snapshot's.
 */
export function keepDirectoryStates(target: string, snapshotDirs: Iterable<string>) {
  const kept: DirState[] = [];
  const note = (path: string) => {
    try {
      const st = lstatSync(path);
      if (st.isDirectory()) kept.push({ path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
    } catch {
      // not there: the restore creates it
    }
  };
  for (let p = normalizeAbsolute(target); ; p = dirname(p)) {
    note(p);
    if (p === '/') break;
  }
  for (const d of snapshotDirs) if (d.startsWith('/')) note(normalizeAbsolute(join(target, d)));
  return {
    count: () => kept.length,
    /** Put back every remembered directory's mode and owner; the paths that could not be, with why. */
    restore(): string[] {
      const failed: string[] = [];
      for (const d of kept) {
        try {
          const st = lstatSync(d.path);
          if (!st.isDirectory()) continue;
          if (st.uid !== d.uid || st.gid !== d.gid) lchownSync(d.path, d.uid, d.gid);
          if ((st.mode & 0o7777) !== d.mode) chmodSync(d.path, d.mode);
        } catch (err) {
          failed.push(`${d.path}: ${(err as Error).message}`);
        }
      }
      return failed;
    },
  };
}

/** Directory paths from `restic ls --json` output, fed in chunks as it arrives. */
export function snapshotDirLister() {
  let buffered = '';
  const dirs: string[] = [];
  const line = (text: string) => {
    try {
      const n = JSON.parse(text) as { type?: unknown; path?: unknown };
      if (n.type === 'dir' && typeof n.path === 'string') dirs.push(n.path);
    } catch {
      // not a node line
    }
  };
  return {
    write(chunk: string) {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) line(l);
    },
    end(): string[] {
      if (buffered) line(buffered);
      buffered = '';
      return dirs;
    },
  };
}
