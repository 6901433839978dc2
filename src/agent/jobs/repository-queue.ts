/** A job holding or waiting for a repository. */
interface Turn {
  jobId: string;
  type: string;
  wake: (granted: boolean) => void;
}

/**
 * One job per repository at a time on this agent: restic's own lock would otherwise fail the second job with
 * "repository is already locked". Jobs wait their turn in arrival order; a waiting job can be withdrawn.
 */
export function createRepositoryQueue() {
  const queues = new Map<string, Turn[]>();

  return {
    /**
     * Wait for the repository. Resolves true when it is this job's turn (call `release` when done), false when the
     * wait was withdrawn. `waiting` is told which job holds it, once, when the job has to wait.
     */
    acquire(
      repository: string,
      jobId: string,
      type: string,
      waiting: (holder: { jobId: string; type: string }) => void,
    ): Promise<boolean> {
      const queue = queues.get(repository) ?? [];
      queues.set(repository, queue);
      return new Promise((resolve) => {
        queue.push({ jobId, type, wake: resolve });
        if (queue.length === 1) resolve(true);
        else waiting(queue[0]!);
      });
    },
    /** The job is done with the repository (or withdrew): the next in line starts. */
    release(repository: string, jobId: string): void {
      const queue = queues.get(repository);
      if (!queue) return;
      const i = queue.findIndex((t) => t.jobId === jobId);
      if (i < 0) return;
      const [turn] = queue.splice(i, 1);
      if (i > 0) turn!.wake(false);
      if (queue.length === 0) queues.delete(repository);
      else if (i === 0) queue[0]!.wake(true);
    },
    /** Whether the job is waiting (not holding) for a repository. */
    isWaiting(jobId: string): boolean {
      for (const q of queues.values()) if (q.findIndex((t) => t.jobId === jobId) > 0) return true;
      return false;
    },
  };
}
export type RepositoryQueue = ReturnType<typeof createRepositoryQueue>;
