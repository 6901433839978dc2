import type { Visible } from '../repos/query-parts.ts';
import type { Logger } from 'pino';
import type { OverviewView } from '../../protocol/api/alerts.ts';
import { SEVERITIES } from '../../protocol/api/alerts.ts';
import type { Clock, Timers } from '../clock.ts';
import type { Sealer } from '../crypto.ts';
import type { EventBus } from '../events/event-bus.ts';
import { createNodeEvents } from '../events/node-events.ts';
import { createChannelsService } from '../notifications/channels-service.ts';
import { createNotifier, FAILING_AFTER } from '../notifications/notifier.ts';
import type { Store } from '../repos/store.ts';
import { createAlertEngine } from './alert-engine.ts';
import { createAlertRules } from './alert-rules.ts';
import { createAlertSources } from './alert-sources.ts';
import { createSilences } from './silences.ts';

/** How often the replica running the periodic work fires, resolves and delivers. */
export const ALERT_TICK_MS = 1000;
const DAY_MS = 24 * 3600_000;
const STALE_MS = 7 * DAY_MS;

/**
 * Alerts, notifications and the events timeline, wired: rules and silences, the engine that keeps one alert per
 * condition, the sources that turn this process's events into conditions, the outbox and its channels.
 */
export function createAlerting(deps: {
  /** A node offline longer than this is counted stale on the home page. */
  staleMs?: number;
  store: Store;
  clock: Clock;
  timers: Timers;
  sealer: Sealer;
  bus: EventBus;
  log: Logger;
  /** The metrics alerting reports (observability.ts). */
  observability: {
    alertsGauge(read: () => Promise<{ kind: string; severity: string; n: number }[]>): void;
    notified(channelType: string, result: 'sent' | 'failed' | 'muted', count: number): void;
  };
  publicUrl: string | null;
  certificates: { name: string; pem: string }[];
  storageFailing: () => string | null;
}) {
  const { store, clock, log } = deps;
  const rules = createAlertRules({ store, clock });
  const silences = createSilences({ store, clock });
  // The engine and the notifier need each other (alerts queue notifications; a failing channel raises an alert):
  // the notifier reaches the engine through its hooks, set once both exist.
  let engineRef: ReturnType<typeof createAlertEngine> | null = null;
  const notifier = createNotifier({
    store,
    clock,
    sealer: deps.sealer,
    log: log.child({ part: 'notify' }),
    publicUrl: deps.publicUrl,
    hooks: {
      channelFailing: async (c, error) =>
        engineRef?.raise({
          kind: 'channel_failing',
          nodeId: null,
          subject: c.id,
          summary: `notification channel ${c.name} failed ${FAILING_AFTER} times in a row: ${error}`,
        }),
      channelRecovered: async (c) => engineRef?.clear('channel_failing', null, c.id),
      delivered: (type, result, n) => deps.observability.notified(type, result, n),
    },
  });
  const engine = createAlertEngine({ store, clock, rules, silences, outbox: notifier });
  engineRef = engine;
  const sources = createAlertSources({
    store,
    clock,
    engine,
    rules,
    log: log.child({ part: 'alerts' }),
    certificates: deps.certificates,
    storageFailing: deps.storageFailing,
  });
  const timeline = createNodeEvents({ store, clock, log });
  const channels = createChannelsService({
    store,
    clock,
    sealer: deps.sealer,
    notifier,
    forget: (r, id) => rules.forgetChannel(r, id),
    forgotten: () => rules.reload(),
  });
  deps.observability.alertsGauge(async () =>
    (await store.repos.alerts.openCounts()).map((r) => ({
      kind: r.kind,
      severity: r.severity,
      n: Number(r.n),
    })),
  );

  let unsubscribe: (() => void) | null = null;
  let timer: unknown = null;
  let ticking = false;

  return {
    rules,
    silences,
    engine,
    sources,
    timeline,
    channels,
    notifier,
    /** Where Netdata agents' alerts go (the ACLK link feeds them). */
    netdataAlerts: sources.netdata,
    /**
     * Hear this process's events, and every tick (on the replica running the periodic work, `leads()`) fire,
     * resolve, check and deliver.
     */
    start(leads: () => boolean) {
      unsubscribe = deps.bus.subscribeLocal((e) => {
        sources.handle(e);
        void timeline.record(e);
      });
      timer = deps.timers.setInterval(() => {
        if (ticking || !leads()) return;
        ticking = true;
        void (async () => {
          try {
            await engine.sweep();
            await sources.periodic();
            await notifier.deliverDue();
          } catch (err) {
            log.warn({ err }, 'alert sweep or delivery failed; trying again');
          } finally {
            ticking = false;
          }
        })();
      }, ALERT_TICK_MS);
    },
    /** Stop hearing events (before the links close at shutdown: the restart accounts for them). */
    stopListening() {
      unsubscribe?.();
      unsubscribe = null;
    },
    stop() {
      this.stopListening();
      deps.timers.clearInterval(timer);
    },
    /**
     * The server restarted: alerts that waited before the restart wait their rule's `for` again, so agents
     * reconnecting raise nothing. The nodes it found offline raise nothing now either: those still offline after
     * their rule's `for` are raised by the periodic check (alert sources, `offlineLong`), so the fleet reconnecting
     * at once writes no alert per node. Once per start (not a hot path).
     */
    async restarted() {
      const graceMs = Math.max(
        0,
        ...(await rules.list())
          .filter((r) => r.kind === 'node_offline' && r.enabled)
          .map((r) => r.for_seconds * 1000),
      );
      await engine.restarted(['node_offline'], graceMs);
    },
    /** The home page (of the nodes in `v`'s spaces and rooms, when given). */
    async overview(v?: Visible): Promise<OverviewView> {
      const now = clock.now();
      const [counts, open, backups, recent, noisiest] = await Promise.all([
        store.repos.nodes.statusCounts(now - (deps.staleMs ?? STALE_MS), v),
        store.repos.alerts.openCounts(v),
        store.repos.backups.summary(now, v),
        timeline.list({ limit: 10, ...(v ? { visibleTo: v } : {}) }),
        store.repos.alerts.noisiest(now - DAY_MS, 5, v),
      ]);
      const of = (s: string) => counts.find((c) => c.status === s);
      const alerts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as OverviewView['alerts'];
      for (const o of open) alerts[o.severity as keyof typeof alerts] += Number(o.n);
      return {
        nodes: {
          total: counts.reduce((n, c) => n + c.n, 0),
          online: of('online')?.n ?? 0,
          offline: of('offline')?.n ?? 0,
          pending: of('pending')?.n ?? 0,
          stale: of('offline')?.stale ?? 0,
        },
        alerts,
        backups: {
          ok: Math.max(0, backups.total - backups.overdue - backups.failing),
          overdue: backups.overdue,
          failing: backups.failing,
          bytes_protected: backups.bytes,
        },
        recent_events: recent.events,
        noisiest_nodes: noisiest.map((n) => ({
          node_id: n.node_id ?? '',
          hostname: n.hostname,
          alerts: Number(n.n),
        })),
      };
    },
  };
}
export type Alerting = ReturnType<typeof createAlerting>;
