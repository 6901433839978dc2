import { z } from 'zod';

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

/** Host labels a node may report: how many, and how long a key and a value may be (about 40 KiB at most). */
export const MAX_LABELS = 64;
export const MAX_LABEL_KEY = 100;
export const MAX_LABEL_VALUE = 500;

export const nodeFacts = z.object({
  hostname: z.string().max(253),
  os: z.string().max(200),
  os_version: z.string().max(100).optional(),
  kernel: z.string().max(200),
  arch: z.string().max(50),
  cpus: z.number().int().nonnegative(),
  memory_bytes: z.number().nonnegative(),
  virtualization: z.string().max(100),
  container: z.string().max(100),
  labels: z
    .record(z.string().max(MAX_LABEL_KEY), z.string().max(MAX_LABEL_VALUE))
    .refine((l) => Object.keys(l).length <= MAX_LABELS, `at most ${MAX_LABELS} labels`)
    .default({}),
  capabilities: z.array(z.string().max(100)).max(100).default([]),
});
export type NodeFacts = z.infer<typeof nodeFacts>;

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
  config: z.record(z.string(), z.unknown()),
});
const request = z.object({
  t: z.literal('request'),
  id: z.string(),
  method: z.string(),
  params: z.unknown().optional(),
  timeout_ms: z.number().int().positive(),
});
const cancel = z.object({ t: z.literal('cancel'), id: z.string() });
const configUpdate = z.object({ t: z.literal('config.update'), config: z.record(z.string(), z.unknown()) });
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
