import type { NodesTable } from '../db/schema.ts';

/** What leaves the server about a node: a whitelist, so secrets can never ride along. */
export function presentNode(n: NodesTable, rooms: { id: string; name: string; slug: string }[]) {
  return {
    id: n.id,
    hostname: n.hostname,
    status: n.status,
    since: n.since,
    reason: n.reason,
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
    machine_guid: n.machine_guid,
    space_id: n.space_id,
    rooms,
    tags: JSON.parse(n.tags) as string[],
    labels: JSON.parse(n.labels) as Record<string, string>,
    duplicate_suspected: n.duplicate_suspected === 1,
    repo_status: n.repo_status,
    created_at: n.created_at,
  };
}
export type NodeView = ReturnType<typeof presentNode>;
