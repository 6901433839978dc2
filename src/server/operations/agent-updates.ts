import type { Store } from '../repos/store.ts';
import { isOlderVersion } from '../../protocol/versions.ts';
import type { Actor } from '../actor.ts';
import { AppError } from '../errors.ts';
import type { AgentExecutables } from './agent-executables.ts';
import type { JobsService } from '../jobs/jobs-service.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { SpacesService } from '../spaces/spaces-service.ts';
import type { NodeView } from '../../protocol/api/views.ts';

/** How many nodes one room update looks at. */
const ROOM_LIMIT = 10_000;

/** The platform of a Muster agent, from its facts: `kernel` starts with Node's platform name, `arch` is Node's. */
function platformOf(n: Pick<NodeView, 'kernel' | 'arch'>): { os: string; arch: string } | null {
  const os = n.kernel?.split(' ')[0];
  if (!os || !n.arch) return null;
  return { os, arch: n.arch === 'x64' ? 'amd64' : n.arch };
}

/**
 * Updating agents to the executable this server serves: one `agent.update` job per node, carrying the version and
 * SHA-256 the agent must find (it refuses anything else). Netdata agents, agents without an executable for their
 * platform and agents already at this version are skipped with the reason.
 */
export function createAgentUpdates(deps: {
  jobs: JobsService;
  nodes: NodesService;
  spaces: SpacesService;
  executables: AgentExecutables;
  store: Store;
}) {
  /** The job parameters for `node`, or why it cannot be updated. */
  function plan(n: NodeView, force: boolean): { params: Record<string, unknown> } | { reason: string } {
    if (n.agent_kind === 'netdata') return { reason: 'runs a Netdata agent, which updates with Netdata' };
    const manifest = deps.executables.manifest();
    if (!manifest) return { reason: 'this server has no agent executables (npm run build makes them)' };
    if (!force && n.agent_version === manifest.version)
      return { reason: `already runs version ${manifest.version}` };
    if (!force && n.agent_version && isOlderVersion(manifest.version, n.agent_version))
      return {
        reason: `runs version ${n.agent_version}, newer than the ${manifest.version} this server serves; give force to go back`,
      };
    const platform = platformOf(n);
    if (!platform) return { reason: 'its platform is not known yet (it has not reported its facts)' };
    try {
      const exe = deps.executables.find(platform.os, platform.arch);
      return {
        params: {
          version: manifest.version,
          os: exe.os,
          arch: exe.arch,
          sha256: exe.sha256,
          size: exe.size,
          ...(force ? { force: true } : {}),
        },
      };
    } catch (err) {
      return { reason: (err as Error).message };
    }
  }

  return {
    /** Update one node; 409 with the reason when it cannot be. */
    async updateNode(actor: Actor, nodeId: string, force = false) {
      const n = await deps.nodes.getHost(nodeId);
      const p = plan(n, force);
      if ('reason' in p) throw new AppError('UPDATE_NOT_POSSIBLE', `${n.hostname} ${p.reason}`);
      return deps.jobs.create(actor, nodeId, 'agent.update', p.params);
    },
    /** Update every node of a room that can be: a job each, and the rest with the reason. */
    async updateRoom(actor: Actor, roomId: string, force = false) {
      await deps.spaces.getRoom(roomId);
      const nodes = await deps.nodes.list({ roomId, limit: ROOM_LIMIT, offset: 0 });
      const jobs: { host_id: string; hostname: string; job_id: string }[] = [];
      const skipped: { host_id: string; hostname: string; reason: string }[] = [];
      for (const n of nodes) {
        const p = plan(n, force);
        if ('reason' in p) skipped.push({ host_id: n.id, hostname: n.hostname, reason: p.reason });
        else {
          const job = await deps.jobs.create(actor, n.id, 'agent.update', p.params, { audited: false });
          jobs.push({ host_id: n.id, hostname: n.hostname, job_id: job.id });
        }
      }
      // One record for the room's update, with what it started and what it left out.
      await deps.store.repos.audit.record(
        actor,
        'room.agent_update',
        { type: 'room', id: roomId },
        { jobs: jobs.length, skipped: skipped.length, force },
      );
      return { jobs, skipped };
    },
  };
}
export type AgentUpdates = ReturnType<typeof createAgentUpdates>;
