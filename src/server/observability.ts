import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BackupsService } from './backups/backups-service.ts';
import type { ClusterWire } from './cluster/cluster-wire.ts';
import type { JobsTable } from './db/schema.ts';
import { AppError, ClaimError } from './errors.ts';
import type { LinkSessions } from './link/link-sessions.ts';

/**
 * What the server tells about itself: Prometheus metrics on `/metrics` and the log lines of the events that
 * matter (a claim accepted or refused, a job ended). Gauges read their values when scraped.
 */
export function createObservability(deps: {
  log: Logger;
  sessions: LinkSessions;
  backups: BackupsService;
  /** The cluster's wire, when this server is one replica of a cluster. */
  wire: ClusterWire | null;
}) {
  const { log, sessions, backups, wire } = deps;
  const registry = new Registry();
  // The event-loop delay monitor samples at this resolution; prom-client's 10 ms default wakes an idle server
  // a hundred times a second.
  collectDefaultMetrics({ register: registry, prefix: 'muster_', eventLoopMonitoringPrecision: 1000 });

  const jobsFinished = new Counter({
    name: 'muster_jobs_finished_total',
    help: 'Jobs that ended, by type and state (succeeded, failed, cancelled, lost)',
    labelNames: ['type', 'state'],
    registers: [registry],
  });
  const claimsTotal = new Counter({
    name: 'muster_claims_total',
    help: "Claims and enrollments, by kind and result (accepted, or the refusal's error key)",
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  new Gauge({
    name: 'muster_links_connected',
    help: 'Agent links currently connected',
    registers: [registry],
    collect() {
      this.set(sessions.count());
    },
  });
  new Counter({
    name: 'muster_link_request_failures_total',
    help: 'Requests to agents that failed, by method and why (unknown_method, invalid_params, refused, invalid_answer, timeout)',
    labelNames: ['method', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of sessions.failures()) this.inc({ method: f.method, reason: f.reason }, f.count);
    },
  });
  if (wire)
    new Counter({
      name: 'muster_cluster_messages_dropped_total',
      help: 'Messages on the cluster wire dropped unopened, by reason (unsealed, forged, stale, replayed, malformed)',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(wire.dropped())) this.inc({ reason }, n);
      },
    });

  const notifications = new Counter({
    name: 'muster_notifications_total',
    help: 'Notifications by channel type and result (sent, failed: an attempt that failed, muted: a silence held)',
    labelNames: ['channel_type', 'result'],
    registers: [registry],
  });

  /** A per node and source group gauge of backup health, read from the database at each scrape. */
  const backupGauge = (
    name: string,
    help: string,
    value: (b: { last_success_at: number | null; overdue: boolean }) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['node_id', 'hostname', 'source_group'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const b of await backups.all())
          this.set({ node_id: b.node_id, hostname: b.hostname, source_group: b.source_group }, value(b));
      },
    });
  backupGauge(
    'muster_backup_last_success_timestamp_seconds',
    'When the last successful backup of a node and source group ended (0: never)',
    (b) => (b.last_success_at ?? 0) / 1000,
  );
  backupGauge(
    'muster_backup_overdue',
    '1 when a source group of a node has no successful backup within its expected age',
    (b) => (b.overdue ? 1 : 0),
  );

  return {
    registry,
    /** A job ended: counted, and one line. */
    jobFinished(job: JobsTable) {
      jobsFinished.inc({ type: job.type, state: job.state });
      log[job.state === 'succeeded' ? 'info' : 'warn'](
        { event: 'job.finished', job_id: job.id, node_id: job.node_id, type: job.type, state: job.state },
        `job ${job.state}: ${job.type} on ${job.node_id}${job.error ? `: ${job.error}` : ''}`,
      );
    },
    /**
     * Count and log each claim or enrollment once, by its outcome: accepted with the node, or refused with the
     * error key, the source address and the host name it gave (never the token).
     */
    async counted<T>(
      kind: 'claim' | 'enroll',
      who: { ip: string | null; hostname: unknown },
      run: () => Promise<T & ({ nodeId: string } | { host_id: string })>,
    ): Promise<T> {
      const host = typeof who.hostname === 'string' ? who.hostname.slice(0, 100) : null;
      try {
        const r = await run();
        claimsTotal.inc({ kind, result: 'accepted' });
        const nodeId = 'nodeId' in r ? r.nodeId : r.host_id;
        log.info(
          { event: `${kind}.accepted`, node_id: nodeId, node_hostname: host, ip: who.ip },
          `${kind} accepted: ${host ?? nodeId} from ${who.ip ?? 'unknown address'}`,
        );
        return r;
      } catch (err) {
        const result =
          err instanceof ClaimError ? err.key : err instanceof AppError ? err.code.toLowerCase() : 'error';
        claimsTotal.inc({ kind, result });
        log.warn(
          { event: `${kind}.refused`, error_key: result, node_hostname: host, ip: who.ip },
          `${kind} refused (${result}): ${err instanceof Error ? err.message : String(err)}; from ${who.ip ?? 'unknown address'}${host ? `, host ${host}` : ''}`,
        );
        throw err;
      }
    },
    /** Open alerts by kind and severity (`muster_alerts_firing`), read at each scrape. */
    alertsGauge(read: () => Promise<{ kind: string; severity: string; n: number }[]>) {
      new Gauge({
        name: 'muster_alerts_firing',
        help: 'Alerts firing (acknowledged ones included), by kind and severity',
        labelNames: ['kind', 'severity'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const r of await read()) this.inc({ kind: r.kind, severity: r.severity }, r.n);
        },
      });
    },
    /** Notifications delivered, failed or muted, by channel type. */
    notified(channelType: string, result: 'sent' | 'failed' | 'muted', count: number) {
      notifications.inc({ channel_type: channelType, result }, count);
    },
    /** A gauge read from `value` at each scrape. */
    gauge(name: string, help: string, value: () => number) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(value());
        },
      });
    },
  };
}
export type Observability = ReturnType<typeof createObservability>;
