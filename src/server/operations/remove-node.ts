import { actorName, type Actor } from '../actor.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { NodesService } from '../nodes/nodes-service.ts';

/**
 * Remove a node, by a user (DELETE /api/nodes/{id}) or by its own agent (unclaim): the node loses its
 * credentials and is recorded in the audit log in one transaction; then its link is ended for good.
 */
export function createRemoveNode(deps: { nodes: NodesService; link: LinkPort }) {
  return {
    /** `why`: a removal the server decided by itself (an ephemeral or stale node), in the audit and the event. */
    async removeNode(actor: Actor, nodeId: string, opts: { why?: string } = {}) {
      const node = await deps.nodes.remove(actor, nodeId, opts.why);
      const reason =
        actor.kind === 'agent'
          ? 'this node was unclaimed'
          : opts.why
            ? `this node was removed from the server: ${opts.why}`
            : `this node was removed from the server by ${actorName(actor)}`;
      await deps.link.disconnect(nodeId, reason, true);
      return node;
    },
  };
}
export type RemoveNode = ReturnType<typeof createRemoveNode>;
