import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type {
  LinkAnswer,
  LinkParams,
  LinkResult,
  RepositoryCredentials,
} from '../../protocol/link-methods.ts';
import { lockHolder, explainLock, resticEnv, resticReason } from './restic.ts';

/** Entries one directory listing returns at most; a larger directory says it was cut. */
export const MAX_LISTED_ENTRIES = 5000;

type Refusal = { ok: false; message: string };

/**
 * Read-only questions about the node's repository, answered from restic's JSON output: its snapshots, and one
 * directory level of a snapshot. They run without restic's lock (`--no-lock`), so they never wait for, nor hold up,
 * a backup or a prune.
 */
export function createBackupQueries(deps: {
  repository: () => RepositoryCredentials | null;
  stateDir: string;
}) {
  function restic(args: string[], timeoutMs: number): Promise<string | Refusal> {
    const repo = deps.repository();
    if (!repo) return Promise.resolve({ ok: false, message: 'this host has no backup repository' });
    return new Promise((resolve) => {
      execFile(
        'restic',
        ['--no-lock', ...args],
        {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: process.env.HOME ?? '/',
            ...resticEnv(repo, join(deps.stateDir, 'restic-cache')),
          },
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
          encoding: 'utf8',
        },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          if (e.code === 'ENOENT')
            return resolve({ ok: false, message: 'restic is not installed on this host' });
          if (e.killed)
            return resolve({ ok: false, message: `restic did not answer within ${timeoutMs} ms` });
          const lock = lockHolder(stderr);
          resolve({ ok: false, message: lock ? explainLock(lock) : (resticReason(stderr) ?? e.message) });
        },
      );
    });
  }

  return {
    /** `restic snapshots`, optionally only those with a tag or a path, newest first. */
    async snapshots(p: LinkParams<'backup.snapshots'>): Promise<LinkAnswer<LinkResult<'backup.snapshots'>>> {
      const out = await restic(
        ['snapshots', '--json', ...(p.tag ? ['--tag', p.tag] : []), ...(p.path ? ['--path', p.path] : [])],
        p.timeout_ms,
      );
      if (typeof out !== 'string') return out;
      const list = (JSON.parse(out || '[]') as Record<string, string | string[] | undefined>[]) ?? [];
      const text = (v: unknown) => (typeof v === 'string' ? v : '');
      const snapshots = list
        .map((s) => ({
          id: text(s.id),
          short_id: text(s.short_id) || text(s.id).slice(0, 8),
          time: text(s.time),
          hostname: text(s.hostname),
          paths: Array.isArray(s.paths) ? s.paths : [],
          tags: Array.isArray(s.tags) ? s.tags : [],
        }))
        .sort((a, b) => (a.time < b.time ? 1 : -1));
      return { ok: true, result: { snapshots } };
    },

    /** One directory level of a snapshot: `restic ls --json SNAPSHOT PATH`, without the directory itself. */
    async list(p: LinkParams<'backup.files'>): Promise<LinkAnswer<LinkResult<'backup.files'>>> {
      const dir = p.path.length > 1 ? p.path.replace(/\/+$/, '') : '/';
      const out = await restic(['ls', '--json', p.snapshot, dir], p.timeout_ms);
      if (typeof out !== 'string') return out;
      let snapshot: Record<string, unknown> | null = null;
      const entries: LinkResult<'backup.files'>['entries'] = [];
      let truncated = false;
      for (const line of out.split('\n')) {
        if (!line) continue;
        const n = JSON.parse(line) as Record<string, unknown>;
        if (n.struct_type === 'snapshot') {
          snapshot = n;
          continue;
        }
        if (n.path === dir) continue;
        if (entries.length >= MAX_LISTED_ENTRIES) {
          truncated = true;
          break;
        }
        entries.push({
          name: String(n.name),
          type: String(n.type),
          path: String(n.path),
          size: typeof n.size === 'number' ? n.size : null,
          mtime: typeof n.mtime === 'string' ? n.mtime : null,
        });
      }
      entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
      return {
        ok: true,
        result: { snapshot: snapshot ? String(snapshot.id) : p.snapshot, path: dir, entries, truncated },
      };
    },
  };
}
export type BackupQueries = ReturnType<typeof createBackupQueries>;
