import { z } from 'zod';
import { snapshotRef } from './jobs.ts';
import { nodeFacts } from './link-facts.ts';
import { DATA_METHODS } from './node-data.ts';
import { scheduleSpec } from './schedules.ts';

/**
 * What the server may ask an agent over its link, and what the agent is configured with: one schema per method for
 * its parameters and one for its result, and the host configuration sent in `welcome` and `config.update`.
 *
 * Agents update themselves and lag behind the server, so both sides parse: the agent parses parameters (defaults
 * fill what an older server leaves out), the server parses every result (a field an older agent does not send is
 * optional here, a field a newer one adds is dropped). An unknown method is refused by the agent with the
 * `unknown_method` code; a result that does not parse is the server's `agent_answer_invalid` error.
 */

/** A node's backup repository as the agent uses it: restic's URL and, where needed, credentials. */
const copyTarget = z.object({
  repo_url: z.string().min(1).max(2048),
  repo_password: z.string().max(1024),
  env: z.record(z.string(), z.string()).optional(),
});
export const repositoryCredentials = z.object({
  repo_url: z.string().min(1).max(2048),
  repo_username: z.string().max(200).optional(),
  repo_password: z.string().max(1024).optional(),
  /** A second repository the node's snapshots are copied to (restic copy), from its backup plan. */
  copy: copyTarget.optional(),
  /** The backend's credentials as restic reads them from its environment (BACKEND_ENV), given only to restic. */
  env: z.record(z.string(), z.string()).optional(),
  /** For sftp:, the private key ssh authenticates with (written to a 0600 file in the agent's state directory). */
  ssh_key: z.string().max(16_384).optional(),
});
export type RepositoryCredentials = z.infer<typeof repositoryCredentials>;

/**
 * A host's configuration as its agent receives it. Each field falls back on its own, so a field an agent cannot
 * read does not take the others with it.
 */
export const hostConfig = z.object({
  /** Paths an enrollment token gave the node, backed up when a backup names none. */
  initial_paths: z.array(z.string().max(4096)).max(200).catch([]).default([]),
  /** The node's repository, absent when it has none. */
  repository: repositoryCredentials.optional().catch(undefined),
  /** The schedules the agent runs by itself. */
  schedules: z
    .array(z.unknown())
    .catch([])
    .default([])
    .transform((items) =>
      items.flatMap((item) => {
        const parsed = scheduleSpec.safeParse(item);
        return parsed.success ? [parsed.data] : [];
      }),
    ),
  /** Bandwidth limits for every restic run (KiB/s), from the node's backup plan. */
  limits: z
    .object({
      upload_kib: z.number().int().positive().optional(),
      download_kib: z.number().int().positive().optional(),
    })
    .catch({})
    .default({}),
});
export type HostConfig = z.infer<typeof hostConfig>;

/** Parse a host configuration, whatever was stored or sent: fields that do not parse fall back one by one. */
export function parseHostConfig(raw: unknown): HostConfig {
  const parsed = hostConfig.safeParse(raw);
  return parsed.success ? parsed.data : hostConfig.parse({});
}

const timeoutMs = z.number().int().positive().max(600_000).default(60_000);

/** One sampled series: `[unix seconds, value]` pairs, oldest first. */
const metricSeries = z.array(z.tuple([z.number(), z.number()]));

export const snapshotEntry = z.object({
  id: z.string(),
  short_id: z.string(),
  time: z.string(),
  hostname: z.string(),
  paths: z.array(z.string()),
  tags: z.array(z.string()),
});
export const fileEntry = z.object({
  name: z.string(),
  type: z.string(),
  path: z.string(),
  size: z.number().nullable(),
  mtime: z.string().nullable(),
});

/** How much of a download one request carries (base64 makes it a third larger on the link). */
export const DOWNLOAD_PART_BYTES = 512 * 1024;

/** A repository as restic sizes it. */
export const repositoryStats = z.object({
  /** What restoring every snapshot would write (restic stats, restore-size). */
  total_size: z.number().nullable(),
  total_file_count: z.number().nullable(),
  /** What the repository stores, after deduplication and compression (restic stats --mode raw-data). */
  raw_size: z.number().nullable(),
  blob_count: z.number().nullable(),
  snapshot_count: z.number(),
  /** Locks in the repository now (a stale one stops prune and check). */
  locks: z.number(),
});

