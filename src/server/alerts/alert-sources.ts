import { X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import type { NodeAlert } from '../../protocol/node-data.ts';
import type { AlertKind } from '../../protocol/api/alerts.ts';
import type { MusterEvent } from '../../protocol/api/events.ts';
import type { Clock } from '../clock.ts';
import { REPLICA_LOST_REASON } from '../cluster/membership.ts';
import type { JobsTable } from '../db/schema.ts';
import type { Store } from '../repos/store.ts';
import type { AlertEngine } from './alert-engine.ts';
import type { AlertRules } from './alert-rules.ts';
import { createKeyedQueue } from './keyed-queue.ts';

const DAY_MS = 24 * 3600_000;
/** A certificate expiring within this long alerts. */
export const CERT_WARNING_MS = 30 * DAY_MS;
const OVERDUE_BATCH = 1000;
/**
 * How far back each look at offline nodes starts before the last one ended: a node's going offline is dated before
 * its write commits (a batch, another replica), so a look may miss what commits just after it.
 */
const OFFLINE_OVERLAP_MS = 60_000;
/** Job types whose failure is a condition of its own, and what a person calls the job. */
const FAILURES: Record<string, { kind: AlertKind; what: string }> = {
  'restic.backup': { kind: 'backup_failed', what: 'backup' },
  'restic.check': { kind: 'check_failed', what: 'repository check' },
  'agent.update': { kind: 'update_failed', what: 'agent update' },
};

/** The conditions each event starts or ends; a failure is logged and the next event is handled. */
export function createAlertSources(deps: {
  store: Store;
  clock: Clock;
  engine: AlertEngine;
  rules: AlertRules;
  log: Logger;
  /** Certificates the server serves or signs with, by name (checked once a day). */
  certificates?: { name: string; pem: string }[];
  /** The storage failure writes hit now, or null. */
  storageFailing?: () => string | null;
}) {
  const { store, clock, engine, rules, log } = deps;
  const host = async (id: string) => (await store.repos.nodes.findNode(id))?.hostname ?? id;
  /** Backup groups that fell overdue up to this time have been raised. */
  let overdueSeen = 0;
  /** Pending nodes claimed up to this time have been looked at. */
  let pendingSeen = 0;
  /** Offline nodes that went offline up to this time have been looked at (null: none yet). */
  let offlineSeen: number | null = null;
  let certsCheckedAt = -Infinity;
  let storageRaised = false;
  /** One chain of work per node: its events in order. */
  const serial = createKeyedQueue();

  /** A job ended (the row as the jobs service finished it): its conditions start or end. */
  async function onJob(job: JobsTable) {
    if (!['succeeded', 'failed', 'lost'].includes(job.state)) return;
    const ok = job.state === 'succeeded';
    const why = job.error ?? job.state;
    // Read after the job's outcomes were written (the repository's lock among them).
    const node = await store.repos.nodes.findNode(job.node_id);
    const name = node?.hostname ?? job.node_id;
    if (job.state === 'lost')
      await engine.raise({
        kind: 'job_lost',
        nodeId: job.node_id,
        subject: job.type,
        summary: `${job.type} job on ${name} was lost: ${why}`,
      });
    else if (ok) await engine.clear('job_lost', job.node_id, job.type);
    const failure = FAILURES[job.type];
    if (failure) {
      // A backup's condition is its source group's.
      const group =
        job.type === 'restic.backup'
          ? ((JSON.parse(job.params) as { source_group_id?: string }).source_group_id ?? '')
          : null;
      if (ok) {
        await engine.clear(failure.kind, job.node_id, group);
        if (group !== null) await engine.clear('backup_overdue', job.node_id, group);
      } else {
        const groupName = group
          ? ((await store.repos.schedules.findGroup(job.node_id, group))?.name ?? group)
          : '';
        await engine.raise({
          kind: failure.kind,
          nodeId: job.node_id,
          subject: group,
          summary: `${failure.what}${groupName ? ` of "${groupName}"` : ''} on ${name} failed: ${why}`,
        });
      }
    }
    if (job.type.startsWith('restic.')) {
      if (node?.repo_lock)
        await engine.raise({
          kind: 'repository_locked',
          nodeId: job.node_id,
          summary: `repository of ${name} is locked: ${node.repo_lock}`,
        });
      else if (ok) await engine.clear('repository_locked', job.node_id);
    }
  }

  async function onEvent(e: MusterEvent) {
    switch (e.type) {
      case 'node.presence':
        // The nodes of a lost replica (thousands at once) are raised together once they stayed offline (offlineLong).
        if (e.status === 'offline' && e.reason === REPLICA_LOST_REASON) return;
        if (e.status === 'offline')
          await engine.raise({
            kind: 'node_offline',
            nodeId: e.node_id,
            summary: `${await host(e.node_id)} is offline: ${e.reason}`,
          });
        else if (e.status === 'online') await engine.clearNode(e.node_id, ['node_offline', 'node_pending']);
        else if (e.status === 'removed') await engine.clearNode(e.node_id);
        return;
      case 'node.duplicate':
        return e.duplicate_suspected
          ? engine.raise({
              kind: 'duplicate_identity',
              nodeId: e.node_id,
              summary: `${await host(e.node_id)}: ${e.reason || 'duplicate identity suspected'}`,
            })
          : engine.clear('duplicate_identity', e.node_id);
      case 'node.repo':
        if (e.repo_status === 'init_failed') {
          const node = await store.repos.nodes.findNode(e.node_id);
          return engine.raise({
            kind: 'repository_init_failed',
            nodeId: e.node_id,
            summary: `repository of ${node?.hostname ?? e.node_id} could not be initialised: ${node?.repo_message ?? 'see the node'}`,
          });
        }
        if (e.repo_status === 'ready') return engine.clear('repository_init_failed', e.node_id);
        return;
      default:
        return;
    }
  }

  /**
   * Nodes claimed at least the shortest `for` of the "never connected" rules ago and still pending, since the last
   * look (through the (status, created_at) index): no row per claim, nothing to undo at the first link.
   */
  async function neverConnected() {
    const now = clock.now();
    const fors = (await rules.list())
      .filter((r) => r.enabled && r.kind === 'node_pending')
      .map((r) => r.for_seconds * 1000);
    if (fors.length === 0) return;
    const upTo = now - Math.min(...fors);
    for (;;) {
      const rows = await store.repos.nodes.pendingClaimedBetween(pendingSeen, upTo, OVERDUE_BATCH);
      for (const n of rows) {
        await engine.raise({
          kind: 'node_pending',
          nodeId: n.id,
          since: n.created_at,
          summary: `${n.hostname} was claimed ${new Date(n.created_at).toISOString()} and its agent never connected: run the connect command on it, or remove the node`,
        });
        pendingSeen = Math.max(pendingSeen, n.created_at);
      }
      if (rows.length < OVERDUE_BATCH) break;
    }
    pendingSeen = Math.max(pendingSeen, upTo);
  }

  /**
   * Offline nodes that stayed offline for the shortest `for` of the enabled offline rules and have no offline alert:
   * those a restart or a lost replica took offline (whose events raise nothing, so that thousands of agents
   * reconnecting at once write no alert each, see onEvent), and any whose alert could not be written. Raised
   * together, each from when it went offline, so each fires once its own rule's `for` has passed since then.
   */
  async function offlineLong() {
    const fors = (await rules.list())
      .filter((r) => r.enabled && r.kind === 'node_offline')
      .map((r) => r.for_seconds * 1000);
    if (fors.length === 0) return;
    const upTo = clock.now() - Math.min(...fors);
    const rows = await store.repos.alerts.offlineUnalerted(
      offlineSeen === null ? null : offlineSeen - OFFLINE_OVERLAP_MS,
      upTo,
    );
    await engine.raiseMany(
      'node_offline',
      rows.map((n) => ({
        id: n.id,
        space_id: n.space_id,
        since: n.since,
        summary: `${n.hostname} is offline: ${n.reason}`,
      })),
    );
    offlineSeen = Math.max(offlineSeen ?? upTo, upTo);
  }

  /** Backup groups whose due time passed since the last look (through the due-time index). */
  async function overdue() {
    const now = clock.now();
    for (;;) {
      const rows = await store.repos.backups.fellDue(overdueSeen, now, OVERDUE_BATCH);
      for (const r of rows) {
        const name = await host(r.node_id);
        const group = r.group_name ? ` of "${r.group_name}"` : '';
        const last = r.last_success_at
          ? `last success ${new Date(r.last_success_at).toISOString()}`
          : 'never succeeded';
        await engine.raise({
          kind: 'backup_overdue',
          nodeId: r.node_id,
          subject: r.source_group_id,
          summary: `backup${group} on ${name} is overdue (${last})`,
        });
        overdueSeen = Math.max(overdueSeen, Number(r.due_at));
      }
      if (rows.length < OVERDUE_BATCH) break;
    }
    overdueSeen = Math.max(overdueSeen, now);
  }

  async function certificates() {
    const now = clock.now();
    if (now - certsCheckedAt < DAY_MS / 4) return;
    certsCheckedAt = now;
    for (const c of deps.certificates ?? []) {
      const until = Date.parse(new X509Certificate(c.pem).validTo);
      if (until - now < CERT_WARNING_MS) {
        const days = Math.floor((until - now) / DAY_MS);
        await engine.raise({
          kind: 'certificate_expiring',
          nodeId: null,
          subject: c.name,
          summary:
            days < 0
              ? `the ${c.name} has expired`
              : `the ${c.name} expires in ${days} days (${new Date(until).toISOString().slice(0, 10)})`,
        });
      } else await engine.clear('certificate_expiring', null, c.name);
    }
  }

  async function storage() {
    const failing = deps.storageFailing?.() ?? null;
    if (failing && !storageRaised) {
      await engine.raise({
        kind: 'storage_unhealthy',
        nodeId: null,
        summary: `the server's storage does not take writes: ${failing}`,
      });
      storageRaised = true;
    } else if (!failing && storageRaised) {
      await engine.clear('storage_unhealthy', null);
      storageRaised = false;
    }
  }

  /** A lost replica's alert resolves once a replica of that name holds a lease again. */
  async function replicasBack() {
    const open = await store.repos.alerts.openWithPrefix('replica_lost||');
    if (open.length === 0) return;
    const now = clock.now();
    const live = new Set(
      (await store.repos.cluster.listReplicas()).filter((r) => r.lease_until >= now).map((r) => r.name),
    );
    for (const a of open)
      if (a.subject && live.has(a.subject)) await engine.clear('replica_lost', null, a.subject);
  }

  /** A Netdata alert as a condition: raised while WARNING or CRITICAL, with the agent's severity. */
  const netdataSubject = (a: NodeAlert) => `${a.chart}.${a.name}`;
  const raised = (a: NodeAlert) => a.status === 'WARNING' || a.status === 'CRITICAL';
  async function netdataRaise(nodeId: string, a: NodeAlert) {
    const value = a.value_string || (a.value === null ? '' : String(a.value));
    await engine.raise({
      kind: 'netdata',
      nodeId,
      subject: netdataSubject(a),
      severity: a.status === 'CRITICAL' ? 'critical' : 'warning',
      summary: `${await host(nodeId)}: Netdata alert ${a.name} on ${a.chart} is ${a.status}${value ? ` (${value})` : ''}${a.summary ? `: ${a.summary}` : ''}`,
    });
  }

  return {
    /**
     * A Netdata node's alerts (docs/netdata.md): its WARNING and CRITICAL ones are alerts of kind `netdata`; a
     * snapshot clears what it no longer holds.
     */
    netdata: {
      async snapshot(nodeId: string, alerts: NodeAlert[]) {
        const up = alerts.filter(raised);
        for (const a of up) await netdataRaise(nodeId, a);
        await engine.clearAllOf('netdata', nodeId, new Set(up.map(netdataSubject)));
      },
      async transition(nodeId: string, a: NodeAlert) {
        if (raised(a)) await netdataRaise(nodeId, a);
        else await engine.clear('netdata', nodeId, netdataSubject(a));
      },
    },
    /**
     * Handle one event of this process (bus.subscribeLocal). A node's events are handled one after the other in
     * the order they came, so a link that drops and comes back at once never leaves an alert for a node online.
     */
    handle(e: MusterEvent): void {
      // Only a node's state changes raise or clear anything (not a job's log, not its state: see jobFinished).
      if (!e.type.startsWith('node.')) return;
      const node = 'node_id' in e ? e.node_id : '';
      void serial(node, () => onEvent(e)).catch((err: unknown) =>
        log.warn({ err, event: e.type }, 'an alert condition could not be recorded'),
      );
    },
    /** A job ended here (the jobs service's `finished`, with the row it wrote): a backup, check, update or loss. */
    jobFinished(job: JobsTable): void {
      void serial(job.node_id, () => onJob(job)).catch((err: unknown) =>
        log.warn({ err, job_id: job.id }, 'an alert condition could not be recorded'),
      );
    },
    /**
     * What is checked on the replica running the periodic work: nodes long offline, nodes that never connected,
     * overdue backups, certificates, storage, lost replicas back.
     */
    async periodic() {
      for (const step of [offlineLong, neverConnected, overdue, certificates, storage, replicasBack])
        await step().catch((err: unknown) => log.warn({ err }, 'an alert check failed; trying again'));
    },
    replicaLost: (name: string) =>
      engine.raise({
        kind: 'replica_lost',
        nodeId: null,
        subject: name,
        summary: `cluster replica ${name} was lost; its agents reconnect to the others`,
      }),
  };
}
export type AlertSources = ReturnType<typeof createAlertSources>;
