import { randomUUID } from 'node:crypto';
import type { AlertKind, AlertRuleView, AlertView, Severity } from '../../protocol/api/alerts.ts';
import { SERVER_KINDS } from '../../protocol/api/alerts.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { AlertsTable } from '../db/schema.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { AppError } from '../errors.ts';
import type { AlertFilter, AlertRow } from '../repos/alerts-repo.ts';
import type { Repos, Store } from '../repos/store.ts';
import type { AlertRules, Scope } from './alert-rules.ts';
import { createKeyedQueue } from './keyed-queue.ts';
import type { Silences } from './silences.ts';

/** A condition that came back within this long of its alert resolving reopens that alert (count + 1). */
export const FLAP_WINDOW_MS = 10 * 60_000;
/** A reopened (flapping) alert resolves only after its condition stayed clear this long. */
export const FLAP_HOLD_MS = 2 * 60_000;
/** Rows one sweep handles at most (the rest wait for the next). */
const SWEEP_LIMIT = 2000;

/** A condition as its source sees it. */
export interface Condition {
  kind: AlertKind;
  /** The node it concerns; null for the server's own conditions. */
  nodeId: string | null;
  /** What on the node (a source group) or on the server (a replica, a certificate) it is about. */
  subject?: string | null;
  summary: string;
  /** When the condition began, if before now (a node claimed an hour ago and never connected). */
  since?: number;
  /** The condition's own severity, over the rule's (a Netdata alert is WARNING or CRITICAL by itself). */
  severity?: Severity;
}

/** Where an alert's notifications go: the outbox (notifications/notifier.ts). */
export interface AlertOutbox {
  /** Queue `state` of this alert for the rule's channels, in the alert's transaction; false when nothing was queued. */
  queue(r: Repos, channelIds: string[], state: 'firing' | 'resolved', alert: AlertView): Promise<boolean>;
  /** Counted as muted (a silence holds). */
  muted(count: number): void;
}

export const conditionKey = (kind: string, nodeId: string | null, subject?: string | null) =>
  `${kind}|${nodeId ?? ''}|${subject ?? ''}`;

export function presentAlert(a: AlertsTable, hostname: string | null, silenced: boolean): AlertView {
  return {
    id: a.id,
    rule_id: a.rule_id,
    kind: a.kind as AlertKind,
    severity: a.severity as Severity,
    state: a.state === 'pending' ? 'firing' : a.state,
    node_id: a.node_id,
    hostname,
    subject: a.subject,
    summary: a.summary,
    since: a.since,
    fired_at: a.fired_at,
    resolved_at: a.resolved_at,
    acknowledged_by: a.acknowledged_by,
    acknowledged_at: a.acknowledged_at,
    ack_comment: a.ack_comment,
    count: a.count,
    silenced,
  };
}

/** A new alert of a condition under its rule, waiting its `for` from when the condition began. */
function newAlert(rule: AlertRuleView, c: Condition, spaceId: string | null, now: number): AlertsTable {
  const since = c.since ?? now;
  return {
    id: randomUUID(),
    rule_id: rule.id,
    kind: c.kind,
    severity: c.severity ?? rule.severity,
    key: conditionKey(c.kind, c.nodeId, c.subject),
    node_id: c.nodeId,
    space_id: spaceId,
    subject: c.subject ?? null,
    summary: c.summary,
    state: 'pending',
    since,
    fire_at: since + rule.for_seconds * 1000,
    fired_at: null,
    resolve_at: null,
    resolved_at: null,
    acknowledged_by: null,
    acknowledged_at: null,
    ack_comment: null,
    count: 1,
    notified: null,
    notified_at: null,
    repeat_at: null,
    updated_at: now,
  };
}

/**
 * The alert model: one alert per condition (kind, node, subject) while it holds, firing once it held for its
 * rule's `for`, acknowledged by a person, resolved by itself when the condition clears. Conditions come from the
 * events Muster already has (alert-sources.ts), never from scanning the fleet; the sweep (on one replica) fires
 * what waited long enough, resolves flapping alerts that stayed clear, and repeats unacknowledged ones.
 */
