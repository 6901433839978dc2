import { VERSION } from '../version.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHostConfig, type HostConfig } from '../protocol/link-methods.ts';
import { claimHttpStatus } from './claim/claim-attempt.ts';
import type { ConnectionFlags } from './claim/claim-sources.ts';
import { createHistory } from './collectors/history.ts';
import { createMetricsCollector } from './collectors/metrics.ts';
import { createNodeAlerts } from './collectors/node-alerts.ts';
import { startCodePageRelease } from './code-pages.ts';
import { createBackupQueries } from './jobs/backup-queries.ts';
import { createJobOutbox } from './jobs/job-outbox.ts';
import { createJobRunner } from './jobs/job-runner.ts';
import { createScheduleFiring } from './jobs/schedule-firing.ts';
import { systemClock, type AgentClock } from './clock.ts';
import { createScheduler } from './jobs/scheduler.ts';
import { createLinkRequests } from './link/link-requests.ts';
import { createLinkSupervisor } from './link/link-supervisor.ts';
import { clientFor } from './claim/claim-client.ts';
import { linkSettings } from './claim/claim-sources.ts';
import { createSelfUpdate } from './update/self-update.ts';
import type { StateDir } from './state/state-dir.ts';
import { removeStaleTemporaries } from './state/state-dir.ts';
import { createStorageWatch } from './state/storage-watch.ts';
import { allowedPaths } from './state/writable-paths.ts';

/** How often the chart history is written to the state directory (and at every stop). */
const HISTORY_SAVE_MS = 10 * 60_000;

/** How often a full state directory is looked at again. */
const STORAGE_RETRY_MS = 30_000;

export interface DaemonOptions {
  state: StateDir;
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  /** `host:port` of the local API, or null for none. */
  localApi: string | null;
  log: (level: 'info' | 'warn' | 'error' | 'debug', msg: string) => void;
  /** Run `shell` jobs (off unless the agent is started with --allow-shell-jobs). */
  allowShellJobs?: boolean;
  /** More directories restores may write below (--restore-root), besides restores/ and allow-path's paths. */
  restoreRoots?: string[];
  /** Where the hooks a backup plan names are (default /etc/muster-agent/hooks.d). */
  hooksDir?: string;
}

/**
 * The clock schedules fire by. MUSTER_AGENT_CLOCK_OFFSET_MS shifts it, so that a schedule's
 * firing can be tried without waiting for its minute (the tests use this).
 */
function agentClock(env: NodeJS.ProcessEnv): AgentClock {
  const offset = Number(env.MUSTER_AGENT_CLOCK_OFFSET_MS ?? 0) || 0;
  return { ...systemClock, now: () => systemClock.now() + offset };
}

/** The link configuration kept from the last link run; empty when there is none or it cannot be read. */
function readHostConfig(path: string): HostConfig {
  try {
    return parseHostConfig(existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {});
  } catch {
    return parseHostConfig({});
  }
}

