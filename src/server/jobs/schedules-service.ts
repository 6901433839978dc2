import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { ScheduleAction, SchedulesTable, SourceGroupsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { RetentionPolicy, ScheduleSpec, SourceGroupSpec } from '../../protocol/schedules.ts';

export interface SourceGroupInput {
  name: string;
  paths: string[];
  excludes: string[];
  retention: RetentionPolicy;
  tag?: string;
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

export const presentGroup = (
  g: SourceGroupsTable,
): SourceGroupSpec & { host_id: string; created_at: number; updated_at: number } => ({
  id: g.id,
  host_id: g.node_id,
  name: g.name,
  paths: JSON.parse(g.paths) as string[],
  excludes: JSON.parse(g.excludes) as string[],
  retention: JSON.parse(g.retention) as RetentionPolicy,
  tag: g.tag,
  created_at: g.created_at,
  updated_at: g.updated_at,
});

/** Backup source groups and schedules of a host, and the schedule list the agent receives. */
export function createSchedulesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function group(nodeId: string, id: string) {
    const g = await db
      .selectFrom('source_groups')
      .selectAll()
      .where('id', '=', id)
      .where('node_id', '=', nodeId)
      .executeTakeFirst();
    if (!g) throw new AppError('NOT_FOUND', `source group ${id} does not exist on host ${nodeId}`);
    return g;
  }

  async function schedule(nodeId: string, id: string) {
    const s = await db
      .selectFrom('schedules')
      .selectAll()
      .where('id', '=', id)
      .where('node_id', '=', nodeId)
      .executeTakeFirst();
    if (!s) throw new AppError('NOT_FOUND', `schedule ${id} does not exist on host ${nodeId}`);
    return s;
  }

  async function nameTaken(nodeId: string, name: string, except?: string) {
    let q = db
      .selectFrom('source_groups')
      .select('id')
      .where('node_id', '=', nodeId)
      .where('name', '=', name);
    if (except) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst())
      throw new AppError('CONFLICT', `host ${nodeId} already has a source group named "${name}"`);
  }

  const presentSchedule = (s: SchedulesTable) => ({
    id: s.id,
    host_id: s.node_id,
    source_group_id: s.source_group_id,
    action: s.action,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled === 1,
    next_runs: s.enabled === 1 ? nextRuns(s.cron, s.timezone, 3, clock.now()) : [],
    created_at: s.created_at,
    updated_at: s.updated_at,
  });

  return {
    presentSchedule,
    group: async (nodeId: string, id: string) => presentGroup(await group(nodeId, id)),
    schedule: async (nodeId: string, id: string) => presentSchedule(await schedule(nodeId, id)),

    listGroups: async (nodeId: string) =>
      (
        await db
          .selectFrom('source_groups')
          .selectAll()
          .where('node_id', '=', nodeId)
          .orderBy('name')
          .execute()
      ).map(presentGroup),

    async createGroup(nodeId: string, input: SourceGroupInput) {
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
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('source_groups').values(row).execute();
      return presentGroup(row);
    },

    async updateGroup(nodeId: string, id: string, patch: Partial<SourceGroupInput>) {
      await group(nodeId, id);
      if (patch.name !== undefined) await nameTaken(nodeId, patch.name, id);
      await db
        .updateTable('source_groups')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.paths !== undefined ? { paths: JSON.stringify(patch.paths) } : {}),
          ...(patch.excludes !== undefined ? { excludes: JSON.stringify(patch.excludes) } : {}),
          ...(patch.retention !== undefined ? { retention: JSON.stringify(patch.retention) } : {}),
          ...(patch.tag !== undefined ? { tag: patch.tag } : {}),
          updated_at: clock.now(),
        })
        .where('id', '=', id)
        .execute();
      return presentGroup(await group(nodeId, id));
    },

    /** A group that schedules still use cannot go: the answer names them. */
    async deleteGroup(nodeId: string, id: string) {
      await group(nodeId, id);
      const users = await db.selectFrom('schedules').select('id').where('source_group_id', '=', id).execute();
      if (users.length)
        throw new AppError(
          'CONFLICT',
          `source group ${id} is used by schedule(s) ${users.map((u) => u.id).join(', ')}; delete them first`,
        );
      await db.deleteFrom('source_groups').where('id', '=', id).execute();
    },

    listSchedules: async (nodeId: string) =>
      (
        await db
          .selectFrom('schedules')
          .selectAll()
          .where('node_id', '=', nodeId)
          .orderBy('created_at')
          .execute()
      ).map(presentSchedule),

    async createSchedule(nodeId: string, input: ScheduleInput) {
      await group(nodeId, input.source_group_id);
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
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('schedules').values(row).execute();
      return presentSchedule(row);
    },

    async updateSchedule(nodeId: string, id: string, patch: Partial<ScheduleInput>) {
      const current = await schedule(nodeId, id);
      if (patch.source_group_id !== undefined) await group(nodeId, patch.source_group_id);
      validateCron(patch.cron ?? current.cron, patch.timezone ?? current.timezone);
      await db
        .updateTable('schedules')
        .set({
          ...(patch.source_group_id !== undefined ? { source_group_id: patch.source_group_id } : {}),
          ...(patch.action !== undefined ? { action: patch.action } : {}),
          ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
          ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          updated_at: clock.now(),
        })
        .where('id', '=', id)
        .execute();
      return presentSchedule(await schedule(nodeId, id));
    },

    async deleteSchedule(nodeId: string, id: string) {
      await schedule(nodeId, id);
      await db.deleteFrom('schedules').where('id', '=', id).execute();
    },

    /** What the agent gets as `config.schedules`: every schedule with its group inlined. */
    async specsFor(nodeId: string): Promise<ScheduleSpec[]> {
      const [schedules, groups] = await Promise.all([
        db.selectFrom('schedules').selectAll().where('node_id', '=', nodeId).execute(),
        db.selectFrom('source_groups').selectAll().where('node_id', '=', nodeId).execute(),
      ]);
      const byId = new Map(groups.map((g) => [g.id, presentGroup(g)]));
      return schedules.flatMap((s) => {
        const g = byId.get(s.source_group_id);
        if (!g) return [];
        const { id, name, paths, excludes, retention, tag } = g;
        return [
          {
            id: s.id,
            action: s.action,
            cron: s.cron,
            timezone: s.timezone,
            enabled: s.enabled === 1,
            group: { id, name, paths, excludes, retention, tag },
          },
        ];
      });
    },
  };
}
export type SchedulesService = ReturnType<typeof createSchedulesService>;
