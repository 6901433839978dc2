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

/** restic's keep_* retention policy of a source group. */
export const RETENTION_KEYS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export const retentionPolicy = z
  .object(
    Object.fromEntries(
      RETENTION_KEYS.map((k) => [`keep_${k}`, z.number().int().min(1).max(100_000).optional()]),
    ) as Record<`keep_${(typeof RETENTION_KEYS)[number]}`, z.ZodOptional<z.ZodNumber>>,
  )
  .strict();
export type RetentionPolicy = z.infer<typeof retentionPolicy>;

/** A source group as the agent receives it. */
export const sourceGroupSpec = z.object({
  id: z.string(),
  name: z.string(),
  paths: z.array(z.string()),
  excludes: z.array(z.string()),
  retention: retentionPolicy,
  tag: z.string(),
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
});
export type ScheduleSpec = z.infer<typeof scheduleSpec>;

export const hasRetention = (r: RetentionPolicy) => Object.values(r).some((n) => n !== undefined);
