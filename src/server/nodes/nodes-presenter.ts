import { isOlderVersion } from '../../protocol/versions.ts';
import { VERSION } from '../../version.ts';
import type { NodeView } from '../../protocol/api/views.ts';
import type { ShownNode } from '../repos/nodes-repo.ts';

/** How a node that was claimed but never connected is shown once it waited longer than the configured time. */
export function stuckPendingReason(sinceMs: number, now: number): string {
  const minutes = Math.round((now - sinceMs) / 60_000);
  const ago = minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return `claimed ${ago} ago and never connected: check the agent on the machine (muster-agent status), or remove this node`;
}

/**
 * What leaves the server about a node: a whitelist, so secrets can never ride along. `pendingTimeoutMs` and `now`
 * decide whether a pending node is shown as stuck.
 */
export function presentNode(
  n: ShownNode,
  rooms: { id: string; name: string; slug: string; by_rule?: boolean }[],
  pending: { timeoutMs: number; now: number; staleMs?: number } = { timeoutMs: Infinity, now: Date.now() },
): NodeView {
  const stuck = n.status === 'pending' && pending.now - n.since > pending.timeoutMs;
  return {
    id: n.id,
    hostname: n.hostname,
    status: n.status,
    since: n.since,
    reason: stuck ? stuckPendingReason(n.since, pending.now) : n.reason,
    pending_stuck: stuck,
    last_seen_at: n.last_seen_at,
    os: n.os,
    os_version: n.os_version,
    kernel: n.kernel,
    arch: n.arch,
    cpus: n.cpus,
    memory_bytes: n.memory_bytes,
    virtualization: n.virtualization,
    container: n.container,
    agent_version: n.agent_version,
    update_available:
      n.agent_kind !== 'netdata' && n.agent_version !== null && isOlderVersion(n.agent_version, VERSION),
    agent_kind: n.agent_kind,
    machine_guid: n.machine_guid,
    space_id: n.space_id,
    rooms: rooms.map((r) => ({ id: r.id, name: r.name, slug: r.slug, by_rule: r.by_rule ?? false })),
    tags: JSON.parse(n.tags) as string[],
    labels: JSON.parse(n.labels) as Record<string, string>,
    duplicate_suspected: n.duplicate_suspected === 1,
    repo_status: n.repo_status,
    repo_location: n.repo_location,
    repo_message: n.repo_message,
    repo_lock: n.repo_lock,
    backup_overdue: n.backup_due_at !== null && n.backup_due_at <= pending.now,
    created_at: n.created_at,
    ephemeral: n.ephemeral === 1,
    stale: n.status === 'offline' && pending.now - n.since > (pending.staleMs ?? Infinity),
    shell_jobs: n.capabilities ? (JSON.parse(n.capabilities) as string[]).includes('jobs/shell') : false,
  };
}