export function createAlertEngine(deps: {
  store: Store;
  clock: Clock;
  rules: AlertRules;
  silences: Silences;
  outbox: AlertOutbox;
}) {
  const { store, clock, rules, silences, outbox } = deps;
  const repo = () => store.repos.alerts;
  /** One chain per condition key, so a condition's raise and clear apply in the order they came. */
  const inOrder = createKeyedQueue();

  const nodeOf = async (r: Repos, id: string | null) => (id ? ((await r.nodes.findNode(id)) ?? null) : null);
  const roomsOf = async (r: Repos, id: string | null) =>
    id ? (await r.alerts.roomsOf([id])).map((x) => x.room_id) : [];

  async function scopeOf(kind: AlertKind, nodeId: string | null): Promise<Scope | null | undefined> {
    if (nodeId === null || SERVER_KINDS.has(kind)) return null;
    if (!(await rules.scoped(kind))) return { space_id: '', room_ids: [] };
    const node = await store.repos.nodes.findNode(nodeId);
    if (!node) return undefined;
    return { space_id: node.space_id, room_ids: await roomsOf(store.repos, nodeId) };
  }

  /**
   * Queue the alert's notification unless a silence mutes it; records what was notified. Runs inside a transaction:
   * it reads only through `r` (the rule and the silences were read before).
   */
  async function notify(r: Repos, a: AlertsTable, state: 'firing' | 'resolved', rule: AlertRuleView | null) {
    if (!rule) return;
    if (state === 'resolved' && (!rule.send_resolved || a.notified !== 'firing')) return;
    const node = await nodeOf(r, a.node_id);
    const silenced = await silences.mutes(a, () => roomsOf(r, a.node_id));
    if (silenced) {
      if (rule.channel_ids.length) outbox.muted(rule.channel_ids.length);
      return;
    }
    const queued = await outbox.queue(
      r,
      rule.channel_ids,
      state,
      presentAlert(a, node?.hostname ?? null, false),
    );
    if (queued) await r.alerts.update(a.id, { notified: state, notified_at: clock.now() });
  }

  async function fire(r: Repos, a: AlertsTable, rule: AlertRuleView) {
    const now = clock.now();
    const set = {
      state: 'firing' as const,
      fired_at: now,
      resolved_at: null,
      resolve_at: null,
      repeat_at: rule.repeat_seconds ? now + rule.repeat_seconds * 1000 : null,
      updated_at: now,
    };
    await r.alerts.update(a.id, set);
    await notify(r, { ...a, ...set }, 'firing', rule);
  }

  async function resolve(r: Repos, a: AlertsTable, rule: AlertRuleView | null) {
    const now = clock.now();
    const set = {
      state: 'resolved' as const,
      resolved_at: now,
      resolve_at: null,
      repeat_at: null,
      updated_at: now,
    };
    await r.alerts.update(a.id, set);
    await notify(r, { ...a, ...set }, 'resolved', rule);
  }
  /** The rule an alert was raised under (null once deleted), and silences up to date: read before a transaction. */
  async function ruleOf(a: AlertsTable) {
    await silences.fresh();
    return rules.cached(a.rule_id);
  }

  async function raise(c: Condition): Promise<void> {
    const key = conditionKey(c.kind, c.nodeId, c.subject);
    await inOrder(key, async () => {
      const scope = await scopeOf(c.kind, c.nodeId);
      if (scope === undefined) return; // the node is gone
      const rule = await rules.ruleFor(c.kind, scope);
      if (!rule) return;
      await silences.fresh();
      const now = clock.now();
      try {
        await store.transaction(async (r) => {
          const open = await r.alerts.findOpen(key);
          if (open) {
            // Still true: nothing new. Cleared a moment ago and back (flapping): the same alert, counted.
            if (open.resolve_at !== null)
              await r.alerts.update(open.id, { resolve_at: null, count: open.count + 1, updated_at: now });
            else if (open.summary !== c.summary || (c.severity && open.severity !== c.severity))
              await r.alerts.update(open.id, {
                summary: c.summary,
                severity: c.severity ?? open.severity,
                updated_at: now,
              });
            return;
          }
          // Back soon after it resolved: the same alert, counted, waiting its `for` again (a reconnect within it
          // leaves the alert resolved and sends nothing).
          const recent = await r.alerts.findResolvedSince(key, now - FLAP_WINDOW_MS);
          if (recent && recent.rule_id === rule.id) {
            await r.alerts.update(recent.id, {
              state: 'pending',
              summary: c.summary,
              severity: c.severity ?? recent.severity,
              count: recent.count + 1,
              fire_at: now + rule.for_seconds * 1000,
              updated_at: now,
            });
            if (rule.for_seconds === 0)
              await fire(
                r,
                { ...recent, summary: c.summary, count: recent.count + 1, resolved_at: null },
                rule,
              );
            return;
          }
          const node = await nodeOf(r, c.nodeId);
          const row = newAlert(rule, c, node?.space_id ?? null, now);
          await r.alerts.insert(row);
          if (row.fire_at <= now) await fire(r, row, rule);
        });
      } catch (err) {
        // Another replica raised the same condition at the same moment: its alert is the one.
        if (!isUniqueViolation(err)) throw err;
      }
    });
  }

  /** Clear one open alert (its row as read): a waiting one is forgotten, a firing one resolves. */
  async function clearOpen(open: AlertsTable) {
    const now = clock.now();
    // Waiting its `for`: a new condition is forgotten (one statement, the common case of a reconnect).
    if (open.state === 'pending' && open.fired_at === null) return void (await repo().delete(open.id));
    if (open.state === 'pending')
      return void (await repo().update(open.id, { state: 'resolved', resolved_at: now, updated_at: now }));
    if (open.count > 1)
      return void (await repo().update(open.id, { resolve_at: now + FLAP_HOLD_MS, updated_at: now }));
    const rule = await ruleOf(open);
    await store.transaction((r) => resolve(r, open, rule));
  }

  async function clearKey(key: string) {
    await inOrder(key, async () => {
      const open = await repo().findOpen(key);
      if (open && open.resolve_at === null) await clearOpen(open);
    });
  }

  return {
    raise,
    /** The condition no longer holds: a waiting alert is forgotten, a firing one resolves. */
    clear: (kind: AlertKind, nodeId: string | null, subject?: string | null) =>
      clearKey(conditionKey(kind, nodeId, subject)),
    /** Every open alert of kinds on a node clears (a node back online ends its offline and pending alerts). */
    async clearNode(nodeId: string, kinds?: AlertKind[]) {
      for (const a of await repo().openOfNode(nodeId))
        if (!kinds || kinds.includes(a.kind as AlertKind))
          await inOrder(a.key, async () => {
            // The common case (a node back within its rule's `for`, every node after a restart): one statement
            // that holds only if the alert is still as read. Anything else is read again and cleared as it is now.
            if (a.state === 'pending' && a.fired_at === null && (await repo().deleteWaiting(a.id))) return;
            const open = await repo().findOpen(a.key);
            if (open && open.resolve_at === null) await clearOpen(open);
          });
    },
    /** Clears every open alert of one kind and node whatever its subject. */
    async clearAllOf(kind: AlertKind, nodeId: string | null, except?: ReadonlySet<string>) {
      for (const a of await repo().openWithPrefix(conditionKey(kind, nodeId, '')))
        if (!except?.has(a.subject ?? '')) await clearKey(a.key);
    },
    /**
     * Fire what waited its `for`, resolve flapping alerts that stayed clear, repeat unacknowledged ones. Runs on one
     * replica; every statement reads through an index on a time, so its cost is what changed, not the fleet.
     */
    async sweep(): Promise<number> {
      const now = clock.now();
      let n = 0;
      for (const a of await repo().dueToFire(now, SWEEP_LIMIT)) {
        const rule = await ruleOf(a);
        await store.transaction(async (r) => {
          if (!rule || !rule.enabled) await r.alerts.delete(a.id);
          else await fire(r, a, rule);
        });
        n++;
      }
      for (const a of await repo().dueToResolve(now, SWEEP_LIMIT)) {
        const rule = await ruleOf(a);
        await inOrder(a.key, () => store.transaction((r) => resolve(r, a, rule)));
        n++;
      }
      for (const a of await repo().dueToRepeat(now, SWEEP_LIMIT)) {
        const rule = await ruleOf(a);
        await store.transaction(async (r) => {
          await r.alerts.update(a.id, {
            repeat_at: rule?.repeat_seconds ? now + rule.repeat_seconds * 1000 : null,
          });
          await notify(r, a, 'firing', rule);
        });
        n++;
      }
      return n;
    },
    /** After the server restarted, nodes get their rule's `for` again to reconnect before they alert. */
    async restarted(kinds: AlertKind[], graceMs: number) {
      await repo().postpone(kinds, clock.now() + graceMs);
    },
    /**
     * Raise one kind for many nodes at once, each waiting its rule's `for` from `since` (when the node went offline,
     * say): a few statements for the whole fleet. A condition raised meanwhile by another path is left as it is, and
     * a node that came back while they were written keeps none (its clearing may have looked before they were).
     */
    async raiseMany(
      kind: AlertKind,
      nodes: { id: string; space_id: string; summary: string; since?: number }[],
    ) {
      const scoped = await rules.scoped(kind);
      const now = clock.now();
      const rows: AlertsTable[] = [];
      for (const n of nodes) {
        const scope = scoped
          ? { space_id: n.space_id, room_ids: await roomsOf(store.repos, n.id) }
          : { space_id: '', room_ids: [] };
        const rule = await rules.ruleFor(kind, scope);
        if (!rule) continue;
        rows.push(
          newAlert(
            rule,
            { kind, nodeId: n.id, summary: n.summary, ...(n.since !== undefined ? { since: n.since } : {}) },
            n.space_id,
            now,
          ),
        );
      }
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await repo().insertMany(chunk);
        await repo().deleteWaitingOfReturned(chunk.map((a) => a.id));
      }
      return rows.length;
    },
    async ack(actor: Actor, id: string, comment: string | null) {
      const a = await repo().find(id);
      if (!a || a.state === 'pending') throw new AppError('NOT_FOUND', `no alert ${id}`);
      if (a.state === 'resolved') throw new AppError('ALERT_RESOLVED', 'the alert is resolved already');
      const by = actor.kind === 'user' || actor.kind === 'api_key' ? actor.username : actor.kind;
      const now = clock.now();
      await store.transaction(async (r) => {
        await r.alerts.update(id, {
          state: 'acknowledged',
          acknowledged_by: by,
          acknowledged_at: now,
          ack_comment: comment,
          repeat_at: null,
          updated_at: now,
        });
        await r.audit.record(
          actor,
          'alert.acknowledged',
          { type: 'alert', id },
          { kind: a.kind, node_id: a.node_id, comment },
        );
      });
      return this.get(id);
    },
    async get(id: string): Promise<AlertView> {
      const a = await repo().find(id);
      if (!a || a.state === 'pending') throw new AppError('NOT_FOUND', `no alert ${id}`);
      const node = await nodeOf(store.repos, a.node_id);
      await silences.fresh();
      return presentAlert(
        a,
        node?.hostname ?? null,
        await silences.mutes(a, () => roomsOf(store.repos, a.node_id)),
      );
    },
    async list(f: AlertFilter): Promise<{ alerts: AlertView[]; next: string | null }> {
      const rows: AlertRow[] = await repo().list({ ...f, limit: f.limit + 1 });
      const page = rows.slice(0, f.limit);
      await silences.fresh();
      const rooms = new Map<string, string[]>();
      for (const x of await repo().roomsOf([
        ...new Set(page.map((a) => a.node_id).filter((n): n is string => !!n)),
      ]))
        rooms.set(x.node_id, [...(rooms.get(x.node_id) ?? []), x.room_id]);
      const alerts: AlertView[] = [];
      for (const a of page)
        alerts.push(
          presentAlert(
            a,
            a.hostname,
            a.state !== 'resolved' && (await silences.mutes(a, async () => rooms.get(a.node_id ?? '') ?? [])),
          ),
        );
      const last = page.at(-1);
      return { alerts, next: rows.length > f.limit && last ? `${last.since}.${last.id}` : null };
    },
  };
}
export type AlertEngine = ReturnType<typeof createAlertEngine>;
