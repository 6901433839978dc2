import type { Actor } from '../actor.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { ScheduleInput, SchedulesService, SourceGroupInput } from '../schedules/schedules-service.ts';

/**
 * A host's configuration as its agent receives it (in welcome, and as config.update after every change of its
 * backup plan), and the backup-plan changes that push it.
 */
export function createHostConfig(deps: { nodes: NodesService; schedules: SchedulesService; link: LinkPort }) {
  const { nodes, schedules, link } = deps;

  async function configFor(nodeId: string): Promise<Record<string, unknown>> {
    return { ...(await nodes.linkConfig(nodeId)), schedules: await schedules.specsFor(nodeId) };
  }
  /** Send the host its new configuration if it is connected, wherever (it gets it in welcome otherwise). */
  async function push(nodeId: string): Promise<void> {
    await link.send(nodeId, { t: 'config.update', config: await configFor(nodeId) });
  }
  /** Run a change of the host's plan, then push the result. */
  async function change<T>(nodeId: string, write: () => Promise<T>): Promise<T> {
    const result = await write();
    await push(nodeId);
    return result;
  }

  return {
    configFor,
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
      return change(hostId, () => schedules.createSchedule(actor, hostId, input));
    },
    updateSchedule: (actor: Actor, hostId: string, id: string, patch: Partial<ScheduleInput>) =>
      change(hostId, () => schedules.updateSchedule(actor, hostId, id, patch)),
    deleteSchedule: (actor: Actor, hostId: string, id: string) =>
      change(hostId, () => schedules.deleteSchedule(actor, hostId, id)),
  };
}
export type HostConfig = ReturnType<typeof createHostConfig>;