/** The methods, each a pair of schemas (the model: a control-to-node request table with a handler per entry). */
export const LINK_METHODS = {
  /** The node's facts, read now. */
  facts: { params: z.object({}), result: nodeFacts },
  /** Samples from the agent's own memory. */
  metrics: {
    params: z.object({
      series: z.array(z.string().max(100)).max(100).catch([]).default([]),
      after: z.number().catch(0).default(0),
      points: z
        .number()
        .catch(300)
        .default(300)
        .transform((n) => Math.min(3600, Math.max(1, n))),
    }),
    result: z.object({ series: z.record(z.string(), metricSeries), history_seconds: z.number() }),
  },
  /** A node's chart contexts, points, alert instances and functions (src/protocol/node-data.ts). */
  ...DATA_METHODS,
  /** Start a job; its output follows as job frames. */
  'job.start': {
    params: z.object({
      job_id: z.string().max(100),
      type: z.string().max(100),
      params: z.record(z.string(), z.unknown()).catch({}).default({}),
    }),
    result: z.unknown(),
  },
  /** The repository's snapshots (optionally those with a tag or a path), newest first. */
  'backup.snapshots': {
    params: z.object({
      tag: z.string().min(1).max(200).optional(),
      path: z.string().min(1).max(4096).optional(),
      timeout_ms: timeoutMs,
    }),
    result: z.object({ snapshots: z.array(snapshotEntry) }),
  },
  /** One directory level of a snapshot. */
  'backup.files': {
    params: z.object({
      snapshot: snapshotRef,
      path: z
        .string()
        .min(1)
        .max(4096)
        .refine((p) => p.startsWith('/'), 'must be an absolute path'),
      timeout_ms: timeoutMs,
    }),
    result: z.object({
      snapshot: z.string(),
      path: z.string(),
      entries: z.array(fileEntry),
      truncated: z.boolean(),
    }),
  },
  /** The repository's size (restored and stored), snapshot count and locks. */
  'backup.stats': {
    params: z.object({ timeout_ms: timeoutMs }),
    result: repositoryStats,
  },
  /** What changed between two snapshots (`restic diff`). */
  'backup.diff': {
    params: z.object({ from: snapshotRef, to: snapshotRef, timeout_ms: timeoutMs }),
    result: z.object({
      changes: z.array(z.object({ path: z.string(), modifier: z.string() })),
      truncated: z.boolean(),
      stats: z.record(z.string(), z.unknown()).nullable(),
    }),
  },
  /** Where files matching a pattern are, across snapshots (`restic find`). */
  'backup.find': {
    params: z.object({
      pattern: z
        .string()
        .min(1)
        .max(1000)
        .refine((p) => !p.startsWith('-'), 'must not start with "-"'),
      snapshot: snapshotRef.optional(),
      timeout_ms: timeoutMs,
    }),
    result: z.object({
      matches: z.array(
        z.object({
          snapshot: z.string(),
          path: z.string(),
          type: z.string(),
          size: z.number().nullable(),
          mtime: z.string().nullable(),
        }),
      ),
      truncated: z.boolean(),
    }),
  },
  /**
   * A file (as it is) or a directory (as a tar or zip archive) from a snapshot, made ready on the node
   * (`restic dump`) up to `max_bytes`; its bytes are then read in parts with backup.download.read.
   */
  'backup.download.open': {
    params: z.object({
      snapshot: snapshotRef,
      path: z
        .string()
        .min(1)
        .max(4096)
        .refine((p) => p.startsWith('/'), 'must be an absolute path'),
      format: z.enum(['raw', 'tar', 'zip']),
      max_bytes: z.number().int().positive(),
      timeout_ms: timeoutMs,
    }),
    result: z.object({ download_id: z.string(), size: z.number() }),
  },
  'backup.download.read': {
    params: z.object({
      download_id: z.string().regex(/^[0-9a-f]{32}$/),
      offset: z.number().int().min(0),
      length: z.number().int().positive().max(DOWNLOAD_PART_BYTES),
    }),
    result: z.object({ data: z.string().describe('base64'), eof: z.boolean() }),
  },
  'backup.download.close': {
    params: z.object({ download_id: z.string().regex(/^[0-9a-f]{32}$/) }),
    result: z.object({}),
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type LinkMethod = keyof typeof LINK_METHODS;
/** What the server passes: defaults may be left out. */
export type LinkParamsIn<M extends LinkMethod> = z.input<(typeof LINK_METHODS)[M]['params']>;
/** What a handler on the agent receives, parsed. */
export type LinkParams<M extends LinkMethod> = z.output<(typeof LINK_METHODS)[M]['params']>;
export type LinkResult<M extends LinkMethod> = z.output<(typeof LINK_METHODS)[M]['result']>;

/** Whether a method name is one this build knows. */
export function isLinkMethod(method: string): method is LinkMethod {
  return Object.hasOwn(LINK_METHODS, method);
}

/** The codes an agent refuses a request with (`reply.error.code`). */
export const REFUSAL_CODES = [
  'unknown_method',
  'invalid_params',
  'refused',
  /** What the request names does not exist on the node (a chart context, a function). */
  'not_found',
  /** The answer would be larger than the link carries. */
  'too_large',
  /** The agent has too much to do; ask again shortly. */
  'busy',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** What an agent's handler answers: a result, or a refusal the server shows. */
export type LinkAnswer<R> = { ok: true; result: R } | { ok: false; message: string; code?: RefusalCode };

/** Every method's handler on the agent: a method without one does not compile. */
export type LinkMethodHandlers = {
  [M in LinkMethod]: (
    params: LinkParams<M>,
  ) => LinkAnswer<LinkResult<M>> | Promise<LinkAnswer<LinkResult<M>>>;
};

/**
 * Answer one request with the handler for its method: an unknown method and parameters that do not parse are
 * refused with their own codes, a handler that throws is refused with its message.
 */
export async function answerLinkRequest(
  handlers: LinkMethodHandlers,
  method: string,
  params: unknown,
): Promise<LinkAnswer<unknown>> {
  if (!isLinkMethod(method))
    return { ok: false, code: 'unknown_method', message: `method ${method} is not supported by this agent` };
  const parsed = LINK_METHODS[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      code: 'invalid_params',
      message: `${method}: ${first ? `${first.path.join('.') || 'params'} ${first.message}` : 'invalid parameters'}`,
    };
  }
  const handler = handlers[method] as (p: unknown) => LinkAnswer<unknown> | Promise<LinkAnswer<unknown>>;
  try {
    return await handler(parsed.data);
  } catch (err) {
    return { ok: false, code: 'refused', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Parse what an agent answered to `method`: the result, or why it does not match this server's schema. */
export function parseLinkResult<M extends LinkMethod>(
  method: M,
  raw: unknown,
): { ok: true; result: LinkResult<M> } | { ok: false; error: string } {
  const parsed = LINK_METHODS[method].result.safeParse(raw);
  if (parsed.success) return { ok: true, result: parsed.data as LinkResult<M> };
  const first = parsed.error.issues[0];
  return {
    ok: false,
    error: first ? `${first.path.join('.') || 'result'}: ${first.message}` : 'does not parse',
  };
}
