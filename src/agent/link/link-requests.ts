import { z } from 'zod';
import { collectFacts } from '../collectors/facts.ts';
import type { MetricsCollector } from '../collectors/metrics.ts';
import type { BackupQueries } from '../jobs/backup-queries.ts';
import type { JobRunner } from '../jobs/job-runner.ts';

/** What an agent answers a request with: a result, or a refusal the server shows. */
export type RequestAnswer = { ok: true; result?: unknown } | { ok: false; message: string };

const metricsParams = z.object({
  series: z.array(z.string()).catch([]),
  after: z.number().catch(0),
  points: z
    .number()
    .catch(300)
    .transform((n) => Math.min(3600, Math.max(1, n))),
});
const jobStartParams = z.object({
  job_id: z.string(),
  type: z.string(),
  params: z.record(z.string(), z.unknown()).catch({}),
});

/**
 * The requests the server may make over the link: facts, metrics from memory, starting a job, and what the node's
 * backup repository holds.
 */
export function createLinkRequests(deps: {
  metrics: MetricsCollector;
  runner: JobRunner;
  backups: BackupQueries;
}) {
  return (method: string, params: unknown): RequestAnswer | Promise<RequestAnswer> => {
    switch (method) {
      case 'facts':
        return { ok: true, result: collectFacts() };
      case 'metrics': {
        const p = metricsParams.parse(params ?? {});
        return { ok: true, result: deps.metrics.query(p.series, p.after, p.points) };
      }
      case 'job.start': {
        const p = jobStartParams.safeParse(params ?? {});
        if (!p.success) return { ok: false, message: 'job.start needs job_id and type' };
        return deps.runner.start(p.data);
      }
      case 'backup.snapshots':
        return deps.backups.snapshots(params);
      case 'backup.files':
        return deps.backups.list(params);
      default:
        return { ok: false, message: `method ${method} is not supported by this agent` };
    }
  };
}
