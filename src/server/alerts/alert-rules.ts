import { randomUUID } from 'node:crypto';
import type { AlertKind, AlertRuleView, Severity } from '../../protocol/api/alerts.ts';
import { SERVER_KINDS } from '../../protocol/api/alerts.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { AlertRulesTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';

export interface RuleInput {
  name: string;
  kind: AlertKind;
  severity: Severity;
  for_seconds: number;
  repeat_seconds?: number | null;
  space_id?: string | null;
  room_id?: string | null;
  channel_ids: string[];
  send_resolved?: boolean;
  enabled: boolean;
}

const HOUR = 3600;
/** The rules a new server starts with: every condition is visible; none is sent anywhere until a channel is added. */
export const DEFAULT_RULES: (Omit<RuleInput, 'channel_ids' | 'enabled'> & { id: string })[] = [
  {
    id: 'default-node-offline',
    name: 'Node offline',
    kind: 'node_offline',
    severity: 'critical',
    for_seconds: 300,
  },
  {
    id: 'default-node-pending',
    name: 'Node never connected',
    kind: 'node_pending',
    severity: 'info',
    for_seconds: HOUR,
  },
  {
    id: 'default-duplicate',
    name: 'Duplicate identity suspected',
    kind: 'duplicate_identity',
    severity: 'warning',
    for_seconds: 0,
  },
  {
    id: 'default-backup-failed',
    name: 'Backup failed',
    kind: 'backup_failed',
    severity: 'critical',
    for_seconds: 0,
  },
  {
    id: 'default-backup-overdue',
    name: 'Backup overdue',
    kind: 'backup_overdue',
    severity: 'warning',
    for_seconds: 0,
  },
  {
    id: 'default-check-failed',
    name: 'Repository check failed',
    kind: 'check_failed',
    severity: 'critical',
    for_seconds: 0,
  },
  {
    id: 'default-repo-locked',
    name: 'Repository locked',
    kind: 'repository_locked',
    severity: 'warning',
    for_seconds: 0,
  },
  {
    id: 'default-repo-init',
    name: 'Repository could not be initialised',
    kind: 'repository_init_failed',
    severity: 'warning',
    for_seconds: 0,
  },
  {
    id: 'default-update-failed',
    name: 'Agent update failed',
    kind: 'update_failed',
    severity: 'warning',
    for_seconds: 0,
  },
  { id: 'default-job-lost', name: 'Job lost', kind: 'job_lost', severity: 'info', for_seconds: 0 },
  {
    id: 'default-storage',
    name: 'Server storage unhealthy',
    kind: 'storage_unhealthy',
    severity: 'critical',
    for_seconds: 0,
  },
  {
    id: 'default-replica-lost',
    name: 'Cluster replica lost',
    kind: 'replica_lost',
    severity: 'critical',
    for_seconds: 0,
  },
  {
    id: 'default-certificate',
    name: 'Certificate expiring',
    kind: 'certificate_expiring',
    severity: 'warning',
    for_seconds: 0,
  },
  {
    id: 'default-channel-failing',
    name: 'Notification channel failing',
    kind: 'channel_failing',
    severity: 'warning',
    for_seconds: 0,
  },
  // Netdata's own alerts: the severity is the agent's (WARNING or CRITICAL), not the rule's.
  { id: 'default-netdata', name: 'Netdata alert', kind: 'netdata', severity: 'warning', for_seconds: 0 },
];

/** Default rules of kinds added after a database was first seeded: each is added once, then left to the admin. */
const LATER_DEFAULTS = ['default-netdata'];

/** Rules are re-read this often, so that a change made at another replica applies here too. */
const RELOAD_MS = 10_000;

