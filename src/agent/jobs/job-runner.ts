import type { RepositoryCredentials } from '../../protocol/link-methods.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { JOB_TYPES, parseJobParams, type JobType } from '../../protocol/jobs.ts';
import type { JobFrame } from '../../protocol/link-frames.ts';
import { collectFacts } from '../collectors/facts.ts';
import type { SelfUpdate } from '../update/self-update.ts';
import { runHooks } from './hooks.ts';
import { createRepositoryQueue } from './repository-queue.ts';
import { keepDirectoryStates, restoreRefusal, snapshotDirLister } from './restore-guard.ts';
import {
  backupOutput,
  defaultRestoreTarget,
  explainLock,
  localRepositoryDir,
  lockHolder,
  readOnlyHint,
  resticArgs,
  resticInvocation,
  resticReason,
  type ResticLimits,
} from './restic.ts';

export interface JobRequest {
  job_id: string;
  type: string;
  params: Record<string, unknown>;
  /** Set when a schedule on the agent started the job. */
  schedule_id?: string;
  scheduled_for?: number;
}

const CHUNK = 16 * 1024;
/** How long a restic job waits for a repository another restic holds (a shared repository's other nodes). */
const LOCK_WAIT_MS = 30 * 60_000;
/** How long it waits between tries (plus up to as much again, so that waiting nodes do not retry together). */
const LOCK_RETRY_MS = 5000;
/** Where hooks live unless the agent is told otherwise (--hooks-dir). */
export const DEFAULT_HOOKS_DIR = '/etc/muster-agent/hooks.d';
/** restic's error output kept per run, to say why it failed. */
const STDERR_TAIL = 8 * 1024;

type Log = (stream: 'stdout' | 'stderr' | 'info', data: string) => void;
type Finish = (
  state: 'succeeded' | 'failed' | 'cancelled',
  exit: number | null,
  error?: string,
  result?: Record<string, unknown>,
) => void;

/** What the job runner is given. */
export interface RunnerOptions {
  send: (frame: JobFrame) => void;
  repository: () => RepositoryCredentials | null;
  /** Bandwidth limits for every restic run (the node's plan). */
  limits?: () => ResticLimits;
  /** Where the hooks a backup names are (default /etc/muster-agent/hooks.d). */
  hooksDir?: string;
  /** How long a job waits for a lock another restic holds (default 30 minutes). */
  lockWaitMs?: number;
  initialPaths: () => string[];
  stateDir: string;
  shellEnabled: boolean;
  /** Whether this job already ran here (a start sent again after a reconnect). */
  knows: (jobId: string) => boolean;
  /** Where restores may write (see restore-guard.ts). */
  restoreRoots: () => string[];
  /** Why the state directory cannot be written now (a full disk), or null; jobs are refused meanwhile. */
  storageProblem?: () => string | null;
  /** `agent.update`: replace this agent with the server's executable (absent: refused). */
  selfUpdate?: SelfUpdate;
  now: () => number;
}

/** A job's output as numbered log frames, in chunks the link carries. */
function stream(send: (frame: JobFrame) => void, jobId: string): Log {
  let seq = 0;
  return (stream, data) => {
    for (let i = 0; i < data.length; i += CHUNK)
      send({ t: 'job.log', job_id: jobId, seq: seq++, stream, data: data.slice(i, i + CHUNK) });
  };
}

/** Run a command; its output goes to `out` (default: the log), the end of its error output is kept. */
function run(
  running: Map<string, ChildProcess>,
  jobId: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  log: Log,
  out?: (data: string) => void,
) {
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    let stderr = '';
    const child = spawn(cmd, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.set(jobId, child);
    child.stdout.on('data', (c: Buffer) => (out ?? ((d) => log('stdout', d)))(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      stderr = (stderr + text).slice(-STDERR_TAIL);
      log('stderr', text);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      log(
        'info',
        err.code === 'ENOENT'
          ? `${cmd} is not installed on this host; install it and retry\n`
          : `${cmd} could not start: ${err.message}\n`,
      );
      resolve({ code: 127, signal: null, stderr });
    });
    child.on('close', (code, signal) => {
      running.delete(jobId);
      resolve({ code, signal, stderr });
    });
  });
}

