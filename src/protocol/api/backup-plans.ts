import { z } from 'zod';
import { BACKEND_ENV, sshPrivateKey } from '../repository-url.ts';
import { backupOptions, backupPath, readDataSubset, resticTag, retentionPolicy } from '../schedules.ts';

const ms = z.number().describe('milliseconds since the Unix epoch');
const cron = z.string().trim().min(1).max(100);
const timezone = z.string().min(1).max(100);

/** The placeholders a repository template may hold, filled in per node. */
export const TEMPLATE_FIELDS = ['hostname', 'node_id'] as const;

/** A plan's fields a node may set for itself (its overrides); the rest (name, scope, repository) are the plan's. */
export const planFields = z.object({
  paths: z.array(backupPath).min(1).max(100),
  excludes: z.array(z.string().min(1).max(4096)).max(200),
  exclude_caches: z.boolean(),
  exclude_if_present: backupOptions.shape.exclude_if_present.unwrap(),
  one_file_system: z.boolean(),
  tags: z.array(resticTag).max(20),
  schedule: z
    .object({
      cron,
      timezone: timezone.default('UTC'),
      spread_minutes: z
        .number()
        .int()
        .min(0)
        .max(24 * 60)
        .default(0)
        .describe('each node starts a fixed delay (0 to this many minutes, from its id) after the cron time'),
    })
    .strict(),
  retention: retentionPolicy,
  prune: z
    .object({ cron, timezone: timezone.default('UTC') })
    .strict()
    .nullable()
    .describe(
      'when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention',
    ),
  check: z
    .object({ cron, timezone: timezone.default('UTC'), read_data_subset: readDataSubset.optional() })
    .strict()
    .nullable()
    .describe('when to run restic check (and how much data it reads); null: never'),
  limits: z
    .object({
      upload_kib: z.number().int().positive().max(10_000_000).optional(),
      download_kib: z.number().int().positive().max(10_000_000).optional(),
    })
    .strict()
    .describe('bandwidth limits of every restic run, KiB/s'),
  hooks: z
    .object({
      before: backupOptions.shape.hooks.unwrap().shape.before,
      after: backupOptions.shape.hooks.unwrap().shape.after,
    })
    .strict()
    .describe("executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d)"),
});
export type PlanFields = z.infer<typeof planFields>;
export const PLAN_FIELD_NAMES = Object.keys(planFields.shape) as (keyof PlanFields)[];

/** Every backend variable any backend takes; a plan's are checked against its template's backend. */
const ENV_NAMES = [...new Set(Object.values(BACKEND_ENV).flat())];

export const planRepositoryInput = z
  .object({
    template: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .describe('restic location with {hostname} and {node_id} filled in per node: /srv/restic/{hostname}'),
    password: z
      .string()
      .min(8)
      .max(1024)
      .optional()
      .describe(
        "the repositories' password; default: one generated and sealed per node (per plan for a shared repository)",
      ),
    env: z
      .record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string())
      .optional()
      .describe(`the backend's credentials, as restic reads them: ${ENV_NAMES.join(', ')}`),
    ssh_key: sshPrivateKey.optional().describe('for sftp: templates, the private key ssh authenticates with'),
  })
  .strict();

/** A second repository every node's snapshots are copied to (restic copy), on a schedule the server keeps. */
export const planCopyInput = z
  .object({
    cron,
    timezone: timezone.default('UTC'),
    template: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .describe('like repository.template: {hostname} and {node_id} per node'),
    password: z
      .string()
      .min(8)
      .max(1024)
      .optional()
      .describe('default: generated per node (per plan when shared)'),
    env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).optional(),
  })
  .strict();

/** A plan as it is created (POST /api/backup-plans). */
export const planCreateBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    room_id: z.string().min(1).max(100).optional(),
    space_id: z.string().min(1).max(100).optional(),
    paths: planFields.shape.paths,
    excludes: planFields.shape.excludes.default([]),
    exclude_caches: z.boolean().default(false),
    exclude_if_present: planFields.shape.exclude_if_present.default([]),
    one_file_system: z.boolean().default(false),
    tags: planFields.shape.tags.default([]),
    schedule: planFields.shape.schedule,
    retention: retentionPolicy.default({}),
    prune: planFields.shape.prune.optional(),
    check: planFields.shape.check.default(null),
    limits: planFields.shape.limits.default({}),
    hooks: planFields.shape.hooks.default({}),
    repository: planRepositoryInput,
    copy: planCopyInput
      .nullable()
      .default(null)
      .describe('copy every snapshot to a second repository (3-2-1); null: none'),
  })
  .strict();
export type PlanCreateBody = z.infer<typeof planCreateBody>;

