import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlertView, ChannelType } from '../../protocol/api/alerts.ts';
import type { Clock } from '../clock.ts';
import type { Sealer } from '../crypto.ts';
import type { NotificationChannelsTable, NotificationsTable } from '../db/schema.ts';
import type { Repos, Store } from '../repos/store.ts';
import { deliver, type ChannelConfig, type DeliveryResult } from './channel-types.ts';

/** New notifications of a channel wait this long, so that those of one outage go out as one message. */
export const GROUP_WAIT_MS = 2000;
/** A replica sending a batch holds it this long; if it dies meanwhile, another sends it after. */
const CLAIM_MS = 60_000;
/** The longest wait between two attempts, and how long a notification is tried before it is given up. */
const MAX_BACKOFF_MS = 15 * 60_000;
const GIVE_UP_MS = 24 * 3600_000;
/** Alerts one message lists at most (a webhook's `alerts`); a mass outage says how many more there were. */
const BATCH_LIMIT = 500;
/** Failed attempts in a row after which a channel raises its own alert. */
export const FAILING_AFTER = 3;

const backoff = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);

/** What the notifier tells of channels' health (the alerts it raises) and of its deliveries (metrics). */
export interface NotifierHooks {
  channelFailing(channel: NotificationChannelsTable, error: string): Promise<void>;
  channelRecovered(channel: NotificationChannelsTable): Promise<void>;
  delivered(type: string, result: 'sent' | 'failed' | 'muted', count: number): void;
}

/**
 * The notification outbox: an alert's notifications are rows written in the alert's own transaction, so none is
 * lost across a restart; one replica (the one running the cluster's periodic work) delivers them. New notifications
 * of one channel go out together after a short wait (one message for a mass outage); a failed delivery is retried
 * with backoff as the same batch; every attempt is recorded.
 */