/** Why restic failed, in words an operator can act on, with what the server keeps of it. */
function failure(
  code: number,
  stderr: string,
  path: string | null,
): { error: string; result?: Record<string, unknown> } {
  if (code === 127) return { error: 'restic is not installed on this host; install it and retry' };
  const lock = lockHolder(stderr);
  if (lock) return { error: explainLock(lock), result: { lock } };
  const hint = readOnlyHint(stderr, path);
  const reason = resticReason(stderr);
  return {
    error: [`restic exited with code ${code}${reason ? `: ${reason}` : ''}`, hint].filter(Boolean).join('. '),
  };
}

/** What a restic job needs of its runner. */
interface ResticContext {
  o: RunnerOptions;
  cancelled: Set<string>;
  run: (
    jobId: string,
    cmd: string,
    args: string[],
    env: Record<string, string>,
    log: Log,
    out?: (data: string) => void,
  ) => ReturnType<typeof run>;
}

/** A restic job, once it holds the repository. */
async function runRestic(
  ctx: ResticContext,
  req: JobRequest,
  repo: RepositoryCredentials,
  log: Log,
  finish: Finish,
) {
  const { o, cancelled } = ctx;
  // The server checks the location and credentials too; this agent runs nothing that could hand ssh or rclone an
  // option, and passes restic no variable but its backend's.
  const invocation = resticInvocation(repo, { stateDir: o.stateDir, limits: o.limits?.() ?? {} });
  if (typeof invocation === 'string') return finish('failed', null, invocation);
  const { env } = invocation;
  const run: ResticContext['run'] = (jobId, cmd, args, ...rest) =>
    ctx.run(jobId, cmd, cmd === 'restic' ? [...invocation.args, ...args] : args, ...rest);
  /**
   * Run again while the repository is locked by a restic that is still at work (another node's backup or prune
   * on a shared repository, a restic still running here): the job waits its turn, saying so, for up to
   * LOCK_WAIT_MS. A stale lock is not waited for: nothing would release it.
   */
  const waitingForLock = async (attempt: () => ReturnType<typeof run>) => {
    const until = o.now() + (o.lockWaitMs ?? LOCK_WAIT_MS);
    for (;;) {
      const r = await attempt();
      const lock = r.code !== 0 && r.code !== null ? lockHolder(r.stderr) : null;
      if (!lock || lock.stale || cancelled.has(req.job_id) || o.now() >= until) return r;
      log(
        'info',
        `waiting for the repository: locked by restic PID ${lock.pid} on ${lock.host}; trying again\n`,
      );
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS + Math.random() * LOCK_RETRY_MS));
      if (cancelled.has(req.job_id)) return r;
    }
  };
  const repoDir = localRepositoryDir(repo.repo_url);
  const ended = () => cancelled.delete(req.job_id);
  if (req.type === 'restic.init') {
    const exists = await run(req.job_id, 'restic', ['cat', 'config'], env, () => undefined);
    if (ended()) return finish('cancelled', null, 'cancelled on request');
    if (exists.code === 0) {
      log('info', `repository ${repo.repo_url} is already initialised\n`);
      return finish('succeeded', 0);
    }
    if (exists.code === 127) {
      log('info', 'restic is not installed on this host; install it and retry\n');
      return finish('failed', 127, 'restic is not installed on this host; install it and retry');
    }
    const r = await run(req.job_id, 'restic', ['init'], env, log);
    if (ended()) return finish('cancelled', r.code, 'cancelled on request');
    if (r.code === 0) return finish('succeeded', 0);
    if (r.code === null) return finish('failed', null, `restic was killed (${r.signal ?? 'signal'})`);
    const f = failure(r.code, r.stderr, repoDir);
    return finish('failed', r.code, f.error, f.result);
  }
  if (req.type === 'restic.copy')
    return copyToSecond(req, repo, env, { ...ctx, waitingForLock }, log, finish);
  const target =
    req.type === 'restic.restore'
      ? req.params.in_place === true
        ? '/'
        : typeof req.params.target === 'string'
          ? req.params.target
          : defaultRestoreTarget(o.stateDir, req.job_id, o.now())
      : undefined;
  const args = resticArgs(req.type, req.params, {
    initialPaths: o.initialPaths(),
    ...(target ? { restoreTarget: target } : {}),
  });
  if (typeof args === 'string') return finish('failed', null, args);
  let kept: ReturnType<typeof keepDirectoryStates> | null = null;
  if (req.type === 'restic.restore' && target) {
    const refused = restoreRefusal(req.params, target, o.restoreRoots());
    if (refused) return finish('failed', null, refused);
    // The directories the snapshot holds, so that those that exist here keep their mode and owner.
    const lister = snapshotDirLister();
    const ls = await run(req.job_id, 'restic', ['ls', '--json', String(req.params.snapshot)], env, log, (d) =>
      lister.write(d),
    );
    if (ended()) return finish('cancelled', ls.code, 'cancelled on request');
    if (ls.code !== 0) {
      const f = failure(ls.code ?? 1, ls.stderr, repoDir);
      return finish('failed', ls.code, f.error, f.result);
    }
    kept = keepDirectoryStates(target, lister.end());
  }
  if (target) log('info', `restoring snapshot ${String(req.params.snapshot)} into ${target}\n`);
  const hooks = (req.params.hooks ?? {}) as { before?: string[]; after?: string[] };
  const hookRun = (phase: 'before' | 'after', status?: string) =>
    runHooks(hooks[phase] ?? [], {
      dir: o.hooksDir ?? DEFAULT_HOOKS_DIR,
      phase,
      jobId: req.job_id,
      status,
      log,
      run: (cmd, env) => ctx.run(req.job_id, cmd, [], env, log),
      cancelled: () => cancelled.has(req.job_id),
    });
  if (req.type === 'restic.backup') {
    const before = await hookRun('before');
    if (before) {
      if (ended()) return finish('cancelled', null, 'cancelled on request');
      return finish('failed', null, `${before}; the backup did not run`);
    }
  }
  const summary = req.type === 'restic.backup' ? backupOutput((d) => log('stdout', d), o.now) : null;
  let r = await waitingForLock(() =>
    run(req.job_id, 'restic', args, env, log, summary ? (d) => summary.write(d) : undefined),
  );
  const backup = summary?.end() ?? null;
  if (kept) {
    const failed = kept.restore();
    log(
      'info',
      failed.length
        ? `could not put back the mode or owner of: ${failed.join('; ')}\n`
        : `kept the mode and owner of ${kept.count()} existing director${kept.count() === 1 ? 'y' : 'ies'}\n`,
    );
  }
  const retention = req.params.retention as Record<string, unknown> | undefined;
  if (req.type === 'restic.backup' && r.code === 0 && retention && !cancelled.has(req.job_id)) {
    const forget = resticArgs(
      'restic.forget',
      // Only the group's own tag (the first): other tags may be shared with other groups.
      {
        ...retention,
        tags: Array.isArray(req.params.tags) ? req.params.tags.slice(0, 1) : [],
        prune: req.params.prune,
      },
      { initialPaths: [] },
    );
    if (typeof forget !== 'string') {
      log('info', `applying retention: restic ${forget.join(' ')}\n`);
      r = await waitingForLock(() => run(req.job_id, 'restic', forget, env, log));
    }
  }
  const after =
    req.type === 'restic.backup' && !cancelled.has(req.job_id)
      ? await hookRun('after', r.code === 0 ? 'succeeded' : 'failed')
      : null;
  const result = {
    ...(backup ? { backup } : {}),
    ...(target ? { target } : {}),
  };
  if (ended()) return finish('cancelled', r.code, 'cancelled on request');
  if (r.code === 0) {
    if (target) log('info', `restored into ${target}\n`);
    if (after)
      return finish(
        'failed',
        null,
        `the backup was saved (snapshot ${backup?.snapshot_id ?? '?'}), but ${after}`,
        result,
      );
    return finish('succeeded', 0, undefined, result);
  }
  if (r.code === null)
    return finish(
      'failed',
      null,
      `restic was killed (${r.signal ?? 'signal'}); its lock may be left behind`,
      result,
    );
  const f = failure(r.code, r.stderr, target ?? repoDir);
  return finish('failed', r.code, f.error, { ...result, ...f.result });
}

