/**
 * Alerts, their rules, silences, notification channels and the events timeline, as the management API shows them
 * (binding: scripts rely on these paths and field names; docs/alerts.md).
 */
import { z } from 'zod';

const ms = z.number().describe('milliseconds since the Unix epoch');

/** Every condition Muster alerts on. */
export const ALERT_KINDS = [
  'node_offline',
  'node_pending',
  'duplicate_identity',
  'backup_failed',
  'backup_overdue',
  'check_failed',
  'repository_locked',
  'repository_init_failed',
  'update_failed',
  'job_lost',
  'storage_unhealthy',
  'replica_lost',
  'certificate_expiring',
  'channel_failing',
  /** A Netdata agent's own alert is WARNING or CRITICAL (its subject: `<chart>.<alert name>`, as Netdata names its alarms). */
  'netdata',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Conditions of the server itself rather than of one node: only rules for everything (no space or room) see them. */
export const SERVER_KINDS: ReadonlySet<AlertKind> = new Set([
  'storage_unhealthy',
  'replica_lost',
  'certificate_expiring',
  'channel_failing',
]);

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Worst first. */
export const severityRank = (s: string) => Math.max(0, SEVERITIES.indexOf(s as Severity));

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;

export const alertView = z.object({
  id: z.string(),
  rule_id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(SEVERITIES),
  state: z.enum(ALERT_STATES),
  node_id: z.string().nullable(),
  /** The node's name, or null for an alert about the server. */
  hostname: z.string().nullable(),
  /** What on the node it is about (a source group's id), or a server subject (a replica, a certificate). */
  subject: z.string().nullable(),
  summary: z.string(),
  since: ms.describe('when the condition began'),
  fired_at: ms.nullable(),
  resolved_at: ms.nullable(),
  acknowledged_by: z.string().nullable(),
  acknowledged_at: ms.nullable(),
  ack_comment: z.string().nullable(),
  /** Times the condition began while this alert was open (a flapping node is one alert with a count). */
  count: z.number().int(),
  /** A silence or maintenance window mutes its notifications now. */
  silenced: z.boolean(),
});
export type AlertView = z.infer<typeof alertView>;
export const alertPage = z.object({ alerts: z.array(alertView), next: z.string().nullable() });

export const alertRuleView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(SEVERITIES),
  for_seconds: z.number().int(),
  repeat_seconds: z.number().int().nullable(),
  space_id: z.string().nullable(),
  room_id: z.string().nullable(),
  channel_ids: z.array(z.string()),
  send_resolved: z.boolean(),
  enabled: z.boolean(),
  created_at: ms,
  updated_at: ms,
});
export type AlertRuleView = z.infer<typeof alertRuleView>;

export const silenceView = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS).nullable(),
  node_id: z.string().nullable(),
  room_id: z.string().nullable(),
  severity: z.enum(SEVERITIES).nullable(),
  starts_at: ms,
  ends_at: ms,
  comment: z.string(),
  created_by: z.string(),
  created_at: ms,
  /** It mutes now (started, not ended). */
  active: z.boolean(),
});
export type SilenceView = z.infer<typeof silenceView>;

export const CHANNEL_TYPES = [
  'webhook',
  'email',
  'slack',
  'discord',
  'teams',
  'mattermost',
  'ntfy',
  'gotify',
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const channelView = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  /** The configuration without its secrets: URLs show their origin only, passwords and secrets whether set. */
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  /** Delivery attempts failed in a row (3 or more raise a channel_failing alert). */
  failures: z.number().int(),
  last_error: z.string().nullable(),
  last_sent_at: ms.nullable(),
  created_at: ms,
  updated_at: ms,
});
export type ChannelView = z.infer<typeof channelView>;

export const deliveryAttemptView = z.object({
  at: ms,
  ok: z.boolean(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  notifications: z.number().int().describe('notifications this delivery carried (a group counts each)'),
  duration_ms: z.number().int(),
});
export const channelTestView = z.object({
  ok: z.boolean(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
});

export const NODE_EVENT_KINDS = [
  'claimed',
  'online',
  'offline',
  'removed',
  'taken_over',
  'duplicate',
  'repository',
  'backup_succeeded',
  'backup_failed',
  'update',
] as const;
export const nodeEventView = z.object({
  id: z.string(),
  at: ms,
  node_id: z.string().nullable(),
  hostname: z.string().nullable(),
  kind: z.enum(NODE_EVENT_KINDS),
  summary: z.string(),
});
export type NodeEventView = z.infer<typeof nodeEventView>;
export const eventPage = z.object({ events: z.array(nodeEventView), next: z.string().nullable() });

/** The home page: the fleet at a glance. */
export const overviewView = z.object({
  nodes: z.object({
    total: z.number().int(),
    online: z.number().int(),
    offline: z.number().int(),
    pending: z.number().int(),
    stale: z.number().int().describe('offline for longer than 7 days'),
  }),
  alerts: z.object({ critical: z.number().int(), warning: z.number().int(), info: z.number().int() }),
  backups: z.object({
    ok: z.number().int(),
    overdue: z.number().int(),
    failing: z.number().int(),
    bytes_protected: z.number().describe('bytes the last successful backup of every source group read'),
  }),
  recent_events: z.array(nodeEventView),
  noisiest_nodes: z.array(z.object({ node_id: z.string(), hostname: z.string(), alerts: z.number().int() })),
});
export type OverviewView = z.infer<typeof overviewView>;
