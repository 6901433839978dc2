import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { backendEnvProblem, repositoryUrlProblem } from '../../protocol/repository-url.ts';
import { snapshotRef } from '../../protocol/jobs.ts';
import type { RepositoryCredentials } from '../../protocol/link-methods.ts';
import { RETENTION_KEYS } from '../../protocol/schedules.ts';
import { formatBytes } from '../../protocol/units.ts';

/** restic's repository setting: for a REST server the user name and password go into the URL. */
export function resticEnv(repo: RepositoryCredentials, cacheDir: string): Record<string, string> {
  let url = repo.repo_url;
  // restic reads RESTIC_REST_USERNAME/PASSWORD from 0.16 on; older ones only from the URL, so they go there too.
  const user = repo.repo_username ?? repo.env?.RESTIC_REST_USERNAME;
  const password = repo.repo_username ? repo.repo_password : repo.env?.RESTIC_REST_PASSWORD;
  if (user && /^rest:https?:\/\//.test(url)) {
    const u = new URL(url.slice(5));
    u.username = encodeURIComponent(user);
    u.password = encodeURIComponent(password ?? '');
    url = `rest:${u.href}`;
  }
  return {
    ...repo.env,
    RESTIC_REPOSITORY: url,
    RESTIC_PASSWORD: repo.repo_password ?? '',
    RESTIC_CACHE_DIR: cacheDir,
  };
}

/** Bandwidth limits for every restic run, from the node's plan. */
export interface ResticLimits {
  upload_kib?: number | undefined;
  download_kib?: number | undefined;
}

/** The ssh command restic runs for an sftp: repository with a key of its own (a file only the agent reads). */
export function sftpCommand(url: string, keyFile: string, knownHosts: string): string | null {
  // A user or host ssh could read as an option (a leading "-") matches neither form.
  const name = '[A-Za-z0-9_][A-Za-z0-9._-]*';
  const hostPattern = `(${name}|\\[[0-9A-Fa-f:.]+\\])`;
  const short = new RegExp(`^sftp:(?:(${name})@)?${hostPattern}:`).exec(url);
  const long = new RegExp(`^sftp://(?:(${name})@)?${hostPattern}(?::(\\d{1,5}))?/`).exec(url);
  const m = long ?? short;
  if (!m) return null;
  const [, user, host, port] = m;
  return [
    'ssh',
    '-i',
    keyFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    ...(port ? ['-p', port] : []),
    `${user ? `${user}@` : ''}${host!.replace(/^\[|\]$/g, '')}`,
    '-s',
    'sftp',
  ].join(' ');
}

/**
 * How to run restic on a repository: its environment (repository, password, cache, the backend's credentials) and
 * the options every command gets (bandwidth limits, the ssh command of a keyed sftp: repository). A location or a
 * credential this agent would not pass on is refused with the reason.
 */
export function resticInvocation(
  repo: RepositoryCredentials,
  o: { stateDir: string; limits?: ResticLimits },
): { env: Record<string, string>; args: string[] } | string {
  const badLocation = repositoryUrlProblem(repo.repo_url);
  if (badLocation) return `this agent refuses the repository location: ${badLocation}`;
  const badEnv = backendEnvProblem(repo.repo_url, repo.env ?? {});
  if (badEnv) return `this agent refuses the repository's credentials: ${badEnv}`;
  const args: string[] = [];
  if (o.limits?.upload_kib) args.push('--limit-upload', String(o.limits.upload_kib));
  if (o.limits?.download_kib) args.push('--limit-download', String(o.limits.download_kib));
  if (repo.ssh_key) {
    const dir = join(o.stateDir, 'ssh');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyFile = join(
      dir,
      `repository-${createHash('sha256').update(repo.ssh_key).digest('hex').slice(0, 16)}.key`,
    );
    if (!existsSync(keyFile))
      writeFileSync(keyFile, repo.ssh_key.endsWith('\n') ? repo.ssh_key : `${repo.ssh_key}\n`, {
        mode: 0o600,
      });
    const command = sftpCommand(repo.repo_url, keyFile, join(dir, 'known_hosts'));
    if (!command) return 'an SSH key is only for sftp: repositories';
    args.push('-o', `sftp.command=${command}`);
  }
  return { env: resticEnv(repo, join(o.stateDir, 'restic-cache')), args };
}

