import { useEffect, useState } from 'preact/hooks';
import type { AlertKind } from '../../src/protocol/api/alerts.ts';
import { answer, changed, client, follow, reloader, type Alert } from './api.ts';
export const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Alerts that are open (firing or acknowledged), kept fresh: reloaded when a node's state changes or a job ends,
 * and every 15 s. The header's count and the node list's badges read it.
 */
export function useOpenAlerts(): Alert[] {
  const [open, setOpen] = useState<Alert[]>([]);
  useEffect(() => {
    const load = async () => {
      const [firing, acked] = await Promise.all(
        (['firing', 'acknowledged'] as const).map((state) =>
          answer(client.GET('/api/alerts', { params: { query: { state, limit: 500 } } })),
        ),
      );
      setOpen([...firing!.alerts, ...acked!.alerts]);
    };
    // A node's `for` window means an alert fires a little after the event: look again shortly after, and at most
    // every 5 s while changes keep coming.
    const { soon, stop: stopSoon } = reloader(() => load().catch(() => undefined), 1500, 5000);
    void load().catch(() => undefined);
    const timer = setInterval(() => void load().catch(() => undefined), 15_000);
    // A summary a second, not every event: a reconnect storm of thousands of nodes is a handful of reloads.
    const stop = follow(
      '/api/events',
      { summary: (s) => changed(s, 'node.presence', 'job.state', 'node.duplicate') && soon() },
      { nodes: [], opened: soon },
    );
    return () => {
      clearInterval(timer);
      stopSoon();
      stop();
    };
  }, []);
  return open;
}

/** The worst open alert of each node. */
export function worstByNode(alerts: Alert[]): Map<string, Alert> {
  const out = new Map<string, Alert>();
  for (const a of alerts) {
    if (!a.node_id) continue;
    const was = out.get(a.node_id);
    if (!was || SEVERITY_RANK[a.severity]! < SEVERITY_RANK[was.severity]!) out.set(a.node_id, a);
  }
  return out;
}

export const KIND_LABELS: Record<AlertKind, string> = {
  node_offline: 'Node offline',
  node_pending: 'Never connected',
  duplicate_identity: 'Duplicate identity',
  backup_failed: 'Backup failed',
  backup_overdue: 'Backup overdue',
  check_failed: 'Check failed',
  repository_locked: 'Repository locked',
  repository_init_failed: 'Repository init failed',
  update_failed: 'Update failed',
  job_lost: 'Job lost',
  storage_unhealthy: 'Storage unhealthy',
  replica_lost: 'Replica lost',
  certificate_expiring: 'Certificate expiring',
  channel_failing: 'Channel failing',
  netdata: 'Netdata alert',
};
