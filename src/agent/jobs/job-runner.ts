import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { JobFrame } from '../../protocol/link-frames.ts';
import { RETENTION_KEYS } from '../../protocol/schedules.ts';

import { collectFacts } from '../collectors/facts.ts';
import { JOB_TYPES, parseJobParams, type JobType } from '../../protocol/jobs.ts';

/** Repository credentials the server sent in welcome. */
export interface Repository {
  repo_url: string;
  repo_username?: string;
  repo_password?: string;
}

export interface JobRequest {
  job_id: string;
  type: string;
  params: Record<string, unknown>;
  /** Set when a schedule on the agent started the job. */
  schedule_id?: string;
  scheduled_for?: number;
}

const CHUNK = 16 * 1024;

/** restic's repository setting: for a REST server the user name and password go into the URL. */
export function resticEnv(repo: Repository, cacheDir: string): Record<string, string> {
  let url = repo.repo_url;
  if (repo.repo_username && /^rest:https?:\/\//.test(url)) {
    const u = new URL(url.slice(5));
    u.username = encodeURIComponent(repo.repo_username);
    u.password = encodeURIComponent(repo.repo_password ?? '');
    url = `rest:${u.href}`;
  }
  return { RESTIC_REPOSITORY: url, RESTIC_PASSWORD: repo.repo_password ?? '', RESTIC_CACHE_DIR: cacheDir };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Command line of an allow-listed restic job, or an error message. */
export function resticArgs(
  type: string,
  params: Record<string, unknown>,
  initialPaths: string[],
): string[] | string {
  switch (type) {
    case 'restic.snapshots':
      return ['snapshots'];
    case 'restic.check':
      return ['check'];
    case 'restic.backup': {
      const paths = strings(params.paths).length ? strings(params.paths) : initialPaths;
      if (paths.length === 0) return 'restic.backup needs params.paths (or initial paths from enrollment)';
      return [
        'backup',
        ...strings(params.excludes).flatMap((e) => ['--exclude', e]),
        ...strings(params.tags).flatMap((t) => ['--tag', t]),
        '--',
        ...paths,
      ];
    }
    case 'restic.forget': {
      const keep: string[] = [];
      for (const k of RETENTION_KEYS) {
        const n = params[`keep_${k}`];
        if (typeof n === 'number' && Number.isInteger(n) && n > 0) keep.push(`--keep-${k}`, String(n));
      }
      if (keep.length === 0) return 'restic.forget needs at least one keep_* policy';
      // Only the group's snapshots: several groups share one repository.
      const tags = strings(params.tags).flatMap((t) => ['--tag', t]);
      return ['forget', ...tags, ...keep, ...(params.prune === false ? [] : ['--prune'])];
    }
    default:
      return `job type ${type} is not allowed on this agent`;
  }
}

/** Runs allow-listed jobs as child processes and streams their output as job frames. */
export function createJobRunner(o: {
  send: (frame: JobFrame) => void;
  repository: () => Repository | null;
  initialPaths: () => string[];
  stateDir: string;
  shellEnabled: boolean;
  /** Whether this job already ran here (a start sent again after a reconnect). */
  knows: (jobId: string) => boolean;
  now: () => number;
}) {
  const running = new Map<string, ChildProcess>();
  const started = new Set<string>();
  const cancelled = new Set<string>();

  function stream(jobId: string) {
    let seq = 0;
    return (stream: 'stdout' | 'stderr' | 'info', data: string) => {
      for (let i = 0; i < data.length; i += CHUNK)
        o.send({ t: 'job.log', job_id: jobId, seq: seq++, stream, data: data.slice(i, i + CHUNK) });
    };
  }

  function run(
    jobId: string,
    cmd: string,
    args: string[],
    env: Record<string, string>,
    log: ReturnType<typeof stream>,
  ) {
    return new Promise<number | null>((resolve) => {
      const child = spawn(cmd, args, {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      running.set(jobId, child);
      child.stdout.on('data', (c: Buffer) => log('stdout', c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => log('stderr', c.toString('utf8')));
      child.on('error', (err: NodeJS.ErrnoException) => {
        log(
          'info',
          err.code === 'ENOENT'
            ? `${cmd} is not installed on this host; install it and retry\n`
            : `${cmd} could not start: ${err.message}\n`,
        );
        resolve(127);
      });
      child.on('close', (code) => {
        running.delete(jobId);
        resolve(code);
      });
    });
  }

  async function execute(req: JobRequest): Promise<void> {
    const log = stream(req.job_id);
    const finish = (state: 'succeeded' | 'failed' | 'cancelled', exit: number | null, error?: string) =>
      o.send({
        t: 'job.finished',
        job_id: req.job_id,
        state,
        exit_code: exit,
        at: o.now(),
        ...(error ? { error } : {}),
      });
    o.send({
      t: 'job.started',
      job_id: req.job_id,
      at: o.now(),
      type: req.type,
      params: req.params,
      ...(req.schedule_id ? { schedule_id: req.schedule_id } : {}),
      ...(req.scheduled_for !== undefined ? { scheduled_for: req.scheduled_for } : {}),
    });
    if (req.type === 'system.probe') {
      log('stdout', `${JSON.stringify(collectFacts(), null, 2)}\n`);
      return finish('succeeded', 0);
    }
    if (req.type === 'shell') {
      const command = typeof req.params.command === 'string' ? req.params.command : '';
      if (!command) return finish('failed', null, 'shell jobs need params.command');
      const code = await run(req.job_id, '/bin/sh', ['-c', command], {}, log);
      if (cancelled.delete(req.job_id) || code === null)
        return finish('cancelled', code, 'cancelled on request');
      return code === 0
        ? finish('succeeded', 0)
        : finish('failed', code, `the command exited with code ${code}`);
    }
    const repo = o.repository();
    if (!repo) return finish('failed', null, 'this host has no repository configured');
    const env = resticEnv(repo, join(o.stateDir, 'restic-cache'));
    let code: number | null;
    if (req.type === 'restic.init') {
      const exists = await run(req.job_id, 'restic', ['cat', 'config'], env, () => undefined);
      if (cancelled.delete(req.job_id)) return finish('cancelled', null, 'cancelled on request');
      if (exists === 0) {
        log('info', `repository ${repo.repo_url} is already initialised\n`);
        return finish('succeeded', 0);
      }
      if (exists === 127) {
        log('info', 'restic is not installed on this host; install it and retry\n');
        return finish('failed', 127, 'restic is not installed');
      }
      code = await run(req.job_id, 'restic', ['init'], env, log);
    } else {
      const args = resticArgs(req.type, req.params, o.initialPaths());
      if (typeof args === 'string') return finish('failed', null, args);
      code = await run(req.job_id, 'restic', args, env, log);
      const retention = req.params.retention as Record<string, unknown> | undefined;
      if (req.type === 'restic.backup' && code === 0 && retention && !cancelled.has(req.job_id)) {
        const forget = resticArgs('restic.forget', { ...retention, tags: req.params.tags }, []);
        if (typeof forget !== 'string') {
          log('info', `applying retention: restic ${forget.join(' ')}\n`);
          code = await run(req.job_id, 'restic', forget, env, log);
        }
      }
    }
    if (cancelled.delete(req.job_id) || code === null)
      return finish('cancelled', code, 'cancelled on request');
    return code === 0 ? finish('succeeded', 0) : finish('failed', code, `restic exited with code ${code}`);
  }

  return {
    /** Accept or refuse a job; accepted jobs run in the background. */
    start(req: JobRequest): { ok: true } | { ok: false; message: string } {
      if (req.type === 'shell' && !o.shellEnabled)
        return { ok: false, message: 'shell jobs are disabled on this agent' };
      if (!(JOB_TYPES as readonly string[]).includes(req.type))
        return { ok: false, message: `job type ${req.type} is not allowed on this agent` };
      // The same parameter rules the server checks: a job that gets here malformed is refused, not guessed at.
      const parsed = parseJobParams(req.type as JobType, req.params);
      if (!parsed.ok) return { ok: false, message: parsed.message };
      if (running.has(req.job_id) || started.has(req.job_id) || o.knows(req.job_id)) return { ok: true };
      started.add(req.job_id);
      void execute(req)
        .catch((err: unknown) =>
          o.send({
            t: 'job.finished',
            job_id: req.job_id,
            state: 'failed',
            exit_code: null,
            error: String(err),
          }),
        )
        .finally(() => started.delete(req.job_id));
      return { ok: true };
    },
    /** Jobs accepted and not yet finished. */
    running: () => [...started],
    /** Stop every running job (the agent is shutting down). */
    cancelAll(): void {
      for (const id of running.keys()) this.cancel(id);
    },
    /** Kill the job's whole process group. */
    cancel(jobId: string): boolean {
      const child = running.get(jobId);
      if (!child?.pid) return false;
      cancelled.add(jobId);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      return true;
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