/** The directory of a repository on this host's file system (a path or `local:path`), or null for a remote one. */
export function localRepositoryDir(repoUrl: string): string | null {
  const path = repoUrl.startsWith('local:') ? repoUrl.slice(6) : repoUrl;
  return path.startsWith('/') ? path : null;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Where a restore goes when the job names no target: a fresh directory under the agent's state directory. */
export function defaultRestoreTarget(stateDir: string, jobId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return join(stateDir, 'restores', `${stamp}-${jobId.slice(0, 8)}`);
}

/** Command line of an allow-listed restic job, or an error message. */
export function resticArgs(
  type: string,
  params: Record<string, unknown>,
  ctx: { initialPaths: string[]; restoreTarget?: string },
): string[] | string {
  switch (type) {
    case 'restic.snapshots':
      return ['snapshots'];
    case 'restic.check':
      return [
        'check',
        ...(typeof params.read_data_subset === 'string'
          ? [`--read-data-subset=${params.read_data_subset}`]
          : []),
      ];
    case 'restic.prune':
      return ['prune'];
    case 'restic.unlock':
      return ['unlock', ...(params.remove_all === true ? ['--remove-all'] : [])];
    case 'restic.backup': {
      const paths = strings(params.paths).length ? strings(params.paths) : ctx.initialPaths;
      if (paths.length === 0) return 'restic.backup needs params.paths (or initial paths from enrollment)';
      return [
        'backup',
        '--json',
        ...strings(params.excludes).flatMap((e) => ['--exclude', e]),
        ...(params.exclude_caches === true ? ['--exclude-caches'] : []),
        ...strings(params.exclude_if_present).flatMap((f) => ['--exclude-if-present', f]),
        ...(params.one_file_system === true ? ['--one-file-system'] : []),
        ...strings(params.tags).flatMap((t) => ['--tag', t]),
        '--',
        ...paths,
      ];
    }
    case 'restic.forget': {
      const prune = params.prune === false ? [] : ['--prune'];
      const ids = strings(params.snapshot_ids);
      if (ids.length) return ['forget', ...prune, '--', ...ids];
      const keep: string[] = [];
      for (const k of RETENTION_KEYS) {
        const n = params[`keep_${k}`];
        if (typeof n === 'number' && Number.isInteger(n) && n > 0) keep.push(`--keep-${k}`, String(n));
      }
      if (typeof params.keep_within === 'string') keep.push('--keep-within', params.keep_within);
      for (const t of strings(params.keep_tags)) keep.push('--keep-tag', t);
      if (keep.length === 0) return 'restic.forget needs at least one keep_* policy';
      // Only the group's snapshots: several groups share one repository.
      const tags = strings(params.tags).flatMap((t) => ['--tag', t]);
      return ['forget', ...tags, ...keep, ...prune];
    }
    case 'restic.restore': {
      // The parameters passed the job's schema (snapshotRef, absolute paths); the target was chosen by the runner.
      const snapshot = snapshotRef.safeParse(params.snapshot);
      if (!snapshot.success) return 'restic.restore needs params.snapshot';
      const target = ctx.restoreTarget;
      if (!target?.startsWith('/')) return 'restic.restore needs an absolute target';
      return [
        'restore',
        snapshot.data,
        '--target',
        target,
        ...strings(params.include).flatMap((p) => ['--include', p]),
      ];
    }
    default:
      return `job type ${type} is not allowed on this agent`;
  }
}

/** A lock restic refused to work past, as its message describes it. */
export interface LockHolder {
  pid: number;
  host: string;
  created: string | null;
  /** True when the holder ran on this host and is gone: nothing will ever release the lock. */
  stale: boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock named in restic's "repository is already locked" message, or null when the failure is another. */
export function lockHolder(stderr: string, thisHost = hostname()): LockHolder | null {
  const m = /repository is already locked(?: exclusively)? by PID (\d+) on (\S+)/.exec(stderr);
  if (!m) return null;
  const pid = Number(m[1]);
  const host = m[2]!;
  const created = /lock was created at ([^(\n]+?)\s*(?:\(|\n|$)/.exec(stderr)?.[1] ?? null;
  return { pid, host, created, stale: host === thisHost && !processAlive(pid) };
}

/** What to tell the operator about a lock: whose it is and how to get past it. */
export function explainLock(l: LockHolder): string {
  const since = l.created ? `, since ${l.created}` : '';
  if (l.stale)
    return (
      `the repository is locked by restic PID ${l.pid} on this host, which no longer runs${since}: a stale lock ` +
      'left by a restic that was killed. Clear it with the restic.unlock job ("Unlock" on the node page), then run this again'
    );
  if (l.host === hostname())
    return `the repository is locked by restic PID ${l.pid} on this host, which is still running${since}; wait for it to finish, then run this again`;
  return (
    `the repository is locked by restic PID ${l.pid} on host ${l.host}${since}. If no restic runs there any more, ` +
    'the lock is stale: clear it with the restic.unlock job with remove_all, then run this again'
  );
}

/** The line of restic's error output that says what went wrong (its `Fatal:` line, or else the last one). */
export function resticReason(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => l.startsWith('Fatal:')) ?? lines.at(-1) ?? null;
}

/** The agent's unit keeps most of the file system read-only; say how to let it write where the job needs to. */
export function readOnlyHint(stderr: string, path: string | null): string | null {
  if (!/read-only file system/i.test(stderr) || !path) return null;
  return (
    `${path} is read-only for the agent. If it runs under systemd (ProtectSystem=strict), allow the path with ` +
    `"sudo muster-agent allow-path ${path}" on the host, then run this again`
  );
}

/** restic backup's summary (`--json`), as the job's result. */
export interface BackupSummary {
  snapshot_id: string;
  files_new: number;
  files_changed: number;
  files_unmodified: number;
  data_added: number;
  total_files_processed: number;
  total_bytes_processed: number;
  total_duration: number;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Turns `restic backup --json` output into a readable log: a progress line every `everyMs`, the summary in words,
 * and anything that is not JSON as it came. The summary is kept for the job's result.
 */
export function backupOutput(log: (data: string) => void, now: () => number, everyMs = 10_000) {
  let buffered = '';
  let lastProgress = 0;
  let summary: BackupSummary | null = null;
  function line(text: string) {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      if (text.trim()) log(`${text}\n`);
      return;
    }
    if (m.message_type === 'status') {
      if (now() - lastProgress < everyMs) return;
      lastProgress = now();
      const pct = Math.floor(num(m.percent_done) * 100);
      log(
        `progress: ${pct}% (${num(m.files_done)} of ${num(m.total_files)} files, ` +
          `${formatBytes(num(m.bytes_done))} of ${formatBytes(num(m.total_bytes))})\n`,
      );
    } else if (m.message_type === 'summary') {
      summary = {
        snapshot_id: str(m.snapshot_id),
        files_new: num(m.files_new),
        files_changed: num(m.files_changed),
        files_unmodified: num(m.files_unmodified),
        data_added: num(m.data_added),
        total_files_processed: num(m.total_files_processed),
        total_bytes_processed: num(m.total_bytes_processed),
        total_duration: num(m.total_duration),
      };
      log(
        `snapshot ${summary.snapshot_id} saved: ${summary.files_new} new, ${summary.files_changed} changed, ` +
          `${summary.files_unmodified} unmodified files (${summary.total_files_processed} files, ` +
          `${formatBytes(summary.total_bytes_processed)}); ${formatBytes(summary.data_added)} added to the ` +
          `repository in ${summary.total_duration.toFixed(1)} s\n`,
      );
    } else if (m.message_type === 'error') {
      const e = m.error as { message?: string } | undefined;
      log(`error: ${str(m.item)}: ${e?.message ?? JSON.stringify(m.error)}\n`);
    }
  }
  return {
    write(chunk: string) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        line(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    },
    end(): BackupSummary | null {
      if (buffered) line(buffered);
      buffered = '';
      return summary;
    },
  };
}
