import { z } from 'zod';

/**
 * A path a node backs up: absolute (POSIX, or a Windows drive path), so it can never be read as a restic option
 * such as `-rf`. The one rule for source groups and a token's initial paths alike.
 */
export const backupPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path');

/** restic's keep_* counts. */
export const RETENTION_KEYS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
/** A duration as restic's `--keep-within` takes it (years, months, days, hours): `30d`, `6m`, `1y2m3d4h`. */
export const resticDuration = z
  .string()
  .regex(/^(?:\d{1,5}[ymdh]){1,4}$/, 'must be a restic duration such as 30d, 6m or 1y2m3d4h');
/** A restic tag: letters, digits, dot, dash, underscore, colon and equals; never an option. */
export const resticTag = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[A-Za-z0-9_.:=@+][A-Za-z0-9_.:=@+-]*$/,
    'must be letters, digits or ._:=@+- and not start with "-"',
  );
/**
 * restic's retention policy of a source group or plan: keep_* counts, `keep_within` (everything younger than a
 * duration) and `keep_tags` (every snapshot with one of these tags).
 */
export const retentionPolicy = z
  .object({
    ...(Object.fromEntries(
      RETENTION_KEYS.map((k) => [`keep_${k}`, z.number().int().min(1).max(100_000).optional()]),
    ) as Record<`keep_${(typeof RETENTION_KEYS)[number]}`, z.ZodOptional<z.ZodNumber>>),
    keep_within: resticDuration.optional(),
    keep_tags: z.array(resticTag).max(20).optional(),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof retentionPolicy>;

/** A hook's name: an executable in the agent's hooks directory, never a path or a command line. */
export const hookName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be a file name in the hooks directory (letters, digits, ._-)',
  );

/** How much of the data `restic check --read-data-subset` reads: `10%`, `1/7` or a size such as `500M`. */
export const readDataSubset = z
  .string()
  .regex(
    /^(?:\d{1,3}(?:\.\d{1,3})?%|\d{1,5}\/\d{1,5}|\d{1,6}[KMGT]?)$/,
    'must be a percentage (10%), a part (1/7) or a size (500M)',
  );

/** A file name whose presence excludes its directory (`--exclude-if-present`). */
const presenceFile = z
  .string()
  .min(1)
  .max(255)
  .refine((f) => !f.startsWith('-') && !f.includes('/'), 'must be a file name, not a path or an option');

/** What a backup does beyond its paths: restic's exclude switches, hooks, and what follows it. */
export const backupOptions = z.object({
  exclude_caches: z.boolean().optional(),
  exclude_if_present: z.array(presenceFile).max(20).optional(),
  one_file_system: z.boolean().optional(),
  /** Hooks run before and after the backup, by name, from the agent's hooks directory. */
  hooks: z
    .object({ before: z.array(hookName).max(10).optional(), after: z.array(hookName).max(10).optional() })
    .optional(),
  /** Tags every snapshot gets besides the group's own. */
  tags: z.array(resticTag).max(20).optional(),
  /** false: a backup applies no retention (a shared repository's is applied once, by its prune schedule). */
  forget_after_backup: z.boolean().optional(),
  /** false: the retention a backup applies forgets snapshots without pruning (a prune schedule reclaims space). */
  prune_after_backup: z.boolean().optional(),
  /** How much data a check reads (`--read-data-subset`); none: only the structure. */
  read_data_subset: readDataSubset.optional(),
});
export type BackupOptions = z.infer<typeof backupOptions>;

/** A source group as the agent receives it. */
export const sourceGroupSpec = z.object({
  id: z.string(),
  name: z.string(),
  paths: z.array(z.string()),
  excludes: z.array(z.string()),
  retention: retentionPolicy,
  tag: z.string(),
  /** Added with backup plans; an older server sends none. */
  options: backupOptions.catch({}).default({}),
});
export type SourceGroupSpec = z.infer<typeof sourceGroupSpec>;

export const SCHEDULE_ACTIONS = ['backup', 'forget', 'check'] as const;
export type ScheduleActionName = (typeof SCHEDULE_ACTIONS)[number];

/** A schedule as the agent receives it in its link configuration (`config.schedules`). */
export const scheduleSpec = z.object({
  id: z.string(),
  action: z.enum(SCHEDULE_ACTIONS),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  group: sourceGroupSpec,
  /** Seconds after each cron time the run starts: a plan spreads its nodes so they do not all start at once. */
  delay_seconds: z.number().int().min(0).max(86_400).catch(0).default(0),
});
export type ScheduleSpec = z.infer<typeof scheduleSpec>;

export const hasRetention = (r: RetentionPolicy) =>
  Object.entries(r).some(([k, v]) => v !== undefined && !(k === 'keep_tags' && (v as string[]).length === 0));
