import { z } from 'zod';
import type { JobType } from './jobs.ts';

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

/**
 * The job a schedule (or its "run now") runs. A backup also applies the group's retention
 * afterwards (restic forget --prune limited to the group's tag) when the group has one.
 */
export function scheduleJob(
  action: ScheduleActionName,
  group: SourceGroupSpec,
): { type: JobType; params: Record<string, unknown> } {
  switch (action) {
    case 'backup':
      return {
        type: 'restic.backup',
        params: {
          source_group_id: group.id,
          paths: group.paths,
          excludes: group.excludes,
          tags: [group.tag],
          ...(hasRetention(group.retention) ? { retention: group.retention } : {}),
        },
      };
    case 'forget':
      return {
        type: 'restic.forget',
        params: { source_group_id: group.id, tags: [group.tag], ...group.retention },
      };
    case 'check':
      return { type: 'restic.check', params: { source_group_id: group.id } };
  }
}
