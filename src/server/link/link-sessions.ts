import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AgentKind } from '../../protocol/api/views.ts';
import { CLOSE, type AgentFrame, type ServerFrame } from '../../protocol/link-frames.ts';
import {
  isLinkMethod,
  parseLinkResult,
  type LinkMethod,
  type LinkParamsIn,
  type LinkResult,
} from '../../protocol/link-methods.ts';
import type { Timers } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { LinkPort } from './link-port.ts';

export type DisconnectFrame = Extract<ServerFrame, { t: 'disconnect' }>;

/**
 * The transport under one link. Our own agents speak JSON frames over a websocket (json-link.ts); stock Netdata
 * agents speak MQTT 5 (ACLK, see aclk-link.ts). Presence, take-over and duplicate detection are the same for both.
 */
export interface LinkChannel {
  /** Which agent is at the other end. */
  readonly speaks: AgentKind;
  /** Deliver a frame; false when the link is closed or this transport has no such thing. */
  deliver(frame: ServerFrame): boolean;
  /** Whether the agent at the other end answers a request of this method (a Netdata agent only the data ones). */
  answers(method: string): boolean;
  /** Tell the agent why (when `goodbye` is given) and close the link. */
  end(code: number, reason: string, goodbye?: DisconnectFrame): void;
  /** Drop the connection without a word (it may be half-open). */
  terminate(): void;
  isOpen(): boolean;
  /** Settles when the connection has closed. */
  readonly closed: Promise<void>;
}

/** One admitted link of a node. */
export interface LinkSession {
  id: string;
  nodeId: string;
  channel: LinkChannel;
  remoteAddr: string;
  /** Silence after which the link counts as dead. */
  silenceLimitMs: number;
  openedAt: number;
  lastHeardAt: number;
  lastPersistedAt: number;
  helloed: boolean;
  /**
   * Its hello is being recorded and its welcome made: the agent heartbeats only once welcomed, so its silence counts
   * from the welcome (a server slow to answer hellos, in a storm, does not let go of the links it is answering).
   */
  welcoming: boolean;
  helloTimer: unknown;
  /** Why the server ended this session, when it did. */
  endReason: string | null;
  /** Presence and the session record were settled for this session's end. */
  released: boolean;
  /** It replaced a live link of the node, so its end decides the node's presence even before a hello. */
  inherited: boolean;
}

/** Why a request over the link failed, as counted in `muster_link_request_failures_total`. */
export type RequestFailure = 'unknown_method' | 'invalid_params' | 'refused' | 'invalid_answer' | 'timeout';

type Reply = Extract<AgentFrame, { t: 'reply' }>;

/** The error a refusal becomes: its code where the agent gave one the API has, else AGENT_REFUSED. */
function refusal(frame: Reply): AppError {
  const message = frame.error?.message ?? 'no reason given';
  switch (frame.error?.code) {
    case 'not_found':
      return new AppError('NOT_FOUND', message);
    case 'too_large':
      return new AppError('AGENT_ANSWER_TOO_LARGE', message);
    case 'busy':
      return new AppError('AGENT_BUSY', message);
    case 'unknown_method':
      // An agent older than the server: updating it is the way out.
      return new AppError(
        'AGENT_REFUSED',
        `the agent refused: ${message}; update the agent (the node page's update, or docs/agent.md)`,
      );
    default:
      return new AppError('AGENT_REFUSED', `the agent refused: ${message}`);
  }
}

/**
 * The links this process holds, one per node, and the requests waiting on them: what the rest of the server
 * reaches agents through (`localLink`). Presence and take-over decide who is in the table (link-hub.ts).
 */
