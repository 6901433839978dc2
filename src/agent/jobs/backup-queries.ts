import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  LinkAnswer,
  LinkParams,
  LinkResult,
  RepositoryCredentials,
} from '../../protocol/link-methods.ts';
import { lockHolder, explainLock, resticInvocation, resticReason, type ResticLimits } from './restic.ts';

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
  limits?: () => ResticLimits;
  stateDir: string;
}) {
  /** restic's environment and options for the node's repository, or why it cannot run. */
  function invocation(): { env: Record<string, string>; args: string[] } | Refusal {
    const repo = deps.repository();
    if (!repo) return { ok: false, message: 'this host has no backup repository' };
    const inv = resticInvocation(repo, { stateDir: deps.stateDir, limits: deps.limits?.() ?? {} });
    return typeof inv === 'string' ? { ok: false, message: inv } : inv;
  }
  const baseEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' });

  function restic(args: string[], timeoutMs: number): Promise<string | Refusal> {
    const inv = invocation();
    if ('ok' in inv) return Promise.resolve(inv);
    return new Promise((resolve) => {
      execFile(
        'restic',
        [...inv.args, '--no-lock', ...args],
        {
          env: { ...baseEnv(), ...inv.env },
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

  /** Downloads made ready on this node: their file, size, and when they are dropped unread. */
  const downloads = new Map<string, { file: string; size: number; timer: NodeJS.Timeout }>();
  const downloadDir = join(deps.stateDir, 'downloads');
  const dropDownload = (id: string) => {
    const d = downloads.get(id);
    if (!d) return;
    clearTimeout(d.timer);
    downloads.delete(id);
    rmSync(d.file, { force: true });
  };
  // What an earlier run left (a download cut short by a restart).
  rmSync(downloadDir, { recursive: true, force: true });

  return {
    /** The repository's sizes, snapshots and locks: three restic runs, none of which takes a lock. */
    async stats(p: LinkParams<'backup.stats'>): Promise<LinkAnswer<LinkResult<'backup.stats'>>> {
      const [restore, raw, snaps, locks] = await Promise.all([
        restic(['stats', '--json'], p.timeout_ms),
        restic(['stats', '--mode', 'raw-data', '--json'], p.timeout_ms),
        restic(['snapshots', '--json'], p.timeout_ms),
        restic(['list', 'locks'], p.timeout_ms),
      ]);
      for (const r of [restore, raw, snaps, locks]) if (typeof r !== 'string') return r;
      const a = JSON.parse(restore as string) as Record<string, number | undefined>;
      const b = JSON.parse(raw as string) as Record<string, number | undefined>;
      return {
        ok: true,
        result: {
          total_size: a.total_size ?? null,
          total_file_count: a.total_file_count ?? null,
          raw_size: b.total_size ?? null,
          blob_count: b.total_blob_count ?? null,
          snapshot_count: (JSON.parse((snaps as string) || '[]') as unknown[]).length,
          locks: (locks as string).split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l.trim())).length,
        },
      };
    },

    /** `restic diff --json FROM TO`: each changed path with restic's modifier (+ added, - removed, M changed). */
    async diff(p: LinkParams<'backup.diff'>): Promise<LinkAnswer<LinkResult<'backup.diff'>>> {
      const out = await restic(['diff', '--json', p.from, p.to], p.timeout_ms);
      if (typeof out !== 'string') return out;
      const changes: { path: string; modifier: string }[] = [];
      let stats: Record<string, unknown> | null = null;
      let truncated = false;
      for (const line of out.split('\n')) {
        if (!line.trim()) continue;
        const m = JSON.parse(line) as Record<string, unknown>;
        if (m.message_type === 'statistics') stats = m;
        else if (m.message_type === 'change') {
          if (changes.length >= MAX_LISTED_ENTRIES) truncated = true;
          else changes.push({ path: String(m.path), modifier: String(m.modifier) });
        }
      }
      return { ok: true, result: { changes, truncated, stats } };
    },

    /** `restic find --json PATTERN`, in every snapshot or one. */
    async find(p: LinkParams<'backup.find'>): Promise<LinkAnswer<LinkResult<'backup.find'>>> {
      const out = await restic(
        ['find', '--json', ...(p.snapshot ? ['--snapshot', p.snapshot] : []), '--', p.pattern],
        p.timeout_ms,
      );
      if (typeof out !== 'string') return out;
      const found = (JSON.parse(out.trim() || '[]') ?? []) as {
        snapshot: string;
        matches?: Record<string, unknown>[];
      }[];
      const matches: LinkResult<'backup.find'>['matches'] = [];
      let truncated = false;
      for (const s of found)
        for (const m of s.matches ?? []) {
          if (matches.length >= MAX_LISTED_ENTRIES) {
            truncated = true;
            break;
          }
          matches.push({
            snapshot: s.snapshot,
            path: String(m.path),
            type: String(m.type),
            size: typeof m.size === 'number' ? m.size : null,
            mtime: typeof m.mtime === 'string' ? m.mtime : null,
          });
        }
      return { ok: true, result: { matches, truncated } };
    },

    /**
     * `restic dump` into a file of the state directory, stopped at `max_bytes`: a file as it is, a directory as an
     * archive. The file is dropped when read to its end, closed, or left unread for ten minutes.
     */
    async openDownload(
      p: LinkParams<'backup.download.open'>,
    ): Promise<LinkAnswer<LinkResult<'backup.download.open'>>> {
      const inv = invocation();
      if ('ok' in inv) return inv;
      mkdirSync(downloadDir, { recursive: true, mode: 0o700 });
      const id = randomBytes(16).toString('hex');
      const file = join(downloadDir, id);
      const args = [
        ...inv.args,
        '--no-lock',
        'dump',
        ...(p.format === 'raw' ? [] : ['--archive', p.format]),
        p.snapshot,
        p.path,
      ];
      const outcome = await new Promise<{ error: string | null; size: number }>((resolve) => {
        const out = createWriteStream(file, { mode: 0o600 });
        const child = spawn('restic', args, {
          env: { ...baseEnv(), ...inv.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let size = 0;
        let stderr = '';
        let error: string | null = null;
        const timer = setTimeout(() => {
          error = `restic did not finish within ${p.timeout_ms} ms`;
          child.kill('SIGTERM');
        }, p.timeout_ms);
        child.stdout.on('data', (c: Buffer) => {
          size += c.length;
          if (size > p.max_bytes && error === null) {
            error = `larger than ${p.max_bytes} bytes, the most a download may be; restore it on the host instead`;
            child.kill('SIGTERM');
          }
        });
        child.stdout.pipe(out);
        child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8192)));
        child.on('error', (err: NodeJS.ErrnoException) => {
          error = err.code === 'ENOENT' ? 'restic is not installed on this host' : err.message;
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          out.end(() => {
            if (error === null && code !== 0) {
              const lock = lockHolder(stderr);
              error = lock ? explainLock(lock) : (resticReason(stderr) ?? `restic exited with code ${code}`);
            }
            resolve({ error, size });
          });
        });
      });
      if (outcome.error) {
        rmSync(file, { force: true });
        return {
          ok: false,
          code: outcome.error.startsWith('larger than') ? 'too_large' : 'refused',
          message: outcome.error,
        };
      }
      const size = statSync(file).size;
      const timer = setTimeout(() => dropDownload(id), 10 * 60_000);
      timer.unref();
      downloads.set(id, { file, size, timer });
      return { ok: true, result: { download_id: id, size } };
    },

    readDownload(p: LinkParams<'backup.download.read'>): LinkAnswer<LinkResult<'backup.download.read'>> {
      const d = downloads.get(p.download_id);
      if (!d)
        return {
          ok: false,
          code: 'not_found',
          message: 'no such download on this node (it expired, or was read)',
        };
      const length = Math.max(0, Math.min(p.length, d.size - p.offset));
      const buf = Buffer.alloc(length);
      const fd = openSync(d.file, 'r');
      try {
        readSync(fd, buf, 0, length, p.offset);
      } finally {
        closeSync(fd);
      }
      const eof = p.offset + length >= d.size;
      if (eof) dropDownload(p.download_id);
      return { ok: true, result: { data: buf.toString('base64'), eof } };
    },

    closeDownload(p: LinkParams<'backup.download.close'>): LinkAnswer<LinkResult<'backup.download.close'>> {
      dropDownload(p.download_id);
      return { ok: true, result: {} };
    },

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