/**
 * `restic copy`: the node's snapshots into the second repository its plan names (initialised first, with the
 * source's chunker parameters so that deduplication carries over). The source is given as restic's "from"
 * repository; both backends' credentials are in restic's environment.
 */
async function copyToSecond(
  req: JobRequest,
  repo: RepositoryCredentials,
  sourceEnv: Record<string, string>,
  ctx: ResticContext & { waitingForLock: (attempt: () => ReturnType<typeof run>) => ReturnType<typeof run> },
  log: Log,
  finish: Finish,
) {
  if (!repo.copy)
    return finish('failed', null, "this node's backup plan names no second repository to copy to");
  const dest = resticInvocation(
    {
      repo_url: repo.copy.repo_url,
      repo_password: repo.copy.repo_password,
      ...(repo.copy.env ? { env: repo.copy.env } : {}),
    },
    { stateDir: ctx.o.stateDir, limits: ctx.o.limits?.() ?? {} },
  );
  if (typeof dest === 'string')
    return finish('failed', null, dest.replace('repository', 'second repository'));
  const env = {
    ...sourceEnv,
    ...dest.env,
    RESTIC_FROM_REPOSITORY: sourceEnv.RESTIC_REPOSITORY!,
    RESTIC_FROM_PASSWORD: sourceEnv.RESTIC_PASSWORD!,
  };
  const restic = (args: string[], out: Log = log) =>
    ctx.run(req.job_id, 'restic', [...dest.args, ...args], env, out);
  const exists = await restic(['cat', 'config'], () => undefined);
  if (ctx.cancelled.delete(req.job_id)) return finish('cancelled', null, 'cancelled on request');
  if (exists.code === 127)
    return finish('failed', 127, 'restic is not installed on this host; install it and retry');
  if (exists.code !== 0) {
    log('info', `initialising the second repository ${repo.copy.repo_url}\n`);
    const init = await restic(['init', '--copy-chunker-params']);
    if (init.code !== 0) {
      const f = failure(init.code ?? 1, init.stderr, localRepositoryDir(repo.copy.repo_url));
      return finish(
        'failed',
        init.code,
        `the second repository could not be initialised: ${f.error}`,
        f.result,
      );
    }
  }
  log('info', `copying snapshots to ${repo.copy.repo_url}\n`);
  const r = await ctx.waitingForLock(() => restic(['copy']));
  if (ctx.cancelled.delete(req.job_id)) return finish('cancelled', r.code, 'cancelled on request');
  if (r.code === 0) return finish('succeeded', 0);
  if (r.code === null) return finish('failed', null, `restic was killed (${r.signal ?? 'signal'})`);
  const f = failure(r.code, r.stderr, localRepositoryDir(repo.copy.repo_url));
  return finish('failed', r.code, f.error, f.result);
}