export function createLinkSessions(deps: { timers: Timers; log: Logger }) {
  const { timers } = deps;
  const sessions = new Map<string, LinkSession>();
  /** Requests waiting for the agent's reply, by request id. */
  const pending = new Map<
    string,
    {
      nodeId: string;
      method: string;
      resolve: (v: unknown) => void;
      reject: (e: Error) => void;
      timer: unknown;
    }
  >();
  const failures = new Map<string, number>();

  function count(method: string, failure: RequestFailure) {
    const key = `${isLinkMethod(method) ? method : 'other'}\t${failure}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  }

  function settle(id: string, outcome: { ok: true; value: unknown } | { ok: false; error: Error }) {
    const p = pending.get(id);
    if (!p) return false;
    pending.delete(id);
    timers.clearTimeout(p.timer);
    if (outcome.ok) p.resolve(outcome.value);
    else p.reject(outcome.error);
    return true;
  }

  /**
   * Ask the agent; its result unparsed (another replica parses what it forwarded). An aborted `signal` withdraws
   * the request (the agent is told): the browser that asked went away.
   */
  function requestRaw(
    nodeId: string,
    method: string,
    params: unknown,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const s = sessions.get(nodeId);
    if (!s?.helloed || !s.channel.isOpen())
      return Promise.reject(
        new AppError('NODE_OFFLINE', `node ${nodeId} is offline; live data needs a connected agent`),
      );
    if (!s.channel.answers(method))
      return Promise.reject(
        new AppError(
          'NODE_RUNS_NETDATA',
          `node ${nodeId} runs a Netdata agent, which does not answer Muster's requests`,
        ),
      );
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = timers.setTimeout(() => {
        count(method, 'timeout');
        settle(id, {
          ok: false,
          error: new AppError('AGENT_TIMEOUT', `the agent did not answer ${method} within ${timeoutMs} ms`),
        });
        s.channel.deliver({ t: 'cancel', id });
      }, timeoutMs);
      pending.set(id, { nodeId, method, resolve, reject, timer });
      if (signal) {
        if (signal.aborted) return void table.cancel(id);
        signal.addEventListener('abort', () => table.cancel(id), { once: true });
      }
      s.channel.deliver({ t: 'request', id, method, params, timeout_ms: timeoutMs });
    });
  }

  const table = {
    get: (nodeId: string) => sessions.get(nodeId),
    set: (s: LinkSession) => void sessions.set(s.nodeId, s),
    delete: (nodeId: string) => sessions.delete(nodeId),
    all: () => sessions.values(),
    count: () => sessions.size,
    /** Whether this process holds the node's link. */
    holds: (nodeId: string) => sessions.has(nodeId),

    /** End one session, telling its agent why when `goodbye` is given. */
    end(s: LinkSession, code: number, reason: string, goodbye?: DisconnectFrame) {
      s.endReason = reason;
      s.channel.end(code, reason, goodbye);
    },
    /** Send a frame on the node's link; false when it has none. */
    send(nodeId: string, frame: ServerFrame): boolean {
      const s = sessions.get(nodeId);
      return s?.helloed === true && s.channel.deliver(frame);
    },
    /** End a node's link; `permanent` tells the agent to stop trying. */
    disconnect(nodeId: string, reason: string, permanent: boolean): boolean {
      const s = sessions.get(nodeId);
      if (!s) return false;
      table.end(s, permanent ? CLOSE.REMOVED : CLOSE.NORMAL, reason, { t: 'disconnect', reason, permanent });
      return true;
    },

    requestRaw,
    /**
     * Ask the agent something over its link. Fails at once (503) when the node is offline, with 504 after
     * `timeoutMs`; many requests may be in flight on one link.
     */
    async request<M extends LinkMethod>(
      nodeId: string,
      method: M,
      params: LinkParamsIn<M>,
      timeoutMs: number,
      signal?: AbortSignal,
    ): Promise<LinkResult<M>> {
      return table.parsed(method, await requestRaw(nodeId, method, params, timeoutMs, signal));
    },
    /** What an agent answered, parsed by the method's result schema; a mismatch is a 502 naming the field. */
    parsed<M extends LinkMethod>(method: M, raw: unknown): LinkResult<M> {
      const out = parseLinkResult(method, raw);
      if (out.ok) return out.result;
      count(method, 'invalid_answer');
      deps.log.warn(
        { method, error: out.error },
        'an agent answered a request with something this server cannot read',
      );
      throw new AppError(
        'AGENT_ANSWER_INVALID',
        `the agent's answer to ${method} does not match what this server expects (${out.error}); the agent and the server run different versions: update the older one`,
      );
    },
    /** A reply arrived on `s`: true when it settled a request made here (late ones find nothing and are dropped). */
    settleReply(s: LinkSession, frame: Reply): boolean {
      const waiting = pending.get(frame.id);
      if (waiting?.nodeId !== s.nodeId) return false;
      const method = waiting.method;
      if (!frame.ok) {
        const code = frame.error?.code;
        count(method, code === 'unknown_method' || code === 'invalid_params' ? code : 'refused');
      }
      return settle(
        frame.id,
        frame.ok ? { ok: true, value: frame.result } : { ok: false, error: refusal(frame) },
      );
    },
    /** Requests waiting on a node's link fail: it went away from this process. */
    failPending(nodeId: string, message: string) {
      for (const [id, p] of pending)
        if (p.nodeId === nodeId) settle(id, { ok: false, error: new AppError('NODE_OFFLINE', message) });
    },
    /** Withdraw a request: the agent is told, the caller gets an error. */
    cancel(id: string): boolean {
      const p = pending.get(id);
      if (!p) return false;
      sessions.get(p.nodeId)?.channel.deliver({ t: 'cancel', id });
      return settle(id, { ok: false, error: new AppError('REQUEST_CANCELLED', 'the request was cancelled') });
    },
    pendingCount: () => pending.size,
    /** Requests that failed since start, by method and why (for the metrics). */
    failures: () =>
      [...failures].map(([key, n]) => {
        const [method, reason] = key.split('\t');
        return { method: method!, reason: reason!, count: n };
      }),
  };
  return table;
}
export type LinkSessions = ReturnType<typeof createLinkSessions>;

/** The link as the rest of a single-process server reaches it: every link is in this process. */
export function localLink(sessions: LinkSessions): LinkPort {
  return {
    send: async (nodeId, frame) => sessions.send(nodeId, frame),
    request: (nodeId, method, params, timeoutMs, signal) =>
      sessions.request(nodeId, method, params, timeoutMs, signal),
    disconnect: async (nodeId, reason, permanent) => sessions.disconnect(nodeId, reason, permanent),
  };
}
