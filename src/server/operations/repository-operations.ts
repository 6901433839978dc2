import type { Actor } from '../actor.ts';
import type { BackupsService } from '../backups/backups-service.ts';
import type { JobsService } from '../jobs/jobs-service.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { NodeRepositories, RepositoryChange } from '../nodes/node-repositories.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { SchedulesService } from '../schedules/schedules-service.ts';
import type { HostConfig } from './host-config.ts';

/** How long the agent may take to list snapshots or a directory of one (a remote repository can be slow). */
export const REPOSITORY_QUERY_TIMEOUT_MS = 60_000;

/**
 * A node's backup repository: set, changed or removed (then initialised or probed through the link), what its
 * snapshots hold (asked of the agent, which runs restic).
 */
export function createRepositoryOperations(deps: {
  nodes: NodesService;
  repositories: NodeRepositories;
  jobs: JobsService;
  schedules: SchedulesService;
  backups: BackupsService;
  hostConfig: HostConfig;
  link: LinkPort;
}) {
  const { nodes, repositories, jobs, link } = deps;

  return {
    /**
     * Set or change the repository: sealed and audited, sent to the agent, then a restic.init job initialises it
     * (or finds it initialised): `initializing`, then `ready` or `init_failed` with restic's message.
     */
    async setRepository(actor: Actor, hostId: string, input: RepositoryChange) {
      await nodes.getAgentHost(hostId);
      await repositories.setRepository(actor, hostId, input);
      await deps.hostConfig.push(hostId);
      // The repository_set record is this change's one audit record; the init job follows from it.
      const job = await jobs.create(actor, hostId, 'restic.init', {}, { audited: false });
      return { host: await nodes.getHost(hostId), job_id: job.id };
    },

    /** Take the repository away (its data stays where it is); the host's schedules then show a warning. */
    async removeRepository(actor: Actor, hostId: string) {
      await nodes.getAgentHost(hostId);
      await repositories.setRepository(actor, hostId, null);
      await deps.hostConfig.push(hostId);
    },

    /** The repository's snapshots, newest first; `group` narrows them to a source group's tag. */
    async snapshots(hostId: string, filter: { tag?: string; group?: string; path?: string }) {
      await nodes.getAgentHost(hostId);
      await repositories.requireRepository(hostId);
      const groups = await deps.schedules.listGroups(hostId);
      const tag = filter.group ? (await deps.schedules.group(hostId, filter.group)).tag : filter.tag;
      const { snapshots } = await link.request(
        hostId,
        'backup.snapshots',
        {
          ...(tag ? { tag } : {}),
          ...(filter.path ? { path: filter.path } : {}),
          timeout_ms: REPOSITORY_QUERY_TIMEOUT_MS,
        },
        REPOSITORY_QUERY_TIMEOUT_MS + 5000,
      );
      return snapshots.map((s) => ({
        ...s,
        source_group: groups.find((g) => s.tags.includes(g.tag))?.name ?? null,
      }));
    },

    /** One directory level of a snapshot. */
    async files(hostId: string, snapshot: string, path: string) {
      await nodes.getAgentHost(hostId);
      await repositories.requireRepository(hostId);
      return link.request(
        hostId,
        'backup.files',
        { snapshot, path, timeout_ms: REPOSITORY_QUERY_TIMEOUT_MS },
        REPOSITORY_QUERY_TIMEOUT_MS + 5000,
      );
    },
  };
}
export type RepositoryOperations = ReturnType<typeof createRepositoryOperations>;