export function createNotifier(deps: {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  log: Logger;
  /** The server's public URL, for links in notifications. */
  publicUrl: string | null;
  hooks: NotifierHooks;
}) {
  const { store, clock, sealer, log, hooks } = deps;
  const base = deps.publicUrl?.replace(/\/+$/, '') ?? null;
  /** Where a person acts on an alert: its node's page, or the alerts page for the server's own. */
  const alertsUrl = (a: AlertView | undefined) =>
    base && a ? (a.node_id ? `${base}/nodes/${a.node_id}` : `${base}/alerts`) : null;
  const open = (c: NotificationChannelsTable) => JSON.parse(sealer.open(c.config)) as ChannelConfig;

  async function send(
    channel: NotificationChannelsTable,
    state: 'firing' | 'resolved' | 'test',
    alerts: AlertView[],
  ): Promise<DeliveryResult & { duration_ms: number }> {
    const started = clock.now();
    const result = await deliver(channel.type as ChannelType, open(channel), {
      state,
      alerts,
      url: alerts.length === 1 ? alertsUrl(alerts[0]) : base ? `${base}/alerts` : null,
      publicUrl: deps.publicUrl,
    });
    return { ...result, duration_ms: Math.max(0, clock.now() - started) };
  }

  async function recordAttempt(
    channel: NotificationChannelsTable,
    batchId: string,
    count: number,
    r: DeliveryResult & { duration_ms: number },
  ) {
    const now = clock.now();
    await store.repos.notifications.recordAttempt({
      id: randomUUID(),
      channel_id: channel.id,
      batch_id: batchId,
      at: now,
      ok: r.ok ? 1 : 0,
      status_code: r.status_code,
      error: r.error,
      notifications: count,
      duration_ms: r.duration_ms,
    });
    const failures = r.ok ? 0 : channel.failures + 1;
    await store.repos.notifications.updateChannel(channel.id, {
      failures,
      last_error: r.ok ? channel.last_error : r.error,
      ...(r.ok ? { last_sent_at: now } : {}),
    });
    if (!r.ok && failures === FAILING_AFTER)
      await hooks.channelFailing(channel, r.error ?? 'delivery failed');
    if (r.ok && channel.failures >= FAILING_AFTER) await hooks.channelRecovered(channel);
  }

  /** One batch: notifications of one channel and state, sent as one message. */
  async function sendBatch(channel: NotificationChannelsTable | undefined, rows: NotificationsTable[]) {
    const now = clock.now();
    const ids = rows.map((x) => x.id);
    if (!channel || channel.enabled === 0) {
      await store.repos.notifications.update(ids, {
        status: 'failed',
        last_error: channel ? 'the channel is disabled' : 'the channel was deleted',
        claimed_until: null,
      });
      return;
    }
    const batchId = rows[0]!.batch_id ?? randomUUID();
    const state = rows[0]!.state as 'firing' | 'resolved';
    const alerts = rows.map((x) => JSON.parse(x.alert) as AlertView);
    const result = await send(channel, state, alerts);
    await recordAttempt(channel, batchId, rows.length, result);
    hooks.delivered(channel.type, result.ok ? 'sent' : 'failed', rows.length);
    const attempts = (rows[0]!.attempts ?? 0) + 1;
    if (result.ok)
      await store.repos.notifications.update(ids, {
        status: 'sent',
        sent_at: now,
        attempts,
        batch_id: batchId,
        claimed_until: null,
        last_error: null,
      });
    else {
      const givenUp = now - Math.min(...rows.map((x) => x.created_at)) > GIVE_UP_MS;
      await store.repos.notifications.update(ids, {
        status: givenUp ? 'failed' : 'pending',
        attempts,
        batch_id: batchId,
        next_attempt_at: now + backoff(attempts),
        claimed_until: null,
        last_error: result.error,
      });
      log.warn(
        { channel: channel.name, error: result.error, attempts },
        `notification channel ${channel.name} failed (${result.error}); ${givenUp ? 'given up after a day' : `retrying in ${backoff(attempts) / 1000} s`}`,
      );
    }
  }

  return {
    /** Queue `state` of `alert` for these channels, in the caller's transaction. */
    async queue(r: Repos, channelIds: string[], state: 'firing' | 'resolved', alert: AlertView) {
      const now = clock.now();
      await r.notifications.enqueue(
        channelIds.map((channel_id) => ({
          id: randomUUID(),
          channel_id,
          alert_id: alert.id,
          state,
          alert: JSON.stringify({ ...alert, state: state === 'resolved' ? 'resolved' : alert.state }),
          status: 'pending' as const,
          batch_id: null,
          attempts: 0,
          next_attempt_at: now + GROUP_WAIT_MS,
          claimed_until: null,
          last_error: null,
          created_at: now,
          sent_at: null,
        })),
      );
      return channelIds.length > 0;
    },
    muted: (count: number) => hooks.delivered('any', 'muted', count),
    /** Send what is due (on the replica running the periodic work): new notifications grouped, retries as they were. */
    async deliverDue(): Promise<number> {
      const now = clock.now();
      const due = await store.repos.notifications.claimDue(now, CLAIM_MS, BATCH_LIMIT * 4);
      if (due.length === 0) return 0;
      const batches = new Map<string, NotificationsTable[]>();
      for (const row of due) {
        const k = `${row.channel_id}|${row.batch_id ?? `new:${row.state}`}`;
        const list = batches.get(k) ?? [];
        if (list.length < BATCH_LIMIT) list.push(row);
        batches.set(k, list);
      }
      const channels = new Map((await store.repos.notifications.listChannels()).map((c) => [c.id, c]));
      let sent = 0;
      for (const rows of batches.values()) {
        try {
          await sendBatch(channels.get(rows[0]!.channel_id), rows);
          sent += rows.length;
        } catch (err) {
          log.warn({ err }, 'could not deliver notifications; trying again');
        }
      }
      // Rows beyond a batch's limit were claimed too; let them go to the next round.
      const taken = new Set([...batches.values()].flat().map((x) => x.id));
      await store.repos.notifications.update(
        due.filter((x) => !taken.has(x.id)).map((x) => x.id),
        { claimed_until: null },
      );
      return sent;
    },
    /**
     * A server alone starting again: the deliveries its previous run had claimed are free at once rather than when
     * their claims run out (no other process can be sending them). What that run sent without recording it goes
     * out again either way.
     */
    releaseClaims: () => store.repos.notifications.releaseClaims(),
    /** Send a test message through a channel now (not through the outbox); recorded like any attempt. */
    async test(channel: NotificationChannelsTable): Promise<DeliveryResult> {
      const result = await send(channel, 'test', []);
      await recordAttempt(channel, `test-${randomUUID()}`, 0, result);
      hooks.delivered(channel.type, result.ok ? 'sent' : 'failed', 1);
      return { ok: result.ok, status_code: result.status_code, error: result.error };
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