export const presentRule = (r: AlertRulesTable): AlertRuleView => ({
  id: r.id,
  name: r.name,
  kind: r.kind as AlertKind,
  severity: r.severity as Severity,
  for_seconds: r.for_seconds,
  repeat_seconds: r.repeat_seconds,
  space_id: r.space_id,
  room_id: r.room_id,
  channel_ids: JSON.parse(r.channel_ids) as string[],
  send_resolved: r.send_resolved === 1,
  enabled: r.enabled === 1,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Where a condition is: the node's space and rooms, or nothing for the server's own conditions. */
export interface Scope {
  space_id: string;
  room_ids: string[];
}

/**
 * Alert rules: which conditions alert, after how long, how loud and where they are sent. For a condition the most
 * specific enabled rule of its kind applies (a room's over a space's over everything), so one condition is one
 * alert. Kept in memory, re-read after every change here and every few seconds.
 */
export function createAlertRules(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  let rules: AlertRuleView[] = [];
  let loadedAt = -Infinity;

  async function reload() {
    rules = (await store.repos.alerts.listRules()).map(presentRule);
    loadedAt = clock.now();
  }
  /** A reload under way, which every caller that finds the rules stale waits for (not one read each). */
  let reloading: Promise<void> | null = null;
  async function current() {
    if (clock.now() - loadedAt > RELOAD_MS) await (reloading ??= reload().finally(() => (reloading = null)));
    return rules;
  }

  async function checkRefs(input: Partial<RuleInput>) {
    if (input.kind && SERVER_KINDS.has(input.kind) && (input.space_id || input.room_id))
      throw new AppError(
        'VALIDATION_FAILED',
        `${input.kind} is about the server: its rules apply everywhere (no space or room)`,
      );
    if (input.room_id && !(await store.repos.spaces.findRoom(input.room_id)))
      throw new AppError('NOT_FOUND', `no room ${input.room_id}`);
    if (input.space_id && !(await store.repos.spaces.findSpace(input.space_id)))
      throw new AppError('NOT_FOUND', `no space ${input.space_id}`);
    for (const id of input.channel_ids ?? [])
      if (!(await store.repos.notifications.findChannel(id)))
        throw new AppError('NOT_FOUND', `no notification channel ${id}`);
  }

  return {
    reload,
    list: current,
    /** Rules of this kind that look at nodes' places (a space or room), so a condition needs its node's. */
    async scoped(kind: AlertKind) {
      return (await current()).some((r) => r.enabled && r.kind === kind && (r.space_id || r.room_id));
    },
    /** The rule that applies to a condition of `kind` at `scope` (null: the server), or null when none does. */
    async ruleFor(kind: AlertKind, scope: Scope | null): Promise<AlertRuleView | null> {
      let best: AlertRuleView | null = null;
      let bestRank = -1;
      for (const r of await current()) {
        if (!r.enabled || r.kind !== kind) continue;
        let rank = 0;
        if (r.room_id) {
          if (!scope?.room_ids.includes(r.room_id)) continue;
          rank = 2;
        } else if (r.space_id) {
          if (scope?.space_id !== r.space_id) continue;
          rank = 1;
        }
        if (rank > bestRank) [best, bestRank] = [r, rank];
      }
      return best;
    },
    /** A rule from the rules in memory (re-read every few seconds), null when there is none. */
    async cached(id: string): Promise<AlertRuleView | null> {
      return (await current()).find((r) => r.id === id) ?? null;
    },
    async get(id: string) {
      const r = await store.repos.alerts.findRule(id);
      if (!r) throw new AppError('NOT_FOUND', `no alert rule ${id}`);
      return presentRule(r);
    },
    async create(actor: Actor, input: RuleInput) {
      await checkRefs(input);
      const now = clock.now();
      const row: AlertRulesTable = {
        id: randomUUID(),
        name: input.name,
        kind: input.kind,
        severity: input.severity,
        for_seconds: input.for_seconds,
        repeat_seconds: input.repeat_seconds ?? null,
        space_id: input.space_id ?? null,
        room_id: input.room_id ?? null,
        channel_ids: JSON.stringify(input.channel_ids),
        send_resolved: input.send_resolved === false ? 0 : 1,
        enabled: input.enabled ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      await store.transaction(async (r) => {
        await r.alerts.insertRule(row);
        await r.audit.record(
          actor,
          'alert_rule.created',
          { type: 'alert_rule', id: row.id },
          { name: row.name, kind: row.kind },
        );
      });
      await reload();
      return presentRule(row);
    },
    async update(actor: Actor, id: string, patch: Partial<RuleInput>) {
      const was = await this.get(id);
      await checkRefs({
        ...patch,
        kind: patch.kind ?? was.kind,
        // An explicit null takes the rule out of its space or room.
        space_id: patch.space_id !== undefined ? patch.space_id : was.space_id,
        room_id: patch.room_id !== undefined ? patch.room_id : was.room_id,
      });
      const set: Partial<AlertRulesTable> = { updated_at: clock.now() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.kind !== undefined) set.kind = patch.kind;
      if (patch.severity !== undefined) set.severity = patch.severity;
      if (patch.for_seconds !== undefined) set.for_seconds = patch.for_seconds;
      if (patch.repeat_seconds !== undefined) set.repeat_seconds = patch.repeat_seconds;
      if (patch.space_id !== undefined) set.space_id = patch.space_id;
      if (patch.room_id !== undefined) set.room_id = patch.room_id;
      if (patch.channel_ids !== undefined) set.channel_ids = JSON.stringify(patch.channel_ids);
      if (patch.send_resolved !== undefined) set.send_resolved = patch.send_resolved ? 1 : 0;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      await store.transaction(async (r) => {
        await r.alerts.updateRule(id, set);
        await r.audit.record(
          actor,
          'alert_rule.updated',
          { type: 'alert_rule', id },
          { fields: Object.keys(patch) },
        );
      });
      await reload();
      return this.get(id);
    },
    async remove(actor: Actor, id: string) {
      const was = await this.get(id);
      await store.transaction(async (r) => {
        await r.alerts.deleteRule(id);
        await r.audit.record(actor, 'alert_rule.deleted', { type: 'alert_rule', id }, { name: was.name });
      });
      await reload();
    },
    /** A channel is gone: no rule sends to it any more. */
    async forgetChannel(r: Store['repos'], channelId: string) {
      for (const rule of await r.alerts.listRules()) {
        const ids = JSON.parse(rule.channel_ids) as string[];
        if (ids.includes(channelId))
          await r.alerts.updateRule(rule.id, {
            channel_ids: JSON.stringify(ids.filter((c) => c !== channelId)),
          });
      }
    },
    /**
     * A new server's rules (once per database: a rule deleted later stays deleted), and the default rule of each kind
     * added since (once too).
     */
    async ensureDefaults() {
      const insert = async (defaults: typeof DEFAULT_RULES) => {
        const now = clock.now();
        for (const d of defaults)
          await store.repos.alerts
            .insertRule({
              id: d.id,
              name: d.name,
              kind: d.kind,
              severity: d.severity,
              for_seconds: d.for_seconds,
              repeat_seconds: null,
              space_id: null,
              room_id: null,
              channel_ids: '[]',
              send_resolved: 1,
              enabled: 1,
              created_at: now,
              updated_at: now,
            })
            .catch(() => undefined); // another replica seeded it first
      };
      const later = (id: string) => `alert_rule_seeded:${id}`;
      if (await store.repos.cluster.setting('alert_rules_seeded')) {
        for (const id of LATER_DEFAULTS) {
          if (await store.repos.cluster.setting(later(id))) continue;
          await insert(DEFAULT_RULES.filter((d) => d.id === id));
          await store.repos.cluster.settingOnce(later(id), '1');
        }
      } else {
        if ((await store.repos.alerts.countRules()) === 0) await insert(DEFAULT_RULES);
        for (const id of LATER_DEFAULTS) await store.repos.cluster.settingOnce(later(id), '1');
        await store.repos.cluster.settingOnce('alert_rules_seeded', '1');
      }
      await reload();
    },
  };
}
export type AlertRules = ReturnType<typeof createAlertRules>;
