import { systemClock, type AgentClock } from '../clock.ts';
import type { StateDir } from '../state/state-dir.ts';
import { VERSION } from '../../version.ts';
import { attemptClaim, RETRYABLE_CLAIM_EXITS, type ClaimAttempt } from '../claim/claim-attempt.ts';
import { announceNode, clientFor } from '../claim/claim-client.ts';
import {
  linkSettings,
  resolveAnnounceSettings,
  resolveClaimSettings,
  type ConnectionFlags,
} from '../claim/claim-sources.ts';
import { EXIT } from '../../protocol/errors.ts';
import { AgentError } from '../net/net-errors.ts';
import { collectFacts } from '../collectors/facts.ts';
import { createLinkClient, type LinkClient, type LinkStatus } from './link-client.ts';

type Log = (level: 'info' | 'warn' | 'error' | 'debug', msg: string) => void;

/**
 * What keeps the agent connected: claim from whatever source gives a token (retrying what may pass later), then
 * hold the link, and start over whenever the state directory changes (`evaluate`). The status it keeps is what
 * `muster-agent status` and the local API report.
 */
export function createLinkSupervisor(deps: {
  /** Time (the machine's unless a test gives another). */
  clock?: AgentClock;
  state: StateDir;
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  log: Log;
  /** What the agent allows beyond the defaults, sent with its facts (`jobs/shell`). */
  capabilities?: string[];
  /** Where the link's messages go: configuration, job acknowledgements, requests, cancels, online/offline. */
  link: Pick<
    Parameters<typeof createLinkClient>[0],
    'onConfig' | 'onJobAck' | 'onRequest' | 'onCancel' | 'onGone'
  > & {
    online(up: boolean): void;
  };
}) {
  const clock = deps.clock ?? systemClock;
  const { state, log: logFn } = deps;
  const o = { flags: deps.flags, env: deps.env, log: logFn };
  let status: LinkStatus = {
    status: 'available',
    since: clock.now(),
    reason: 'not claimed yet',
    claim_id: state.claimedId(),
    url: null,
    proxy: null,
    online: false,
    reconnects: 0,
    last_connected_at: null,
    last_disconnected_at: null,
    next_attempt_at: null,
    backoff_ms: null,
  };
  const setStatus = (patch: Partial<LinkStatus>) => {
    status = { ...status, ...patch };
  };

  let link: LinkClient | null = null;
  /** Since when the server has not known this node; kept while the link restarts (a reload, a new URL). */
  const notFound = { since: null as number | null };
  let claimRetry: NodeJS.Timeout | null = null;
  let stopping = false;
  /** While another process (a new executable on trial) holds this node's link. */
  let paused = false;

  const tryClaim = (flags: ConnectionFlags, env: NodeJS.ProcessEnv): Promise<ClaimAttempt> =>
    attemptClaim(state, flags, env, o.log);

  /**
   * With no token and --announce: announce this machine and ask again every `MUSTER_ANNOUNCE_POLL_SECONDS` (15)
   * until an operator decides. True once approved (the identity is recorded); false while waiting, rejected, or not
   * asked to announce.
   */
  async function tryAnnounce(): Promise<boolean> {
    const pollMs = Math.max(1, Number(o.env.MUSTER_ANNOUNCE_POLL_SECONDS) || 15) * 1000;
    const retry = (ms: number) => {
      claimRetry = setTimeout(() => void evaluate(), ms);
      setStatus({ next_attempt_at: clock.now() + ms });
    };
    let settings;
    try {
      settings = resolveAnnounceSettings(o.flags, o.env, state);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      o.log('error', message);
      setStatus({ status: 'available', since: clock.now(), reason: message, claim_id: null });
      return false;
    }
    if (!settings) {
      setStatus({
        status: 'available',
        since: clock.now(),
        reason: 'not claimed; run muster-agent claim or give a claim token',
        claim_id: null,
      });
      return false;
    }
    try {
      const r = await announceNode(settings, state, o.env, collectFacts({}, deps.capabilities));
      if (r.state === 'approved') {
        o.log('info', `approved by an operator: node ${r.claimedId}`);
        return true;
      }
      const reason = `awaiting approval on ${settings.url} (key fingerprint ${r.fingerprint})`;
      if (status.reason !== reason) o.log('info', reason);
      setStatus({ status: 'available', since: clock.now(), reason, claim_id: null });
      retry(pollMs);
    } catch (err) {
      const e = err instanceof AgentError ? err : new AgentError(EXIT.UNKNOWN_HTTP_ERROR, String(err));
      o.log('error', e.message);
      setStatus({ status: 'available', since: clock.now(), reason: e.message, claim_id: null });
      // Rejected (or announcements off): nothing changes by asking again.
      if (!e.nonRetryable) retry(Math.max(pollMs, (e.retryDelaySeconds ?? 0) * 1000));
    }
    return false;
  }

  /** Look at the state directory again and act: claim from a source, or (re)start the link. */
  async function evaluate(): Promise<void> {
    if (claimRetry) clearTimeout(claimRetry);
    claimRetry = null;
    await link?.stop();
    link = null;
    if (stopping || paused) return;
    let claimId = state.claimedId();
    if (!claimId && !resolveClaimSettings(o.flags, o.env, state)) {
      const announced = await tryAnnounce();
      if (!announced) return;
      claimId = state.claimedId();
    }
    if (!claimId) {
      const attempt = resolveClaimSettings(o.flags, o.env, state) ? await tryClaim(o.flags, o.env) : null;
      if (!attempt) {
        setStatus({
          status: 'available',
          since: clock.now(),
          reason: 'not claimed; run muster-agent claim or give a claim token',
          claim_id: null,
        });
        return;
      }
      if (!attempt.ok) {
        o.log('error', attempt.message);
        setStatus({ status: 'available', since: clock.now(), reason: attempt.message, claim_id: null });
        if (RETRYABLE_CLAIM_EXITS.includes(attempt.exitCode)) {
          claimRetry = setTimeout(() => void evaluate(), 10_000);
          setStatus({ next_attempt_at: clock.now() + 10_000 });
        }
        return;
      }
      claimId = state.claimedId();
    }
    if (!claimId) return;
    const ls = linkSettings(o.flags, state);
    if (!ls.enabled) {
      setStatus({
        status: 'offline',
        since: clock.now(),
        reason: 'disabled in cloud.conf',
        claim_id: claimId,
        url: ls.url,
      });
      return;
    }
    setStatus({
      status: 'offline',
      since: clock.now(),
      reason: 'connecting',
      claim_id: claimId,
      url: ls.url,
      proxy: ls.proxy,
    });
    const http = clientFor(ls, state, o.env);
    link = createLinkClient({
      clock,
      claimId,
      url: ls.url,
      proxy: ls.proxy,
      privateKey: state.keyPair().privateKey,
      bearer: state.readFileIfAny(state.paths.agentToken),
      onConfig: deps.link.onConfig,
      onJobAck: deps.link.onJobAck,
      onRequest: deps.link.onRequest,
      onCancel: deps.link.onCancel,
      onGone: deps.link.onGone,
      notFound,
      agentVersion: VERSION,
      http,
      facts: () => collectFacts({}, deps.capabilities),
      onStatus: (patch) => {
        setStatus(patch);
        if (patch.online !== undefined) deps.link.online(patch.online);
      },
      log: o.log,
    });
    void link.start();
  }

  return {
    status: () => status,
    /** Send on the link when it is up; false otherwise. */
    send: (frame: Parameters<LinkClient['send']>[0]) => link?.send(frame) ?? false,
    /** Look at the state directory again: claim, or (re)start the link. */
    evaluate,
    /** Claim with these settings (the local API's claim); the caller evaluates after a success. */
    claim: (flags: ConnectionFlags) => tryClaim(flags, o.env),
    /** Close the link and keep it closed until `resume` (another process is trying this node's link). */
    async pause(): Promise<void> {
      paused = true;
      await evaluate();
    },
    async resume(): Promise<void> {
      paused = false;
      await evaluate();
    },
    async stop(): Promise<void> {
      stopping = true;
      if (claimRetry) clearTimeout(claimRetry);
      await link?.stop();
    },
  };
}
export type LinkSupervisor = ReturnType<typeof createLinkSupervisor>;
