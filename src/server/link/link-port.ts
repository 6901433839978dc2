import type { AgentFrame, ServerFrame } from '../../protocol/link-frames.ts';
import type { HostConfig, LinkMethod, LinkParamsIn, LinkResult } from '../../protocol/link-methods.ts';

/**
 * How the rest of the server reaches agents: the only dependency operations and services have on the link.
 * In one process it is the hub itself (`localLink`); in a cluster, `cluster/nats-link.ts` forwards to the replica
 * that holds the node's link.
 */
export interface LinkPort {
  /** Send a frame on the node's link, wherever it is held; false when it has none. */
  send(nodeId: string, frame: ServerFrame): Promise<boolean>;
  /**
   * Ask the agent one of the link's methods and wait for its reply, parsed by the method's result schema: 503 at
   * once when offline, 504 after `timeoutMs`, 502 `agent_answer_invalid` when the answer does not parse. An
   * aborted `signal` withdraws it, on the agent too.
   */
  request<M extends LinkMethod>(
    nodeId: string,
    method: M,
    params: LinkParamsIn<M>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<LinkResult<M>>;
  /** End the node's link; `permanent` tells the agent to stop trying. False when it had none. */
  disconnect(nodeId: string, reason: string, permanent: boolean): Promise<boolean>;
}

/** What another replica answers when this one is about to adopt a node's link. */
export interface TakeoverAnswer {
  /** Set when the link there is alive and take-overs keep coming: the new link is refused, with this reason. */
  refused: string | null;
  /** The node's recent take-overs (ms timestamps), which travel with its link. */
  takeovers: number[];
  /** Whether a link was held there and was ended for the new one (which now answers for the node's presence). */
  replaced: boolean;
}

/** How one replica's hub reaches the others (cluster mode). */
export interface LinkPeers {
  /** Before adopting a link no local session holds: the replica holding it now ends it, or refuses the new one. */
  takeOver(nodeId: string, from: string): Promise<TakeoverAnswer>;
  /** This replica now holds (true) or no longer holds (false) the node's link. */
  holding(nodeId: string, held: boolean): void;
}

/** What the link reports to the rest of the server; set once everything is built. */
export interface LinkHandlers {
  /**
   * The configuration (and the node's repository credentials) sent in welcome, and what follows once it was sent
   * (the node is online and can be given work).
   */
  welcome(nodeId: string): Promise<{ config: HostConfig; online(): Promise<void> }>;
  /** Replies nobody waits for, and job frames, in the order the link delivered them. */
  frame(nodeId: string, frame: AgentFrame): Promise<void>;
}
