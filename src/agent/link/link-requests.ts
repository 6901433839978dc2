import { answerLinkRequest, type LinkAnswer, type LinkMethodHandlers } from '../../protocol/link-methods.ts';
import { collectFacts } from '../collectors/facts.ts';
import type { History } from '../collectors/history.ts';
import type { MetricsCollector } from '../collectors/metrics.ts';
import type { createNodeAlerts } from '../collectors/node-alerts.ts';
import { listFunctions, NODE_FUNCTIONS } from '../collectors/node-functions.ts';
import type { BackupQueries } from '../jobs/backup-queries.ts';
import type { JobRunner } from '../jobs/job-runner.ts';

/** What an agent answers a request with: a result, or a refusal the server shows. */
export type RequestAnswer = LinkAnswer<unknown>;

/**
 * The requests the server may make over the link, one handler per method of src/protocol/link-methods.ts (a
 * method without one does not compile): facts, metrics from memory, starting a job, and what the node's backup
 * repository holds. Parameters arrive parsed; an unknown method or parameters that do not parse are refused.
 */
export function createLinkRequests(deps: {
  metrics: MetricsCollector;
  history: History;
  alerts: ReturnType<typeof createNodeAlerts>;
  runner: JobRunner;
  backups: BackupQueries;
  /** What the agent allows beyond the defaults (`jobs/shell` with --allow-shell-jobs). */
  capabilities?: string[];
}) {
  const handlers: LinkMethodHandlers = {
    facts: () => ({ ok: true, result: collectFacts({}, deps.capabilities) }),
    metrics: (p) => ({ ok: true, result: deps.metrics.query(p.series, p.after, p.points) }),
    'job.start': (p) => {
      const started = deps.runner.start(p);
      return started.ok ? { ok: true, result: {} } : started;
    },
    'backup.snapshots': (p) => deps.backups.snapshots(p),
    'backup.files': (p) => deps.backups.list(p),
    'backup.stats': (p) => deps.backups.stats(p),
    'backup.diff': (p) => deps.backups.diff(p),
    'backup.find': (p) => deps.backups.find(p),
    'backup.download.open': (p) => deps.backups.openDownload(p),
    'backup.download.read': (p) => deps.backups.readDownload(p),
    'backup.download.close': (p) => deps.backups.closeDownload(p),
    'data.contexts': () => ({ ok: true, result: { contexts: deps.history.contexts() } }),
    'data.query': (p) => {
      const data = deps.history.query(p);
      return data
        ? { ok: true, result: data }
        : { ok: false, code: 'not_found', message: `this node has no chart ${p.context}` };
    },
    'data.alerts': () => ({ ok: true, result: { alerts: deps.alerts.evaluate() } }),
    'data.functions': () => ({ ok: true, result: listFunctions() }),
    'data.function': (p) => {
      const f = NODE_FUNCTIONS[p.name];
      return f
        ? { ok: true, result: f.run() }
        : { ok: false, code: 'not_found', message: `this agent has no function ${p.name}` };
    },
  };
  return (method: string, params: unknown): Promise<RequestAnswer> =>
    answerLinkRequest(handlers, method, params);
}
