import { z } from 'zod';
import { nodeFacts } from './link-facts.ts';
import { hostConfig, type LinkMethod, type LinkParamsIn } from './link-methods.ts';

/** Largest text frame either side accepts on the link, in bytes. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Close codes used on the link (4000-4999 is the application range). */
export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 4000,
  REPLACED: 4001,
  REMOVED: 4002,
  DUPLICATE: 4003,
  UNAUTHORIZED: 4004,
  HEARTBEAT_TIMEOUT: 4005,
  SERVER_SHUTDOWN: 4006,
} as const;

export { MAX_LABEL_KEY, MAX_LABEL_VALUE, MAX_LABELS, nodeFacts, type NodeFacts } from './link-facts.ts';

const hello = z.object({
  t: z.literal('hello'),
  protocol: z.number().int(),
  agent_version: z.string().max(100),
  facts: nodeFacts,
});
const heartbeat = z.object({ t: z.literal('heartbeat'), seq: z.number().int().nonnegative().optional() });
const reply = z.object({
  t: z.literal('reply'),
  id: z.string().max(100),
  ok: z.boolean(),
  result: z.unknown().optional(),
  /** Why the agent refused: `code` is one of REFUSAL_CODES from current agents, any string from older ones. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
const jobStarted = z.object({
  t: z.literal('job.started'),
  job_id: z.string().max(100),
  at: z.number(),
  /** Set when the agent started the job itself (a schedule): the server records it from these. */
  type: z.string().max(100).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  schedule_id: z.string().max(100).optional(),
  scheduled_for: z.number().optional(),
});
const jobLog = z.object({
  t: z.literal('job.log'),
  job_id: z.string().max(100),
  seq: z.number().int().nonnegative(),
  stream: z.enum(['stdout', 'stderr', 'info']),
  data: z.string(),
});
const jobProgress = z.object({
  t: z.literal('job.progress'),
  job_id: z.string().max(100),
  percent: z.number(),
});
const jobFinished = z.object({
  t: z.literal('job.finished'),
  job_id: z.string().max(100),
  state: z.enum(['succeeded', 'failed', 'cancelled', 'lost']),
  exit_code: z.number().int().nullable(),
  error: z.string().max(10_000).optional(),
  at: z.number().optional(),
  /** What the job produced, by type: a backup's summary, a restore's target, the lock that stopped it. */
  result: z.record(z.string(), z.unknown()).optional(),
});
/** Sent after the agent has delivered what it held back: the jobs it is running right now. */
const jobsReport = z.object({
  t: z.literal('jobs.report'),
  running: z.array(z.string().max(100)).max(10_000),
});

/** Frames the agent sends. */
export const agentFrame = z.discriminatedUnion('t', [
  hello,
  heartbeat,
  reply,
  jobStarted,
  jobLog,
  jobProgress,
  jobFinished,
  jobsReport,
]);
export type AgentFrame = z.infer<typeof agentFrame>;
/** The frames that carry one job's life: start, output, progress, end. */
export type JobFrame = Extract<
  AgentFrame,
  { t: 'job.started' | 'job.log' | 'job.progress' | 'job.finished' }
>;

const welcome = z.object({
  t: z.literal('welcome'),
  node_id: z.string(),
  heartbeat_interval_ms: z.number().int().positive(),
  /**
   * How the agent beats: `ping` (a websocket ping, answered by the server's socket) or, when absent (older
   * servers), a ping and a `heartbeat` frame.
   */
  heartbeat: z.enum(['ping']).optional(),
  /** The host's configuration; older agents read it as a plain object. */
  config: hostConfig,
});
const request = z.object({
  t: z.literal('request'),
  id: z.string(),
  method: z.string(),
  params: z.unknown().optional(),
  timeout_ms: z.number().int().positive(),
});
const cancel = z.object({ t: z.literal('cancel'), id: z.string() });
const configUpdate = z.object({ t: z.literal('config.update'), config: hostConfig });
/** The server stored a job's end: the agent may forget it. */
const jobAck = z.object({ t: z.literal('job.ack'), job_id: z.string() });
const disconnect = z.object({
  t: z.literal('disconnect'),
  reason: z.string(),
  reconnect_after_seconds: z.number().nonnegative().optional(),
  permanent: z.boolean(),
});

/** Frames the server sends. */
export const serverFrame = z.discriminatedUnion('t', [
  welcome,
  request,
  cancel,
  configUpdate,
  jobAck,
  disconnect,
]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** Parse one text frame; returns a readable error instead of throwing. */
export function parseFrame<T>(
  schema: z.ZodType<T>,
  text: string,
): { ok: true; frame: T } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      error: `invalid frame: ${first ? `${first.path.join('.') || 't'}: ${first.message}` : 'unknown'}`,
    };
  }
  return { ok: true, frame: parsed.data };
}

/** A request frame for one of the link's methods, its parameters typed by the method. */
export function requestFrame<M extends LinkMethod>(
  id: string,
  method: M,
  params: LinkParamsIn<M>,
  timeoutMs: number,
): ServerFrame {
  return { t: 'request', id, method, params, timeout_ms: timeoutMs };
}
