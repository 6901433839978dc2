import { z } from 'zod';
import {
  backupOptions,
  backupPath,
  hasRetention,
  retentionPolicy,
  type ScheduleActionName,
  type SourceGroupSpec,
} from './schedules.ts';

/** Job types an agent may run; `shell` runs only where the agent's own config enables it. */
export const JOB_TYPES = [
  'system.probe',
  'restic.init',
  'restic.backup',
  'restic.snapshots',
  'restic.forget',
  'restic.prune',
  'restic.copy',
  'restic.check',
  'restic.unlock',
  'restic.restore',
  'shell',
  'agent.update',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** Set on jobs a source group or schedule made, so their runs can be traced back to it. */
const fromGroup = { source_group_id: z.string().max(100).optional() };
const tags = z.array(z.string().min(1).max(100)).max(50);

/** A snapshot as restic names it: its id (8 to 64 hex digits, the short form or whole) or `latest`. */
export const snapshotRef = z
  .string()
  .regex(/^(?:[0-9a-f]{8,64}|latest)$/, 'must be a snapshot id (8 to 64 hex digits) or "latest"');

/** An absolute path that restic can never read as an option. */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith('-'), 'must not start with "-"')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path');

/** `/a/./b//c/../d/` as `/a/b/d`: the path a POSIX system would open (this module also runs in the browser). */
export function normalizeAbsolute(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/'))
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  return `/${parts.join('/')}`;
}

/**
 * An absolute path in its plain form (`/tmp/..` is `/`, `/srv/./x/` is `/srv/x`), so that what is checked is what
 * is used. A Windows path keeps its form but may not climb with `..`.
 */
const plainPath = absolutePath
  .transform((p) => (p.startsWith('/') ? normalizeAbsolute(p) : p))
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'must not contain ".."');

/** Restore: what (a snapshot, optionally only some paths in it) and where (never over the originals unless asked). */
export const restoreParams = z
  .object({
    snapshot: snapshotRef,
    include: z
      .array(plainPath)
      .max(100)
      .optional()
      .describe('paths in the snapshot to restore (a file or a directory each); default: all of it'),
    target: plainPath
      .optional()
      .describe(
        "directory to restore into (the snapshot's paths are recreated below it); default: a fresh directory under the agent's state directory",
      ),
    in_place: z
      .boolean()
      .optional()
      .describe('restore over the original files (target /); must be asked for explicitly'),
  })
  .refine((p) => !(p.in_place && p.target !== undefined), {
    message: 'give either target or in_place, not both',
    path: ['target'],
  })
  .refine((p) => p.in_place === true || !/^(?:\/+|[A-Za-z]:[\\/]?)$/.test(p.target ?? 'x'), {
    message: 'a target of / restores over the original files; set in_place: true to do that',
    path: ['target'],
  });

/**
 * The parameters of each job type: the server validates a job against them, the agent parses what it is asked
 * to run with them, and the web UI builds its form from them. Unknown fields are dropped.
 */
export const JOB_PARAMS = {
  'system.probe': z.object({}),
  'restic.init': z.object(fromGroup),
  'restic.backup': z.object({
    ...fromGroup,
    paths: z.array(backupPath).max(200).optional().describe('default: the initial paths given at enrollment'),
    excludes: z.array(z.string().min(1).max(4096)).max(200).optional(),
    tags: tags.optional(),
    retention: retentionPolicy
      .optional()
      .describe('applied after a successful backup (restic forget, with --prune unless prune is false)'),
    prune: z.boolean().optional().describe('prune after applying the retention (default true)'),
    exclude_caches: backupOptions.shape.exclude_caches,
    exclude_if_present: backupOptions.shape.exclude_if_present,
    one_file_system: backupOptions.shape.one_file_system,
    hooks: backupOptions.shape.hooks.describe(
      "executables in the agent's hooks directory, run before and after the backup (a failing one fails it)",
    ),
  }),
  'restic.snapshots': z.object(fromGroup),
  'restic.forget': z.object({
    ...fromGroup,
    ...retentionPolicy.shape,
    tags: tags.optional(),
    prune: z.boolean().optional(),
    snapshot_ids: z
      .array(z.string().regex(/^[0-9a-f]{8,64}$/, 'must be a snapshot id (8 to 64 hex digits)'))
      .max(100)
      .optional()
      .describe('forget exactly these snapshots (instead of a retention policy)'),
  }),
  'restic.prune': z.object(fromGroup),
  'restic.copy': z.object(fromGroup),
  'restic.check': z.object({ ...fromGroup, read_data_subset: backupOptions.shape.read_data_subset }),
  'restic.unlock': z.object({
    remove_all: z
      .boolean()
      .optional()
      .describe("also remove locks that are not stale (another host's, or a running restic's)"),
  }),
  'restic.restore': restoreParams,
  shell: z.object({ command: z.string().min(1).max(100_000) }),
  // Made by the server from the executable it serves (POST /api/hosts/{id}/agent-update), not by hand.
  'agent.update': z.object({
    version: z.string().min(1).max(100),
    os: z.string().min(1).max(20),
    arch: z.string().min(1).max(20),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    size: z.number().int().positive(),
    force: z.boolean().optional(),
  }),
} satisfies Record<JobType, z.ZodType>;
export type JobParams<T extends JobType> = z.infer<(typeof JOB_PARAMS)[T]>;

