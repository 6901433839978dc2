import { z } from 'zod';
import { requestFrame } from '../../protocol/link-frames.ts';
import { randomUUID } from 'node:crypto';
import type { JobView } from '../../protocol/api/views.ts';
import type { JobType } from '../../protocol/jobs.ts';
import type { AgentFrame, JobFrame } from '../../protocol/link-frames.ts';
import { actorName, type Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { JobState, JobsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { Store } from '../repos/store.ts';
import type { SchedulesService } from '../schedules/schedules-service.ts';

/** Output kept per job; past it the log ends with a note and the rest is dropped. */
export const MAX_JOB_LOG_BYTES = 1024 * 1024;
/** Schedule runs one node may report an hour (a schedule fires once a minute at most; this allows dozens). */
export const MAX_AGENT_RUNS_PER_HOUR = 240;
/** Job output one node may store an hour, over all its jobs; more is dropped. */
export const MAX_NODE_LOG_BYTES_PER_HOUR = 64 * 1024 * 1024;

/**
 * What each node may still write this hour, by kind: `take` answers false (and takes nothing) once the hour's
 * allowance is spent. Kept per server process; a new hour starts a new allowance.
 */
function createNodeBudget<K extends string>(clock: Clock, perHour: Record<K, number>) {
  const spent = new Map<string, { hour: number; used: Record<string, number> }>();
  return {
    take(nodeId: string, kind: K, amount: number): boolean {
      const hour = Math.floor(clock.now() / 3600_000);
      let b = spent.get(nodeId);
      if (!b || b.hour !== hour) {
        if (spent.size > 100_000) spent.clear();
        b = { hour, used: {} };
        spent.set(nodeId, b);
      }
      const used = b.used[kind] ?? 0;
      if (used + amount > perHour[kind]) return false;
      b.used[kind] = used + amount;
      return true;
    },
  };
}

/** What a node's agent may report of its own per hour: runs of its schedules and bytes of log. */
type NodeBudget = ReturnType<typeof createNodeBudget<'runs' | 'log'>>;

/** A job's stored parameters: an object. */
const jobParams = z.record(z.string(), z.unknown());

/** How long a job for an offline node waits before it fails. */
export const DEFAULT_JOB_WAIT_MS = 24 * 3600 * 1000;
const START_TIMEOUT_MS = 30_000;

type LinkJobFrame = JobFrame | Extract<AgentFrame, { t: 'jobs.report' }>;
const LOST_REASON =
  'the agent no longer knows this job (it restarted while the job ran); its outcome is unknown';

/** Present a job row: params are whitelisted JSON, never secrets (those travel only in welcome). */
export function presentJob(j: JobsTable): JobView {
  return {
    id: j.id,
    host_id: j.node_id,
    type: j.type as JobType,
    params: JSON.parse(j.params) as Record<string, unknown>,
    state: j.state,
    created_by: j.created_by,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
    exit_code: j.exit_code,
    error: j.error,
    schedule_id: j.schedule_id,
    scheduled_for: j.scheduled_for,
    result: j.result ? (JSON.parse(j.result) as Record<string, unknown>) : null,
  };
}

/** A new job's row: queued, nothing run yet. */
function queuedJob(
  j: Pick<
    JobsTable,
    | 'id'
    | 'node_id'
    | 'type'
    | 'params'
    | 'created_by'
    | 'created_at'
    | 'expires_at'
    | 'schedule_id'
    | 'scheduled_for'
  >,
): JobsTable {
  return {
    ...j,
    state: 'queued',
    started_at: null,
    finished_at: null,
    exit_code: null,
    error: null,
    log_bytes: 0,
    result: null,
  };
}

/**
 * What of a log chunk is stored, given what the job's log holds: all of it, its start with a note once the cap is
 * reached, or nothing past the cap (null). Past the cap one note is stored (log_bytes then exceeds it).
 */
function logRoom(logBytes: number, data: string): string | null {
  if (logBytes > MAX_JOB_LOG_BYTES) return null;
  const room = MAX_JOB_LOG_BYTES - logBytes;
  if (Buffer.byteLength(data) <= room) return data;
  return `${Buffer.from(data).subarray(0, room).toString('utf8')}\n[log truncated at ${MAX_JOB_LOG_BYTES} bytes]\n`;
}

/**
 * A job the agent started by itself (a schedule fired): recorded once, with the type and parameters of the
 * schedule it names (not the frame's), within the node's budget of such records. False when it is not recorded.
 */
async function recordAgentJob(
  ctx: {
    repo: Store['repos']['jobs'];
    schedules: Pick<SchedulesService, 'jobOf'>;
    budget: NodeBudget;
    clock: Clock;
  },
  nodeId: string,
  f: Extract<JobFrame, { t: 'job.started' }>,
) {
  const { repo, budget, clock } = ctx;
  if (await repo.find(f.job_id)) return true;
  // An agent reports runs of its schedules only: it cannot make up jobs of its own.
  const job = f.schedule_id ? await ctx.schedules.jobOf(nodeId, f.schedule_id) : null;
  if (!job || job.type !== f.type) return false;
  if (!budget.take(nodeId, 'runs', 1)) return false;
  const now = clock.now();
  await repo.insert(
    queuedJob({
      id: f.job_id,
      node_id: nodeId,
      type: job.type,
      params: JSON.stringify(job.params),
      created_by: 'schedule',
      created_at: now,
      expires_at: null,
      schedule_id: f.schedule_id!,
      // Which slot of the schedule this run is, as the agent's clock saw it (shown, never acted on).
      scheduled_for: f.scheduled_for ?? null,
    }),
  );
  return true;
}

/** Jobs: queued on the server, started over the link, output streamed back and stored in order. */
export function createJobsService(deps: {
  store: Store;
  clock: Clock;
  link: LinkPort;
  bus: EventBus;
  nodes: NodesService;
  schedules: SchedulesService;
  /** Told of every job that ended (once), with its stored row: what follows from it (repository state, backup health). */
  finished?: (job: JobsTable) => Promise<void>;
}) {
  const { store, clock, link } = deps;
  const repo = store.repos.jobs;
  const budget = createNodeBudget(clock, { runs: MAX_AGENT_RUNS_PER_HOUR, log: MAX_NODE_LOG_BYTES_PER_HOUR });

  function dispatch(job: JobsTable): Promise<boolean> {
    const params = { job_id: job.id, type: job.type, params: jobParams.parse(JSON.parse(job.params)) };
    return link.send(job.node_id, requestFrame(job.id, 'job.start', params, START_TIMEOUT_MS));
  }

  async function finish(
    id: string,
    state: JobState,
    exitCode: number | null,
    error: string | null,
    at = clock.now(),
    result: Record<string, unknown> | null = null,
  ) {
    const ended = {
      state,
      exit_code: exitCode,
      error,
      finished_at: at,
      result: result && JSON.stringify(result),
    };
    if (!(await repo.finishIfActive(id, ended))) return; // a repeated report
    const job = await repo.find(id);
    if (!job) return;
    // What follows from the end (repository state, backup health) is written before anyone hears of it, so a page
    // that reloads on the event reads it.
    await deps.finished?.(job);
    deps.bus.publish({
      type: 'job.state',
      job_id: id,
      node_id: job.node_id,
      job_type: job.type,
      state: job.state,
      exit_code: job.exit_code,
      error: job.error,
    });
  }

  /**
   * The agent has delivered what it held back and lists what it runs now: a job the server
   * believes running that the agent does not list is lost. Then queued jobs start.
   */
  async function reconcile(nodeId: string, running: string[]) {
    const still = new Set(running);
    for (const id of await repo.runningIds(nodeId))
      if (!still.has(id)) await finish(id, 'lost', null, LOST_REASON);
    await dispatchQueued(nodeId);
  }

  /** Start what waited for the node, fail what waited too long. */
  async function dispatchQueued(nodeId: string) {
    for (const job of await repo.queuedFor(nodeId)) {
      if (job.expires_at !== null && job.expires_at <= clock.now())
        await finish(job.id, 'failed', null, 'expired while the node was offline');
      else await dispatch(job);
    }
  }

  return {
    /**
     * Queue a job and start it when the node is online (or when it comes back, within `waitMs`). A job a person
     * asked for is audited with the job's row, in one transaction.
     */
    async create(
      actor: Actor,
      nodeId: string,
      type: JobType,
      params: Record<string, unknown>,
      opts: {
        waitMs?: number;
        scheduleId?: string | null;
        /** False when the change that asks for the job writes the one audit record (a repository set, a room update). */
        audited?: boolean;
        /** Queued but not started: the caller starts it (startHeld) when its turn comes (a plan's bounded run). */
        hold?: boolean;
      } = {},
    ) {
      const now = clock.now();
      const createdBy = actor.kind === 'system' ? null : actorName(actor);
      const waitMs = opts.waitMs ?? DEFAULT_JOB_WAIT_MS;
      const scheduleId = opts.scheduleId ?? null;
      const job = queuedJob({
        id: randomUUID(),
        node_id: nodeId,
        type,
        params: JSON.stringify(params),
        created_by: createdBy,
        created_at: now,
        expires_at: now + waitMs,
        schedule_id: scheduleId,
        scheduled_for: null,
      });
      await store.transaction(async (r) => {
        await r.jobs.insert(job);
        if (actor.kind !== 'system' && opts.audited !== false)
          await r.audit.record(actor, 'job.created', { type: 'job', id: job.id }, { host_id: nodeId, type });
      });
      if (!opts.hold) await dispatch(job);
      return job;
    },
    /** Start a job created with `hold` (it starts by itself too if its node links again meanwhile). */
    async startHeld(id: string) {
      const job = await repo.find(id);
      if (job?.state === 'queued') await dispatch(job);
    },
    /** A job's state now (null when it does not exist). */
    stateOf: async (id: string) => (await repo.findBrief(id))?.state ?? null,

    /** A job frame from the node's link; frames for other nodes' jobs are ignored. */
    async onFrame(nodeId: string, f: LinkJobFrame) {
      if (f.t === 'jobs.report') return reconcile(nodeId, f.running);
      if (f.t === 'job.started' && f.schedule_id !== undefined)
        await recordAgentJob({ repo, schedules: deps.schedules, budget, clock }, nodeId, f);
      if (f.t === 'job.log' && !budget.take(nodeId, 'log', Buffer.byteLength(f.data))) return;
      const job = await repo.findBrief(f.job_id);
      if (!job || job.node_id !== nodeId) {
        // Nothing to keep (unknown, or its schedule was deleted meanwhile): let the agent forget it.
        if (f.t === 'job.finished') await link.send(nodeId, { t: 'job.ack', job_id: f.job_id });
        return;
      }
      switch (f.t) {
        case 'job.started':
          if (job.state === 'queued') {
            // The server's clock: an agent's may be off by minutes, and a job's times are compared with others'.
            await repo.setState(job.id, 'running', { started_at: clock.now() });
            deps.bus.publish({
              type: 'job.state',
              job_id: job.id,
              node_id: nodeId,
              job_type: job.type,
              state: 'running',
              exit_code: null,
              error: null,
            });
          }
          return;
        case 'job.log': {
          // A job's output ends with its end: lines sent afterwards are dropped.
          if (job.state !== 'running' && job.state !== 'queued') return;
          const data = logRoom(job.log_bytes, f.data);
          if (data === null) return;
          await repo.appendLog({ job_id: job.id, seq: f.seq, stream: f.stream, data, at: clock.now() });
          deps.bus.publish({ type: 'job.log', job_id: job.id, seq: f.seq, stream: f.stream, data });
          return;
        }
        case 'job.finished':
          await finish(job.id, f.state, f.exit_code, f.error ?? null, clock.now(), f.result ?? null);
          await link.send(nodeId, { t: 'job.ack', job_id: job.id });
          return;
        default:
          return;
      }
    },

    /**
     * Start what waits for the nodes `held` says this server holds the link of: after the cluster's wire was down, a
     * job asked for at another replica stayed queued although its node was online.
     */
    async dispatchWaiting(held: (nodeId: string) => boolean) {
      const nodes = new Set((await repo.queuedAny(10_000)).map((j) => j.node_id).filter(held));
      for (const nodeId of nodes) await dispatchQueued(nodeId);
    },

    /** Cancel: a queued job never starts; a running one is killed on the node (process group). */
    async cancel(actor: Actor, id: string) {
      const job = await repo.find(id);
      if (!job) throw new AppError('NOT_FOUND', `job ${id} does not exist`);
      if (job.state === 'queued') await finish(id, 'cancelled', null, 'cancelled before it started');
      else if (job.state !== 'running')
        throw new AppError('JOB_ENDED', `the job already ended (${job.state})`);
      else if (!(await link.send(job.node_id, { t: 'cancel', id })))
        throw new AppError('NODE_OFFLINE', 'the node is offline; try again when it is back');
      // What is recorded is the request: a running job ends (cancelled) when its node has stopped it.
      await store.repos.audit.record(
        actor,
        'job.cancelled',
        { type: 'job', id },
        { host_id: job.node_id, was: job.state },
      );
    },

    /** The node's agent refused or could not start one of its jobs; another node's job id is ignored. */
    async rejectStart(nodeId: string, jobId: string, message: string) {
      const job = await repo.find(jobId);
      if (job?.node_id === nodeId) await finish(jobId, 'failed', null, message);
    },

    async get(id: string) {
      const job = await repo.find(id);
      if (!job) throw new AppError('NOT_FOUND', `job ${id} does not exist`);
      const logs = await repo.logsOf(id);
      return { ...presentJob(job), log: logs.map((l) => l.data).join(''), log_lines: logs };
    },

    listForNode: async (nodeId: string) => (await repo.listForNode(nodeId, 500)).map(presentJob),
  };
}
export type JobsService = ReturnType<typeof createJobsService>;
