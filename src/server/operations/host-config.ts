import type { Actor } from '../actor.ts';
import { AppError } from '../errors.ts';
import type { BackupsService } from '../backups/backups-service.ts';
import type { BackupPlansService } from '../backups/backup-plans-service.ts';
import { SYSTEM } from '../actor.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { HostConfig as HostConfigShape } from '../../protocol/link-methods.ts';
import type { NodeRepositories } from '../nodes/node-repositories.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { SchedulesTable, SourceGroupsTable } from '../db/schema.ts';
import {
  scheduleSpecs,
  type ScheduleInput,
  type SchedulesService,
  type SourceGroupInput,
} from '../schedules/schedules-service.ts';

/**
 * A host's configuration as its agent receives it (in welcome, and as config.update after every change of its
 * backup plan), and the backup-plan changes that push it.
 */
export function createHostConfig(deps: {
  nodes: NodesService;
  repositories: NodeRepositories;
  schedules: SchedulesService;
  link: LinkPort;
  backups: BackupsService;
  plans: BackupPlansService;
}) {
  const { nodes, repositories, schedules, link } = deps;

  async function build(
    nodeId: string,
    limits?: HostConfigShape['limits'],
    rows?: { groups: SourceGroupsTable[]; schedules: SchedulesTable[] } | null,
  ): Promise<{ config: HostConfigShape; uninitialised: boolean }> {
    const { config, uninitialised } = await repositories.linkState(nodeId);
    return {
      config: {
        ...config,
        schedules: rows ? scheduleSpecs(rows.schedules, rows.groups) : await schedules.specsFor(nodeId),
        limits: limits ?? (await deps.plans.limitsFor(nodeId)),
      },
      uninitialised,
    };
  }
  /**
   * What the agent gets in welcome: its backup plan applied first (a node that joined a room, or was claimed into
   * one, since its last link gets the plan now; a new repository is initialised once it is online), and whether its
   * repository waits to be initialised. The groups and schedules the plan read are the ones sent.
   */
  async function welcome(nodeId: string): Promise<{ config: HostConfigShape; uninitialised: boolean }> {
    const applied = await deps.plans.apply(SYSTEM, nodeId);
    if (applied.changed) await deps.backups.refresh(nodeId);
    return build(nodeId, applied.limits, applied.rows);
  }
  /** Send the host its new configuration if it is connected, wherever (it gets it in welcome otherwise). */
  async function push(nodeId: string): Promise<void> {
    await link.send(nodeId, { t: 'config.update', config: (await build(nodeId)).config });
  }
  /** Run a change of the host's plan, then push the result; what is expected of its backups follows. */
  async function change<T>(nodeId: string, write: () => Promise<T>): Promise<T> {
    const result = await write();
    await push(nodeId);
    await deps.backups.refresh(nodeId);
    return result;
  }

  /** A schedule that will run (enabled) needs a repository restic can use, or it would fail at every run. */
  async function runnable(hostId: string, enabled: boolean | undefined) {
    if (enabled !== false) await repositories.requireRepository(hostId);
  }

  return {
    welcome,
    push,
    /** The host's schedules, each with a warning when its runs cannot succeed now (no ready repository). */
    async listSchedules(hostId: string) {
      await nodes.getHost(hostId);
      let warning: string | null = null;
      try {
        await repositories.requireRepository(hostId);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        warning = err.message;
      }
      return (await schedules.listSchedules(hostId)).map((s) => ({
        ...s,
        warning: s.enabled ? warning : null,
      }));
    },
    async createGroup(actor: Actor, hostId: string, input: SourceGroupInput) {
      await nodes.getAgentHost(hostId);
      return change(hostId, () => schedules.createGroup(actor, hostId, input));
    },
    updateGroup: (actor: Actor, hostId: string, id: string, patch: Partial<SourceGroupInput>) =>
      change(hostId, () => schedules.updateGroup(actor, hostId, id, patch)),
    deleteGroup: (actor: Actor, hostId: string, id: string) =>
      change(hostId, () => schedules.deleteGroup(actor, hostId, id)),
    async createSchedule(actor: Actor, hostId: string, input: ScheduleInput) {
      await nodes.getAgentHost(hostId);
      await runnable(hostId, input.enabled);
      return change(hostId, () => schedules.createSchedule(actor, hostId, input));
    },
    async updateSchedule(actor: Actor, hostId: string, id: string, patch: Partial<ScheduleInput>) {
      if (patch.enabled === true) await runnable(hostId, true);
      return change(hostId, () => schedules.updateSchedule(actor, hostId, id, patch));
    },
    deleteSchedule: (actor: Actor, hostId: string, id: string) =>
      change(hostId, () => schedules.deleteSchedule(actor, hostId, id)),
  };
}
export type HostConfig = ReturnType<typeof createHostConfig>;
