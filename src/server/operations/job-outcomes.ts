import type { BackupsService } from '../backups/backups-service.ts';
import type { JobsTable } from '../db/schema.ts';
import type { NodeRepositories } from '../nodes/node-repositories.ts';
import type { NodesService } from '../nodes/nodes-service.ts';

/** What an ended job means beyond itself: the node's repository state, its lock, and backup health. */
export function createJobOutcomes(deps: {
  nodes: NodesService;
  repositories: NodeRepositories;
  backups: BackupsService;
}) {
  const { nodes, repositories } = deps;
  return {
    /** What an ended job means for the repository and for backup health. */
    async jobFinished(job: JobsTable) {
      if (!job.type.startsWith('restic.')) return;
      if (job.type === 'restic.init')
        await repositories.setRepoStatus(
          job.node_id,
          job.state === 'succeeded' ? 'ready' : 'init_failed',
          job.state === 'succeeded' ? null : job.error,
        );
      const result = job.result ? (JSON.parse(job.result) as { lock?: unknown }) : {};
      if (result.lock) await repositories.setRepoLock(job.node_id, job.error);
      else if (job.state === 'succeeded' && (await nodes.findRow(job.node_id))?.repo_lock)
        await repositories.setRepoLock(job.node_id, null);
      if (job.type === 'restic.backup') await deps.backups.recordBackup(job);
    },
  };
}
export type JobOutcomes = ReturnType<typeof createJobOutcomes>;
