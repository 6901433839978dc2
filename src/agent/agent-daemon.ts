import { VERSION } from '../version.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { scheduleSpec, type ScheduleSpec } from '../protocol/schedules.ts';
import { attemptClaim, claimHttpStatus, RETRYABLE_CLAIM_EXITS } from './claim/claim-attempt.ts';
import { clientFor } from './claim/claim-client.ts';
import { linkSettings, resolveClaimSettings, type ConnectionFlags } from './claim/claim-sources.ts';
import { collectFacts } from './collectors/facts.ts';
import { createMetricsCollector } from './collectors/metrics.ts';
import { createJobOutbox } from './jobs/job-outbox.ts';
import { createJobRunner, type Repository } from './jobs/job-runner.ts';
import { createScheduleFiring } from './jobs/schedule-firing.ts';
import { createScheduler, type SchedulerClock } from './jobs/scheduler.ts';
import { createLinkClient, type LinkClient, type LinkStatus } from './link/link-client.ts';
import { createLinkRequests } from './link/link-requests.ts';
import { startLocalApi } from './local-api/local-api.ts';
import type { StateDir } from './state/state-dir.ts';

export interface DaemonOptions {
  state: StateDir;
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  /** `host:port` of the local API, or null for none. */
  localApi: string | null;
  log: (level: 'info' | 'warn' | 'error' | 'debug', msg: string) => void;
  /** Run `shell` jobs (off unless the agent is started with --allow-shell-jobs). */
  allowShellJobs?: boolean;
}

/**
 * The clock schedules fire by. MUSTER_AGENT_CLOCK_OFFSET_MS shifts it, so that a schedule's
 * firing can be tried without waiting for its minute (the tests use this).
 */
