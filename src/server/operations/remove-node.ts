import { actorName, type Actor } from '../actor.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { NodesService } from '../nodes/nodes-service.ts';

/**
 * Remove a node, by a user (DELETE /api/nodes/{id}) or by its own agent (unclaim): the node loses its
 * credentials and is recorded in the audit log in one transaction; then its link is ended for good.
 */
export function createRemoveNode(deps: { nodes: NodesService; link: LinkPort }) {
  return {
    async removeNode(actor: Actor, nodeId: string) {
      const node = await deps.nodes.remove(actor, nodeId);
      const reason =
        actor.kind === 'agent'
          ? 'this node was unclaimed'
          : `this node was removed from the server by ${actorName(actor)}`;
      await deps.link.disconnect(nodeId, reason, true);
      return node;
    },
  };
}
export type RemoveNode = ReturnType<typeof createRemoveNode>;