/** Job types that work on the node's restic repository: they need one, ready, and run one at a time on it. */
export const usesRepository = (type: string) => type.startsWith('restic.');

/**
 * A job as asked for: its type and that type's parameters (optional, except a shell job's command). Agent updates
 * have their own route, which fills in the executable's checksum.
 */
export const jobRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('system.probe'), params: JOB_PARAMS['system.probe'].default({}) }),
  z.object({ type: z.literal('restic.init'), params: JOB_PARAMS['restic.init'].default({}) }),
  z.object({ type: z.literal('restic.backup'), params: JOB_PARAMS['restic.backup'].default({}) }),
  z.object({ type: z.literal('restic.snapshots'), params: JOB_PARAMS['restic.snapshots'].default({}) }),
  z.object({ type: z.literal('restic.forget'), params: JOB_PARAMS['restic.forget'].default({}) }),
  z.object({ type: z.literal('restic.prune'), params: JOB_PARAMS['restic.prune'].default({}) }),
  z.object({ type: z.literal('restic.copy'), params: JOB_PARAMS['restic.copy'].default({}) }),
  z.object({ type: z.literal('restic.check'), params: JOB_PARAMS['restic.check'].default({}) }),
  z.object({ type: z.literal('restic.unlock'), params: JOB_PARAMS['restic.unlock'].default({}) }),
  z.object({ type: z.literal('restic.restore'), params: JOB_PARAMS['restic.restore'] }),
  z.object({ type: z.literal('shell'), params: JOB_PARAMS.shell }),
]);
export type JobRequest = z.infer<typeof jobRequest>;

/** Parse a job's parameters for its type; the message names the field that is wrong. */
export function parseJobParams<T extends JobType>(
  type: T,
  params: unknown,
): { ok: true; params: JobParams<T> } | { ok: false; message: string } {
  const r = JOB_PARAMS[type].safeParse(params ?? {});
  if (r.success) return { ok: true, params: r.data as JobParams<T> };
  const issue = r.error.issues[0]!;
  return { ok: false, message: `${type} params.${issue.path.join('.')}: ${issue.message}` };
}

/**
 * The job a schedule (or its "run now") runs. A backup also applies the group's retention afterwards (restic forget
 * limited to the group's tag, pruning unless the group leaves that to a prune schedule) when the group has one.
 */
export function scheduleJob(
  action: ScheduleActionName,
  group: SourceGroupSpec,
): { type: JobType; params: Record<string, unknown> } {
  const o = group.options ?? {};
  switch (action) {
    case 'backup':
      return {
        type: 'restic.backup',
        params: {
          source_group_id: group.id,
          paths: group.paths,
          excludes: group.excludes,
          // The group's own tag first: its retention forgets only snapshots that carry it.
          tags: [group.tag, ...(o.tags ?? []).filter((t) => t !== group.tag)],
          ...(hasRetention(group.retention) && o.forget_after_backup !== false
            ? { retention: group.retention }
            : {}),
          ...(o.prune_after_backup === false ? { prune: false } : {}),
          ...(o.exclude_caches ? { exclude_caches: true } : {}),
          ...(o.exclude_if_present?.length ? { exclude_if_present: o.exclude_if_present } : {}),
          ...(o.one_file_system ? { one_file_system: true } : {}),
          ...(o.hooks?.before?.length || o.hooks?.after?.length ? { hooks: o.hooks } : {}),
        },
      };
    case 'forget':
      return {
        type: 'restic.forget',
        params: { source_group_id: group.id, tags: [group.tag], ...group.retention },
      };
    case 'check':
      return {
        type: 'restic.check',
        params: {
          source_group_id: group.id,
          ...(o.read_data_subset ? { read_data_subset: o.read_data_subset } : {}),
        },
      };
  }
}