/** `muster-agent run`: claim when needed, keep the link up, serve the local API, until stopped. */
export async function runDaemon(o: DaemonOptions) {
  const { state } = o;
  state.ensure();
  state.machineGuid();
  state.keyPair(); // made on first start, never at install time
  const storage = createStorageWatch({ dir: state.dir, log: o.log });
  for (const f of removeStaleTemporaries([state.dir, join(state.dir, 'cloud.d')]))
    o.log('info', `removed ${f}, left by a write that failed`);
  /** A write the agent can run without (a full disk is told to `status` and the server, not fatal). */
  const tryWrite = (what: string, write: () => void) => {
    try {
      write();
      return true;
    } catch (err) {
      storage.failed(err, what);
      return false;
    }
  };
  let sessionKey = '';
  tryWrite('the local API session key', () => (sessionKey = state.regenerateSessionKey()));

  // Chart history, kept in the state directory across restarts (saved every 10 minutes and at stop).
  const history = createHistory({ dir: state.dir });
  const nodeAlerts = createNodeAlerts(history);
  const metrics = createMetricsCollector(Date.now, history);
  metrics.start();
  const stopCodePages = startCodePageRelease({ env: o.env, log: o.log });
  const saveHistory = () => tryWrite('the chart history', () => history.save());
  const historySaver = setInterval(saveHistory, HISTORY_SAVE_MS);
  historySaver.unref();

  let linkConfig = readHostConfig(state.paths.linkConfig);
  const clock = agentClock(o.env);
  const outbox = createJobOutbox({
    path: join(state.dir, 'job-journal.json'),
    send: (frame) => supervisor.send(frame),
    running: () => runner.running(),
    log: o.log,
    storage,
  });
  const runner = createJobRunner({
    send: (frame) => outbox.emit(frame),
    knows: (id) => outbox.knows(id),
    now: () => clock.now(),
    repository: () => linkConfig.repository ?? null,
    limits: () => linkConfig.limits,
    ...(o.hooksDir ? { hooksDir: o.hooksDir } : {}),
    initialPaths: () => linkConfig.initial_paths,
    stateDir: state.dir,
    shellEnabled: o.allowShellJobs ?? false,
    restoreRoots: () => [join(state.dir, 'restores'), ...(o.restoreRoots ?? []), ...allowedPaths()],
    storageProblem: () => storage.check(),
    selfUpdate: createSelfUpdate({
      http: () => {
        const ls = linkSettings(o.flags, state);
        return { client: clientFor(ls, state, o.env), url: ls.url };
      },
      env: o.env,
      pauseLink: () => supervisor.pause(),
      resumeLink: () => supervisor.resume(),
      shutdown: () => daemon.stop(),
      log: o.log,
    }),
  });
  const backups = createBackupQueries({
    repository: () => linkConfig.repository ?? null,
    limits: () => linkConfig.limits,
    stateDir: state.dir,
  });
  const capabilities = o.allowShellJobs ? ['jobs/shell'] : [];
  const answer = createLinkRequests({ metrics, history, alerts: nodeAlerts, runner, backups, capabilities });
  const scheduler = createScheduler({
    clock,
    log: o.log,
    fire: createScheduleFiring({ runner, log: o.log }),
  });
  // Schedules known from the last link run even while the server cannot be reached.
  scheduler.update(linkConfig.schedules);
  const supervisor = createLinkSupervisor({
    state,
    flags: o.flags,
    env: o.env,
    log: o.log,
    capabilities,
    link: {
      onConfig: (config) => {
        linkConfig = config;
        tryWrite('the link configuration', () => state.saveLinkConfig(config));
        scheduler.update(config.schedules);
      },
      onJobAck: (id) => outbox.ack(id),
      onRequest: (method, params) => answer(method, params),
      onCancel: (id) => void runner.cancel(id),
      // Removed from the server (or unknown to it for a day): nothing it configured may go on here, and the
      // repository's password must not stay on the host.
      onGone: (reason) => {
        linkConfig = parseHostConfig({});
        state.forgetLinkConfig();
        scheduler.update([]);
        runner.cancelAll();
        o.log(
          'warn',
          `${reason}: deleted the link configuration (repository and its password, schedules) and stopped the schedules`,
        );
      },
      online: (up) => (up ? outbox.online() : outbox.offline()),
    },
  });
  const { evaluate } = supervisor;

  const cloudInfo = (status = supervisor.status()) => ({
    status: status.status,
    since: Math.floor(status.since / 1000),
    reason: status.reason,
    claim_id: status.claim_id,
    url: status.url,
    next_check: status.next_attempt_at ? Math.floor(status.next_attempt_at / 1000) : null,
  });

  const api = o.localApi
    ? await (
        await import('./local-api/local-api.ts')
      ).startLocalApi(o.localApi, {
        info: () => ({
          version: VERSION,
          'cloud-enabled': true,
          'cloud-available': true,
          'agent-claimed': supervisor.status().claim_id !== null,
          'aclk-available': supervisor.status().online,
          'aclk-implementation': 'muster-ws/1',
        }),
        infoV2: () => ({
          version: VERSION,
          cloud: cloudInfo(),
          link: { ...supervisor.status(), storage: storage.problem() },
        }),
        sessionKey: () => sessionKey,
        sessionKeyPath: state.paths.sessionKey,
        async claim(p) {
          const r = await supervisor.claim({
            ...o.flags,
            token: p.token,
            rooms: p.rooms,
            url: p.url ?? o.flags.url,
          });
          sessionKey = state.regenerateSessionKey();
          if (r.ok) await evaluate();
          return { ...r, status: claimHttpStatus(r) };
        },
        reload: evaluate,
      })
    : null;
  tryWrite('the local API address', () => state.writeLocalApiAddr(api?.address ?? null));
  // While the state directory cannot be written, look again every half minute; once it can, write what waited.
  const storageRetry = setInterval(() => {
    if (storage.problem() && !storage.check()) {
      outbox.save();
      tryWrite('the link configuration', () => state.saveLinkConfig(linkConfig));
      if (api) tryWrite('the local API address', () => state.writeLocalApiAddr(api.address));
    }
  }, STORAGE_RETRY_MS);
  storageRetry.unref();
  if (api) o.log('info', `local API on http://${api.address}`);

  const daemon = {
    status: supervisor.status,
    localApiAddress: api?.address ?? null,
    async stop(): Promise<void> {
      clearInterval(storageRetry);
      clearInterval(historySaver);
      stopCodePages();
      metrics.stop();
      saveHistory();
      scheduler.stop();
      runner.cancelAll();
      await supervisor.stop();
      if (api) await new Promise<void>((r) => api.server.close(() => r()));
      tryWrite('the local API address', () => state.writeLocalApiAddr(null));
    },
  };
  await evaluate();
  return daemon;
}

/**
 * `run --exit-when-online`, an update's trial of a new executable: bring this node's link up with the state
 * directory's identity and settings, and return once it is up and closed again. Nothing else runs (no jobs,
 * schedules, samples or local API) and nothing in the state directory changes: the job journal, the session key
 * and the link configuration belong to the agent that started the trial.
 */
export async function runLinkTrial(o: Pick<DaemonOptions, 'state' | 'flags' | 'env' | 'log'>): Promise<void> {
  let up = (): void => undefined;
  const online = new Promise<void>((resolve) => (up = resolve));
  const supervisor = createLinkSupervisor({
    ...o,
    link: {
      onRequest: () => ({ ok: false, message: 'this agent is a trial run of an update; it answers nothing' }),
      online: (isUp) => isUp && up(),
    },
  });
  await supervisor.evaluate();
  await online;
  await supervisor.stop();
}