/** A change of a plan: any field; the repository's password, variables and key stay unless given. */
export const planPatchBody = planFields
  .partial()
  .extend({
    name: planCreateBody.shape.name.optional(),
    repository: planRepositoryInput.partial().optional(),
    copy: planCopyInput.nullable().optional(),
  })
  .strict();

/** A node's overrides: the plan fields it sets itself (null removes all). */
export const planOverridesBody = z.object({ overrides: planFields.partial().strict().nullable() }).strict();

export const backupPlanView = z.object({
  id: z.string(),
  name: z.string(),
  space_id: z.string(),
  room_id: z.string().nullable().describe('the room the plan is attached to; null: the whole space'),
  ...planFields.shape,
  repository: z.object({
    template: z.string(),
    shared: z
      .boolean()
      .describe('true when every node uses the same repository (no {hostname} or {node_id})'),
    password_set: z.boolean(),
    env_names: z.array(z.string()).describe('names of the credentials set; their values are never shown'),
    ssh_key_set: z.boolean(),
  }),
  copy: z
    .object({
      cron: z.string(),
      timezone: z.string(),
      template: z.string(),
      password_set: z.boolean(),
      env_names: z.array(z.string()),
      last_run_at: ms.nullable(),
    })
    .nullable(),
  node_count: z.number().describe('nodes the plan applies to now'),
  repository_size: z
    .number()
    .describe(
      "what the plan's repositories store, after deduplication (each counted once; their last statistics)",
    ),
  queue: z
    .array(
      z.object({
        job_id: z.string(),
        node_id: z.string(),
        hostname: z.string(),
        type: z.string(),
        state: z.string(),
        created_at: ms,
      }),
    )
    .describe(
      "restic jobs of the plan's nodes that wait to start or run, oldest first (a job waiting for another node's lock on a shared repository runs and says so in its log)",
    ),
  created_at: ms,
  updated_at: ms,
});
export type BackupPlanView = z.infer<typeof backupPlanView>;

export const FIELD_ORIGINS = ['plan', 'node', 'default'] as const;
export const effectivePlanView = z.object({
  plan: z.object({ id: z.string(), name: z.string(), room_id: z.string().nullable() }).nullable(),
  fields: planFields.partial().describe("the plan's fields with the node's overrides applied"),
  origins: z.record(z.string(), z.enum(FIELD_ORIGINS)).describe('where each field comes from'),
  overrides: planFields.partial().nullable(),
  repository: z.object({
    location: z.string().nullable(),
    origin: z
      .enum(['plan', 'node', 'none'])
      .describe("plan: made from the plan's template; node: set on the node by hand"),
  }),
  spread_seconds: z.number().describe("this node's delay after each backup cron time"),
  also_matching: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .describe(
      "other plans of its rooms or space that do not apply (a node follows one plan: its rooms' first, else its space's)",
    ),
});
export type EffectivePlanView = z.infer<typeof effectivePlanView>;

export const BACKUP_STATES = ['ok', 'failing', 'overdue', 'never', 'unprotected'] as const;
export const fleetBackupRow = z.object({
  node_id: z.string(),
  hostname: z.string(),
  status: z.string(),
  plan_id: z.string().nullable(),
  plan: z.string().nullable(),
  state: z.enum(BACKUP_STATES),
  last_success_at: ms.nullable(),
  data_added: z.number().nullable(),
  bytes_total: z.number().nullable(),
  duration_ms: z.number().nullable(),
  last_failure_at: ms.nullable(),
  last_failure_reason: z.string().nullable(),
  next_run_at: ms.nullable(),
  repository: z.string().nullable(),
  repository_size: z.number().nullable().describe('stored bytes, after deduplication (the last stats read)'),
});
export const fleetBackupsView = z.object({
  totals: z.object({
    nodes: z.number(),
    protected: z.number().describe('nodes with a successful backup that is not overdue'),
    bytes_protected: z.number().describe('the size of what their last successful backups covered'),
    failing: z.number(),
    overdue: z.number(),
  }),
  nodes: z.array(fleetBackupRow),
});
export type FleetBackupsView = z.infer<typeof fleetBackupsView>;

export const repositoryStatsView = z.object({
  total_size: z.number().nullable(),
  total_file_count: z.number().nullable(),
  raw_size: z.number().nullable(),
  blob_count: z.number().nullable(),
  snapshot_count: z.number(),
  locks: z.number(),
  dedup_ratio: z.number().nullable().describe('total_size / raw_size'),
  last_check: z
    .object({ job_id: z.string(), state: z.string(), finished_at: ms, error: z.string().nullable() })
    .nullable(),
  read_at: ms,
  cached: z.boolean().describe('true when the node is offline and this is the last reading'),
});
export type RepositoryStatsView = z.infer<typeof repositoryStatsView>;
