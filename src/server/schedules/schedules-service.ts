import type { AuditAction } from '../../protocol/api/audit.ts';
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { ScheduleView, SourceGroupView } from '../../protocol/api/views.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { ScheduleAction, SchedulesTable, SourceGroupsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Repos, Store } from '../repos/store.ts';
import { scheduleJob } from '../../protocol/jobs.ts';
import type {
  BackupOptions,
  RetentionPolicy,
  ScheduleSpec,
  SourceGroupSpec,
} from '../../protocol/schedules.ts';

export interface SourceGroupInput {
  name: string;
  paths: string[];
  excludes: string[];
  retention: RetentionPolicy;
  options?: BackupOptions;
  tag?: string;
  overdue_after_hours?: number | null;
}
export interface ScheduleInput {
  source_group_id: string;
  action: ScheduleAction;
  cron: string;
  timezone: string;
  enabled: boolean;
}

/** A tag restic accepts and the name can derive: letters, digits, dot, dash, underscore. */
export const tagFromName = (name: string) =>
  `muster-${
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'group'
  }`;

/** Check a cron expression and time zone together; the message says which part is wrong. */
export function validateCron(cron: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin)`,
    );
  }
  let next: Date | null;
  try {
    next = new Cron(cron, { timezone, paused: true }).nextRun();
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `invalid cron expression "${cron}": ${(err as Error).message}`);
  }
  if (!next) throw new AppError('VALIDATION_FAILED', `cron expression "${cron}" never fires`);
}

/** The next `n` fire times, ISO 8601 in UTC. */
export function nextRuns(cron: string, timezone: string, n: number, from: number): string[] {
  return new Cron(cron, { timezone, paused: true }).nextRuns(n, new Date(from)).map((d) => d.toISOString());
}

export const presentGroup = (g: SourceGroupsTable): SourceGroupView & SourceGroupSpec => ({
  id: g.id,
  host_id: g.node_id,
  name: g.name,
  paths: JSON.parse(g.paths) as string[],
  excludes: JSON.parse(g.excludes) as string[],
  retention: JSON.parse(g.retention) as RetentionPolicy,
  tag: g.tag,
  options: JSON.parse(g.options) as BackupOptions,
  plan_id: g.plan_id,
  overdue_after_hours: g.overdue_after_hours,
  created_at: g.created_at,
  updated_at: g.updated_at,
});

/** What the agent gets as `config.schedules`, of a node's rows (oldest schedule first): each with its group inlined. */
export function scheduleSpecs(schedules: SchedulesTable[], groups: SourceGroupsTable[]): ScheduleSpec[] {
  const byId = new Map(groups.map((g) => [g.id, presentGroup(g)]));
  return schedules.flatMap((s) => {
    const g = byId.get(s.source_group_id);
    if (!g) return [];
    const { id, name, paths, excludes, retention, tag, options } = g;
    return [
      {
        id: s.id,
        action: s.action,
        cron: s.cron,
        timezone: s.timezone,
        enabled: s.enabled === 1,
        delay_seconds: s.delay_seconds,
        group: { id, name, paths, excludes, retention, tag, options },
      },
    ];
  });
}

/** Backup source groups and schedules of a host, and the schedule list the agent receives. Every change is audited. */
export function createSchedulesService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const repo = store.repos.schedules;

  async function group(nodeId: string, id: string) {
    const g = await repo.findGroup(nodeId, id);
    if (!g) throw new AppError('NOT_FOUND', `source group ${id} does not exist on host ${nodeId}`);
    return g;
  }
  /** What a backup plan gave the node changes with the plan (or the node's overrides of it), not here. */
  function own<T extends { plan_id: string | null }>(row: T, what: string): T {
    if (row.plan_id !== null)
      throw new AppError(
        'PLAN_MANAGED',
        `this ${what} comes from backup plan ${row.plan_id}; change the plan, or this node's overrides of it (PUT /api/nodes/{id}/backup-plan)`,
      );
    return row;
  }

  async function schedule(nodeId: string, id: string) {
    const s = await repo.findSchedule(nodeId, id);
    if (!s) throw new AppError('NOT_FOUND', `schedule ${id} does not exist on host ${nodeId}`);
    return s;
  }

  async function nameTaken(nodeId: string, name: string, except?: string) {
    if (await repo.groupNameTaken(nodeId, name, except))
      throw new AppError(
        'SOURCE_GROUP_NAME_TAKEN',
        `host ${nodeId} already has a source group named "${name}"`,
      );
  }

  /** Write a change and its audit record together. */
  const audited = (
    actor: Actor,
    nodeId: string,
    action: Extract<AuditAction, `schedule.${string}` | `source_group.${string}`>,
    id: string,
    write: (r: Repos) => Promise<unknown>,
  ) =>
    store.transaction(async (r) => {
      await write(r);
      const type = action.startsWith('schedule') ? 'schedule' : 'source_group';
      await r.audit.record(actor, action, { type, id }, { host_id: nodeId });
    });

  const presentSchedule = (s: SchedulesTable): ScheduleView => ({
    id: s.id,
    host_id: s.node_id,
    source_group_id: s.source_group_id,
    action: s.action,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled === 1,
    delay_seconds: s.delay_seconds,
    plan_id: s.plan_id,
    next_runs:
      s.enabled === 1
        ? nextRuns(s.cron, s.timezone, 3, clock.now() - s.delay_seconds * 1000).map((t) =>
            new Date(Date.parse(t) + s.delay_seconds * 1000).toISOString(),
          )
        : [],
    warning: null,
    created_at: s.created_at,
    updated_at: s.updated_at,
  });

  return {
    group: async (nodeId: string, id: string) => presentGroup(await group(nodeId, id)),
    schedule: async (nodeId: string, id: string) => presentSchedule(await schedule(nodeId, id)),
    listGroups: async (nodeId: string) => (await repo.listGroups(nodeId)).map(presentGroup),

    async createGroup(actor: Actor, nodeId: string, input: SourceGroupInput) {
      await nameTaken(nodeId, input.name);
      const now = clock.now();
      const row: SourceGroupsTable = {
        id: randomUUID(),
        node_id: nodeId,
        name: input.name,
        paths: JSON.stringify(input.paths),
        excludes: JSON.stringify(input.excludes),
        retention: JSON.stringify(input.retention),
        tag: input.tag ?? tagFromName(input.name),
        overdue_after_hours: input.overdue_after_hours ?? null,
        options: JSON.stringify(input.options ?? {}),
        plan_id: null,
        created_at: now,
        updated_at: now,
      };
      await audited(actor, nodeId, 'source_group.created', row.id, (r) => r.schedules.insertGroup(row));
      return presentGroup(row);
    },

    async updateGroup(actor: Actor, nodeId: string, id: string, patch: Partial<SourceGroupInput>) {
      own(await group(nodeId, id), 'source group');
      if (patch.name !== undefined) await nameTaken(nodeId, patch.name, id);
      await audited(actor, nodeId, 'source_group.updated', id, (r) =>
        r.schedules.updateGroup(id, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.paths !== undefined ? { paths: JSON.stringify(patch.paths) } : {}),
          ...(patch.excludes !== undefined ? { excludes: JSON.stringify(patch.excludes) } : {}),
          ...(patch.retention !== undefined ? { retention: JSON.stringify(patch.retention) } : {}),
          ...(patch.options !== undefined ? { options: JSON.stringify(patch.options) } : {}),
          ...(patch.tag !== undefined ? { tag: patch.tag } : {}),
          ...(patch.overdue_after_hours !== undefined
            ? { overdue_after_hours: patch.overdue_after_hours }
            : {}),
          updated_at: clock.now(),
        }),
      );
      return presentGroup(await group(nodeId, id));
    },

    /** A group that schedules still use cannot go: the answer names them. */
    async deleteGroup(actor: Actor, nodeId: string, id: string) {
      own(await group(nodeId, id), 'source group');
      const users = await repo.schedulesUsingGroup(id);
      if (users.length)
        throw new AppError(
          'SOURCE_GROUP_IN_USE',
          `source group ${id} is used by schedule(s) ${users.join(', ')}; delete them first`,
        );
      await audited(actor, nodeId, 'source_group.deleted', id, (r) => r.schedules.deleteGroup(id));
    },

    listSchedules: async (nodeId: string) => (await repo.listSchedules(nodeId)).map(presentSchedule),

    async createSchedule(actor: Actor, nodeId: string, input: ScheduleInput) {
      own(await group(nodeId, input.source_group_id), 'source group');
      validateCron(input.cron, input.timezone);
      const now = clock.now();
      const row: SchedulesTable = {
        id: randomUUID(),
        node_id: nodeId,
        source_group_id: input.source_group_id,
        action: input.action,
        cron: input.cron,
        timezone: input.timezone,
        enabled: input.enabled ? 1 : 0,
        delay_seconds: 0,
        plan_id: null,
        created_at: now,
        updated_at: now,
      };
      await audited(actor, nodeId, 'schedule.created', row.id, (r) => r.schedules.insertSchedule(row));
      return presentSchedule(row);
    },

    async updateSchedule(actor: Actor, nodeId: string, id: string, patch: Partial<ScheduleInput>) {
      const current = own(await schedule(nodeId, id), 'schedule');
      if (patch.source_group_id !== undefined)
        own(await group(nodeId, patch.source_group_id), 'source group');
      validateCron(patch.cron ?? current.cron, patch.timezone ?? current.timezone);
      await audited(actor, nodeId, 'schedule.updated', id, (r) =>
        r.schedules.updateSchedule(id, {
          ...(patch.source_group_id !== undefined ? { source_group_id: patch.source_group_id } : {}),
          ...(patch.action !== undefined ? { action: patch.action } : {}),
          ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
          ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          updated_at: clock.now(),
        }),
      );
      return presentSchedule(await schedule(nodeId, id));
    },

    async deleteSchedule(actor: Actor, nodeId: string, id: string) {
      own(await schedule(nodeId, id), 'schedule');
      await audited(actor, nodeId, 'schedule.deleted', id, (r) => r.schedules.deleteSchedule(id));
    },

    /**
     * The job a run of this node's schedule is (its type and parameters come from the schedule and its group, never
     * from what an agent says), or null when the node has no such schedule.
     */
    async jobOf(nodeId: string, scheduleId: string) {
      const s = await repo.findSchedule(nodeId, scheduleId);
      const g = s && (await repo.findGroup(nodeId, s.source_group_id));
      return s && g ? scheduleJob(s.action, presentGroup(g)) : null;
    },

    /** What the agent gets as `config.schedules`: every schedule with its group inlined. */
    async specsFor(nodeId: string): Promise<ScheduleSpec[]> {
      const [schedules, groups] = await Promise.all([repo.listSchedules(nodeId), repo.listGroups(nodeId)]);
      return scheduleSpecs(schedules, groups);
    },
  };
}
export type SchedulesService = ReturnType<typeof createSchedulesService>;
