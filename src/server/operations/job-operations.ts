import { scheduleJob, usesRepository, type JobType } from '../../protocol/jobs.ts';
import type { AgentFrame } from '../../protocol/link-frames.ts';
import { roleAtLeast } from '../../protocol/api/roles.ts';
import { SYSTEM, type Actor } from '../actor.ts';

/** The server itself, or a user (or API key) with the admin role. */
const isAdmin = (a: Actor) =>
  a.kind === 'system' || ('role' in a && a.role !== null && roleAtLeast(a.role, 'admin'));
import { AppError } from '../errors.ts';
import type { JobsService } from '../jobs/jobs-service.ts';
import type { NodeRepositories } from '../nodes/node-repositories.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { SchedulesService } from '../schedules/schedules-service.ts';

/**
 * Work on hosts: a job asked for by a person, a source group backed up now, a schedule run now, the
 * repository initialised; and what the link reports about jobs.
 */
export function createJobOperations(deps: {
  jobs: JobsService;
  nodes: NodesService;
  repositories: NodeRepositories;
  schedules: SchedulesService;
}) {
  const { jobs, nodes, repositories, schedules } = deps;

  /** Initialise (or detect) the host's repository with a restic.init job; null when it has none. */
  async function initRepository(actor: Actor, hostId: string): Promise<string | null> {
    if (!(await repositories.hasRepository(hostId))) return null;
    await repositories.setRepoStatus(hostId, 'initializing');
    return (await jobs.create(actor, hostId, 'restic.init', {})).id;
  }

  return {
    async createJob(actor: Actor, hostId: string, type: JobType, params: Record<string, unknown>) {
      await nodes.getAgentHost(hostId);
      // Restoring over the originals can replace any file of the host: the admin's call, not an operator's.
      if (type === 'restic.restore' && params.in_place === true && !isAdmin(actor))
        throw new AppError(
          'FORBIDDEN',
          'only an admin may restore over the original files (in_place); restore to a fresh directory instead',
        );
      // Initialising and unlocking are how a repository gets ready; every other restic job needs it ready.
      if (usesRepository(type))
        await repositories.requireRepository(
          hostId,
          type === 'restic.init' || type === 'restic.unlock' ? 'set' : 'ready',
        );
      return jobs.create(actor, hostId, type, params);
    },
    async backupGroupNow(actor: Actor, hostId: string, groupId: string) {
      await nodes.getAgentHost(hostId);
      await repositories.requireRepository(hostId);
      const job = scheduleJob('backup', await schedules.group(hostId, groupId));
      return jobs.create(actor, hostId, job.type, job.params);
    },
    /** Run a schedule's job now, through the server (it waits if the host is offline). */
    async runScheduleNow(actor: Actor, hostId: string, scheduleId: string) {
      await nodes.getAgentHost(hostId);
      const s = await schedules.schedule(hostId, scheduleId);
      await repositories.requireRepository(hostId);
      const job = scheduleJob(s.action, await schedules.group(hostId, s.source_group_id));
      return jobs.create(actor, hostId, job.type, job.params, { scheduleId: s.id });
    },
    /** Probe the repository again on request; 409 when the host has none. */
    async probeRepository(actor: Actor, hostId: string) {
      await nodes.getHost(hostId);
      const jobId = await initRepository(actor, hostId);
      if (!jobId) throw new AppError('REPOSITORY_MISSING', 'this host has no backup repository configured');
      return jobId;
    },
    /** A node came online: a repository it was given but never initialised (as welcome found it) is initialised now. */
    async nodeOnline(nodeId: string, repositoryUninitialised: boolean) {
      if (repositoryUninitialised) await initRepository(SYSTEM, nodeId);
    },
    /** Job frames and refusals from a node's link. */
    async agentFrame(nodeId: string, frame: AgentFrame) {
      if (frame.t === 'reply') {
        if (!frame.ok)
          await jobs.rejectStart(nodeId, frame.id, frame.error?.message ?? 'the agent refused the job');
        return;
      }
      if (frame.t !== 'hello' && frame.t !== 'heartbeat') await jobs.onFrame(nodeId, frame);
    },
  };
}
export type JobOperations = ReturnType<typeof createJobOperations>;