function agentClock(env: NodeJS.ProcessEnv): SchedulerClock {
  const offset = Number(env.MUSTER_AGENT_CLOCK_OFFSET_MS ?? 0) || 0;
  return {
    now: () => Date.now() + offset,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
}

function schedulesOf(config: Record<string, unknown>): ScheduleSpec[] {
  const parsed = z.array(scheduleSpec).safeParse(config.schedules ?? []);
  return parsed.success ? parsed.data : [];
}

function readJson(path: string): Record<string, unknown> {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `muster-agent run`: claim when needed, keep the link up, serve the local API, until stopped. */
export async function runDaemon(o: DaemonOptions) {
  const { state } = o;
  state.ensure();
  state.machineGuid();
  state.keyPair(); // made on first start, never at install time
  let sessionKey = state.regenerateSessionKey();

  let status: LinkStatus = {
    status: 'available',
    since: Date.now(),
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
  const metrics = createMetricsCollector();
  metrics.start();

  let linkConfig: Record<string, unknown> = readJson(state.paths.linkConfig);
  const clock = agentClock(o.env);
  const outbox = createJobOutbox({
    path: join(state.dir, 'job-journal.json'),
    send: (frame) => link?.send(frame) ?? false,
    running: () => runner.running(),
    log: o.log,
  });
  const runner = createJobRunner({
    send: (frame) => outbox.emit(frame),
    knows: (id) => outbox.knows(id),
    now: () => clock.now(),
    repository: () => (linkConfig.repository as Repository | undefined) ?? null,
    initialPaths: () =>
      Array.isArray(linkConfig.initial_paths) ? (linkConfig.initial_paths as string[]) : [],
    stateDir: state.dir,
    shellEnabled: o.allowShellJobs ?? false,
  });
  const answer = createLinkRequests({ metrics, runner });
  const scheduler = createScheduler({
    clock,
    log: o.log,
    fire: createScheduleFiring({ runner, log: o.log }),
  });
  // Schedules known from the last link run even while the server cannot be reached.
  scheduler.update(schedulesOf(linkConfig));
  let claimRetry: NodeJS.Timeout | null = null;
  let stopping = false;

  const tryClaim = (flags: ConnectionFlags, env: NodeJS.ProcessEnv) => attemptClaim(state, flags, env, o.log);

  /** Look at the state directory again and act: claim from a source, or (re)start the link. */
  async function evaluate(): Promise<void> {
    if (claimRetry) clearTimeout(claimRetry);
    claimRetry = null;
    await link?.stop();
    link = null;
    if (stopping) return;
    let claimId = state.claimedId();
    if (!claimId) {
      const attempt = resolveClaimSettings(o.flags, o.env, state) ? await tryClaim(o.flags, o.env) : null;
      if (!attempt) {
        setStatus({
          status: 'available',
          since: Date.now(),
          reason: 'not claimed; run muster-agent claim or give a claim token',
          claim_id: null,
        });
        return;
      }
      if (!attempt.ok) {
        o.log('error', attempt.message);
        setStatus({ status: 'available', since: Date.now(), reason: attempt.message, claim_id: null });
        if (RETRYABLE_CLAIM_EXITS.includes(attempt.exitCode)) {
          claimRetry = setTimeout(() => void evaluate(), 10_000);
          setStatus({ next_attempt_at: Date.now() + 10_000 });
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
        since: Date.now(),
        reason: 'disabled in cloud.conf',
        claim_id: claimId,
        url: ls.url,
      });
      return;
    }
    setStatus({
      status: 'offline',
      since: Date.now(),
      reason: 'connecting',
      claim_id: claimId,
      url: ls.url,
      proxy: ls.proxy,
    });
    const http = clientFor(ls, state, o.env);
    link = createLinkClient({
      claimId,
      url: ls.url,
      proxy: ls.proxy,
      privateKey: state.keyPair().privateKey,
      bearer: state.readFileIfAny(state.paths.agentToken),
      onConfig: (config) => {
        linkConfig = config;
        state.saveLinkConfig(config);
        scheduler.update(schedulesOf(config));
      },
      onJobAck: (id) => outbox.ack(id),
      onRequest: (method, params) => answer(method, params),
      onCancel: (id) => void runner.cancel(id),
      agentVersion: VERSION,
      http,
      facts: () => collectFacts(),
      onStatus: (patch) => {
        setStatus(patch);
        if (patch.online === true) outbox.online();
        else if (patch.online === false) outbox.offline();
      },
      log: o.log,
    });
    void link.start();
  }

  const cloudInfo = () => ({
    status: status.status,
    since: Math.floor(status.since / 1000),
    reason: status.reason,
    claim_id: status.claim_id,
    url: status.url,
    next_check: status.next_attempt_at ? Math.floor(status.next_attempt_at / 1000) : null,
  });

  const api = o.localApi
    ? await startLocalApi(o.localApi, {
        info: () => ({
          version: VERSION,
          'cloud-enabled': true,
          'cloud-available': true,
          'agent-claimed': status.claim_id !== null,
          'aclk-available': status.online,
          'aclk-implementation': 'muster-ws/1',
        }),
        infoV2: () => ({ version: VERSION, cloud: cloudInfo(), link: status }),
        sessionKey: () => sessionKey,
        sessionKeyPath: state.paths.sessionKey,
        async claim(p) {
          const r = await tryClaim(
            { ...o.flags, token: p.token, rooms: p.rooms, url: p.url ?? o.flags.url },
            o.env,
          );
          sessionKey = state.regenerateSessionKey();
          if (r.ok) await evaluate();
          return { ...r, status: claimHttpStatus(r) };
        },
        reload: evaluate,
      })
    : null;
  state.writeLocalApiAddr(api?.address ?? null);
  if (api) o.log('info', `local API on http://${api.address}`);

  await evaluate();

  return {
    status: () => status,
    localApiAddress: api?.address ?? null,
    async stop(): Promise<void> {
      stopping = true;
      metrics.stop();
      scheduler.stop();
      runner.cancelAll();
      if (claimRetry) clearTimeout(claimRetry);
      await link?.stop();
      if (api) await new Promise<void>((r) => api.server.close(() => r()));
      state.writeLocalApiAddr(null);
    },
  };
}