/** Runs allow-listed jobs as child processes and streams their output as job frames. */
export function createJobRunner(o: RunnerOptions) {
  const running = new Map<string, ChildProcess>();
  const started = new Set<string>();
  const cancelled = new Set<string>();
  const repositories = createRepositoryQueue();
  /** The repository each waiting or running restic job queued on. */
  const queuedOn = new Map<string, string>();
  const resticContext: ResticContext = {
    o,
    cancelled,
    run: (...a) => run(running, ...a),
  };

  async function execute(req: JobRequest): Promise<void> {
    const log = stream(o.send, req.job_id);
    const finish: Finish = (state, exit, error, result) =>
      o.send({
        t: 'job.finished',
        job_id: req.job_id,
        state,
        exit_code: exit,
        at: o.now(),
        ...(error ? { error } : {}),
        ...(result && Object.keys(result).length ? { result } : {}),
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
    if (req.type === 'agent.update') {
      if (!o.selfUpdate) return finish('failed', null, 'this agent cannot update itself');
      return o.selfUpdate(req.params, log, (state, error, result) =>
        finish(state, state === 'succeeded' ? 0 : null, error, result),
      );
    }
    if (req.type === 'shell') {
      const command = typeof req.params.command === 'string' ? req.params.command : '';
      if (!command) return finish('failed', null, 'shell jobs need params.command');
      const { code } = await run(running, req.job_id, '/bin/sh', ['-c', command], {}, log);
      if (cancelled.delete(req.job_id)) return finish('cancelled', code, 'cancelled on request');
      if (code === null) return finish('failed', null, 'the command was killed by a signal');
      return code === 0
        ? finish('succeeded', 0)
        : finish('failed', code, `the command exited with code ${code}`);
    }
    const repo = o.repository();
    if (!repo)
      return finish(
        'failed',
        null,
        'this host has no backup repository; set one on the node page (Backup repository) or with PUT /api/hosts/{id}/repository',
      );
    // One job per repository at a time: the next waits here, visibly, instead of failing on restic's lock.
    const key = repo.repo_url;
    queuedOn.set(req.job_id, key);
    try {
      const turn = await repositories.acquire(key, req.job_id, req.type, (holder) =>
        log(
          'info',
          `waiting for repository lock: job ${holder.jobId} (${holder.type}) is using the repository\n`,
        ),
      );
      if (!turn) return finish('cancelled', null, 'cancelled while waiting for the repository');
      if (cancelled.delete(req.job_id)) return finish('cancelled', null, 'cancelled on request');
      return await runRestic(resticContext, req, repo, log, finish);
    } finally {
      repositories.release(key, req.job_id);
      queuedOn.delete(req.job_id);
    }
  }

  return {
    /** Accept or refuse a job; accepted jobs run in the background. */
    start(req: JobRequest): { ok: true } | { ok: false; message: string } {
      if (req.type === 'shell' && !o.shellEnabled)
        return {
          ok: false,
          message:
            'shell jobs are disabled on this agent (it runs them when started with --allow-shell-jobs)',
        };
      if (!(JOB_TYPES as readonly string[]).includes(req.type))
        return { ok: false, message: `job type ${req.type} is not allowed on this agent` };
      // The same parameter rules the server checks: a job that gets here malformed is refused, not guessed at.
      const parsed = parseJobParams(req.type as JobType, req.params);
      if (!parsed.ok) return { ok: false, message: parsed.message };
      if (running.has(req.job_id) || started.has(req.job_id) || o.knows(req.job_id)) return { ok: true };
      // A job whose start and end cannot be journaled could be lost, or run twice after a restart.
      const storage = o.storageProblem?.();
      if (storage) return { ok: false, message: storage };
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
      for (const id of [...started]) this.cancel(id);
    },
    /** Kill the job's whole process group; a job waiting for its repository stops waiting. */
    cancel(jobId: string): boolean {
      const repository = queuedOn.get(jobId);
      if (repository && repositories.isWaiting(jobId)) {
        repositories.release(repository, jobId);
        return true;
      }
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
