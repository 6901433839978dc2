import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { snapshotRef } from '../../protocol/jobs.ts';
import { lockHolder, explainLock, resticEnv, resticReason, type Repository } from './restic.ts';

/** Entries one directory listing returns at most; a larger directory says it was cut. */
export const MAX_LISTED_ENTRIES = 5000;

const snapshotsParams = z.object({
  tag: z.string().min(1).max(200).optional(),
  path: z.string().min(1).max(4096).optional(),
  timeout_ms: z.number().int().positive().max(600_000).default(60_000),
});
const lsParams = z.object({
  snapshot: snapshotRef,
  path: z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => p.startsWith('/'), 'must be an absolute path'),
  timeout_ms: z.number().int().positive().max(600_000).default(60_000),
});

type Answer = { ok: true; result: unknown } | { ok: false; message: string };

/**
 * Read-only questions about the node's repository, answered from restic's JSON output: its snapshots, and one
 * directory level of a snapshot. They run without restic's lock (`--no-lock`), so they never wait for, nor hold up,
 * a backup or a prune.
 */
export function createBackupQueries(deps: { repository: () => Repository | null; stateDir: string }) {
  function restic(args: string[], timeoutMs: number): Promise<string | Answer> {
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
    async snapshots(params: unknown): Promise<Answer> {
      const p = snapshotsParams.safeParse(params ?? {});
      if (!p.success) return { ok: false, message: `snapshots: ${p.error.issues[0]!.message}` };
      const out = await restic(
        [
          'snapshots',
          '--json',
          ...(p.data.tag ? ['--tag', p.data.tag] : []),
          ...(p.data.path ? ['--path', p.data.path] : []),
        ],
        p.data.timeout_ms,
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
    async list(params: unknown): Promise<Answer> {
      const p = lsParams.safeParse(params ?? {});
      if (!p.success)
        return {
          ok: false,
          message: `files: ${p.error.issues[0]!.path.join('.')} ${p.error.issues[0]!.message}`,
        };
      const dir = p.data.path.length > 1 ? p.data.path.replace(/\/+$/, '') : '/';
      const out = await restic(['ls', '--json', p.data.snapshot, dir], p.data.timeout_ms);
      if (typeof out !== 'string') return out;
      let snapshot: Record<string, unknown> | null = null;
      const entries: {
        name: string;
        type: string;
        path: string;
        size: number | null;
        mtime: string | null;
      }[] = [];
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
        result: { snapshot: snapshot ? String(snapshot.id) : p.data.snapshot, path: dir, entries, truncated },
      };
    },
  };
}
export type BackupQueries = ReturnType<typeof createBackupQueries>;
