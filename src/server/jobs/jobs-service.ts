import { randomUUID } from 'node:crypto';
import type { AgentFrame, JobFrame, ServerFrame } from '../../protocol/link-frames.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { JobState, JobsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';

export { JOB_TYPES, type JobType } from '../../protocol/jobs.ts';
import { JOB_TYPES, type JobType } from '../../protocol/jobs.ts';
/** Output kept per job; past it the log ends with a note and the rest is dropped. */
export const MAX_JOB_LOG_BYTES = 1024 * 1024;
/** How long a job for an offline node waits before it fails. */
export const DEFAULT_JOB_WAIT_MS = 24 * 3600 * 1000;
const START_TIMEOUT_MS = 30_000;

type LinkJobFrame = JobFrame | Extract<AgentFrame, { t: 'jobs.report' }>;
const LOST_REASON =
  'the agent no longer knows this job (it restarted while the job ran); its outcome is unknown';

/** Present a job row: params are whitelisted JSON, never secrets (those travel only in welcome). */
export function presentJob(j: JobsTable) {
  return {
    id: j.id,
    host_id: j.node_id,
    type: j.type,
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
  };
}

/** Jobs: queued on the server, started over the link, output streamed back and stored in order. */
export function createJobsService(deps: {
  db: Db;
  clock: Clock;
  send: (nodeId: string, frame: ServerFrame) => boolean;
  bus: EventBus;
  onFinished: (job: JobsTable) => Promise<void>;
}) {
  const { db, clock } = deps;

  async function setState(id: string, state: JobState, extra: Partial<JobsTable> = {}) {
    await db
      .updateTable('jobs')
      .set({ state, ...extra })
      .where('id', '=', id)
      .execute();
  }

  function dispatch(job: JobsTable): boolean {
    return deps.send(job.node_id, {
      t: 'request',
      id: job.id,
      method: 'job.start',
      params: { job_id: job.id, type: job.type, params: JSON.parse(job.params) as unknown },
      timeout_ms: START_TIMEOUT_MS,
    });
  }

  async function finish(
    id: string,
    state: JobState,
    exitCode: number | null,
    error: string | null,
    at = clock.now(),
  ) {
    const [updated] = await db
      .updateTable('jobs')
      .set({ state, exit_code: exitCode, error, finished_at: at })
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'running'])
      .execute();
    if (!updated || Number(updated.numUpdatedRows) === 0) return; // already ended (a repeated report)
    const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!job) return;
    deps.bus.publish({
      type: 'job.state',
      job_id: id,
      node_id: job.node_id,
      state: job.state,
      exit_code: job.exit_code,
      error: job.error,
    });
    await deps.onFinished(job);
  }

  /** A job the agent started by itself (a schedule fired): record it once, as running. */
  async function recordAgentJob(nodeId: string, f: Extract<JobFrame, { t: 'job.started' }>) {
    const known = await db.selectFrom('jobs').select('id').where('id', '=', f.job_id).executeTakeFirst();
    if (known || !(JOB_TYPES as readonly string[]).includes(f.type ?? '')) return;
    const schedule = f.schedule_id
      ? await db
          .selectFrom('schedules')
          .select('id')
          .where('id', '=', f.schedule_id)
          .where('node_id', '=', nodeId)
          .executeTakeFirst()
      : undefined;
    // An agent reports runs of its schedules only: it cannot make up jobs of its own.
    if (!schedule) return;
    await db
      .insertInto('jobs')
      .values({
        id: f.job_id,
        node_id: nodeId,
        type: f.type as JobType,
        params: JSON.stringify(f.params ?? {}),
        state: 'queued',
        created_by: 'schedule',
        created_at: f.at,
        expires_at: null,
        started_at: null,
        finished_at: null,
        exit_code: null,
        error: null,
        log_bytes: 0,
        schedule_id: schedule?.id ?? null,
        scheduled_for: f.scheduled_for ?? null,
      })
      .execute();
  }

  /**
   * The agent has delivered what it held back and lists what it runs now: a job the server
   * believes running that the agent does not list is lost. Then queued jobs start.
   */
  async function reconcile(nodeId: string, running: string[]) {
    const believed = await db
      .selectFrom('jobs')
      .select('id')
      .where('node_id', '=', nodeId)
      .where('state', '=', 'running')
      .execute();
    const still = new Set(running);
    for (const j of believed) if (!still.has(j.id)) await finish(j.id, 'lost', null, LOST_REASON);
    await dispatchQueued(nodeId);
  }

  /** Start what waited for the node, fail what waited too long. */
  async function dispatchQueued(nodeId: string) {
    const queued = await db
      .selectFrom('jobs')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('state', '=', 'queued')
      .orderBy('created_at')
      .execute();
    for (const job of queued) {
      if (job.expires_at !== null && job.expires_at <= clock.now())
        await finish(job.id, 'failed', null, 'expired while the node was offline');
      else dispatch(job);
    }
  }

  return {
    async create(
      nodeId: string,
      type: JobType,
      params: Record<string, unknown>,
      createdBy: string | null,
      waitMs = DEFAULT_JOB_WAIT_MS,
      scheduleId: string | null = null,
    ) {
      const now = clock.now();
      const job: JobsTable = {
        id: randomUUID(),
        node_id: nodeId,
        type,
        params: JSON.stringify(params),
        state: 'queued',
        created_by: createdBy,
        created_at: now,
        expires_at: now + waitMs,
        started_at: null,
        finished_at: null,
        exit_code: null,
        error: null,
        log_bytes: 0,
        schedule_id: scheduleId,
        scheduled_for: null,
      };
      await db.insertInto('jobs').values(job).execute();
      dispatch(job);
      return job;
    },

    /** A job frame from the node's link; frames for other nodes' jobs are ignored. */
    async onFrame(nodeId: string, f: LinkJobFrame) {
      if (f.t === 'jobs.report') return reconcile(nodeId, f.running);
      if (f.t === 'job.started' && f.schedule_id !== undefined) await recordAgentJob(nodeId, f);
      const job = await db
        .selectFrom('jobs')
        .select(['id', 'node_id', 'state', 'log_bytes'])
        .where('id', '=', f.job_id)
        .executeTakeFirst();
      if (!job || job.node_id !== nodeId) {
        // Nothing to keep (unknown, or its schedule was deleted meanwhile): let the agent forget it.
        if (f.t === 'job.finished') deps.send(nodeId, { t: 'job.ack', job_id: f.job_id });
        return;
      }
      switch (f.t) {
        case 'job.started':
          if (job.state === 'queued') {
            await setState(job.id, 'running', {
              started_at: f.schedule_id !== undefined ? f.at : clock.now(),
            });
            deps.bus.publish({
              type: 'job.state',
              job_id: job.id,
              node_id: nodeId,
              state: 'running',
              exit_code: null,
              error: null,
            });
          }
          return;
        case 'job.log': {
          // Past the cap one note is stored (log_bytes then exceeds the cap) and the rest is dropped.
          if (job.log_bytes > MAX_JOB_LOG_BYTES) return;
          let data = f.data;
          const room = MAX_JOB_LOG_BYTES - job.log_bytes;
          if (Buffer.byteLength(data) > room)
            data = `${Buffer.from(data).subarray(0, room).toString('utf8')}\n[log truncated at ${MAX_JOB_LOG_BYTES} bytes]\n`;
          await db
            .insertInto('job_logs')
            .values({ job_id: job.id, seq: f.seq, stream: f.stream, data, at: clock.now() })
            .onConflict((oc) => oc.doNothing())
            .execute();
          await db
            .updateTable('jobs')
            .set((eb) => ({ log_bytes: eb('log_bytes', '+', Buffer.byteLength(data)) }))
            .where('id', '=', job.id)
            .execute();
          deps.bus.publish({ type: 'job.log', job_id: job.id, seq: f.seq, stream: f.stream, data });
          return;
        }
        case 'job.finished':
          await finish(job.id, f.state, f.exit_code, f.error ?? null, f.at ?? clock.now());
          deps.send(nodeId, { t: 'job.ack', job_id: job.id });
          return;
        default:
          return;
      }
    },

    /** Cancel: a queued job never starts; a running one is killed on the node (process group). */
    async cancel(id: string) {
      const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!job) throw new AppError('NOT_FOUND', `job ${id} does not exist`);
      if (job.state === 'queued') return finish(id, 'cancelled', null, 'cancelled before it started');
      if (job.state !== 'running') throw new AppError('CONFLICT', `the job already ended (${job.state})`);
      if (!deps.send(job.node_id, { t: 'cancel', id }))
        throw new AppError('UNAVAILABLE', 'the node is offline; try again when it is back');
    },

    /** The node's agent refused or could not start one of its jobs; another node's job id is ignored. */
    async rejectStart(nodeId: string, jobId: string, message: string) {
      const job = await db.selectFrom('jobs').select('node_id').where('id', '=', jobId).executeTakeFirst();
      if (job?.node_id === nodeId) await finish(jobId, 'failed', null, message);
    },

    async get(id: string) {
      const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!job) throw new AppError('NOT_FOUND', `job ${id} does not exist`);
      const logs = await db
        .selectFrom('job_logs')
        .select(['seq', 'stream', 'data', 'at'])
        .where('job_id', '=', id)
        .orderBy('seq')
        .execute();
      return { ...presentJob(job), log: logs.map((l) => l.data).join(''), log_lines: logs };
    },

    listForNode: async (nodeId: string) =>
      (
        await db
          .selectFrom('jobs')
          .selectAll()
          .where('node_id', '=', nodeId)
          .orderBy('created_at', 'desc')
          .limit(500)
          .execute()
      ).map(presentJob),
  };
}
export type JobsService = ReturnType<typeof createJobsService>;
