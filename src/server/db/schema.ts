import type { AgentKind } from '../../protocol/api/views.ts';
import type { Generated } from 'kysely';

export type RepoStatus = 'unknown' | 'initializing' | 'ready' | 'init_failed';

/** Row types of every table; timestamps are epoch milliseconds, booleans 0/1, JSON as text. */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  /** The role over the whole server; `none` for a user who holds roles only in spaces or rooms. */
  role: 'admin' | 'operator' | 'viewer' | 'none';
  disabled: number;
  created_at: number;
  /** `<issuer> <sub>` for a user who signs in through the OpenID provider. */
  oidc_subject?: string | null;
  /** The provider's groups at the user's last sign-in (JSON array). */
  oidc_groups?: string | null;
  /** The TOTP secret, sealed; and one being enrolled until its first code confirms it. */
  totp_secret_enc?: string | null;
  totp_pending_enc?: string | null;
  /** The last time step a code was accepted for (a code is good once). */
  totp_last_step?: number | null;
  /** Sign-in failures in a row, from any address (0 after a success or an unlock). */
  failed_logins?: number;
  last_failed_at?: number | null;
  /** Set when the failures locked the account; an admin unlocks it. */
  locked_at?: number | null;
  /** 1 while the user still has a password they did not choose (the first admin's generated one). */
  password_change_required?: number;
}
export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  source_ip: string | null;
  last_used_at?: number | null;
  user_agent?: string | null;
  /** How the session was opened: password, password+totp, recovery, passkey, oidc. */
  method?: string | null;
  /** 1: the user must enrol a second factor before anything else. */
  restricted?: number;
  /** The identity provider's ID token of an OpenID sign-in (its end-session endpoint wants it back). */
  id_token?: string | null;
}
export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  key_hash: string;
  role: 'admin' | 'operator' | 'viewer';
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** The key acts only in this space or room (null: wherever its owner may). */
  space_id?: string | null;
  room_id?: string | null;
  expires_at?: number | null;
}
export interface RoleBindingsTable {
  id: string;
  user_id: string | null;
  oidc_group: string | null;
  role: 'admin' | 'operator' | 'viewer';
  space_id: string | null;
  room_id: string | null;
  created_at: number;
}
export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: number | null;
}
export interface PasskeysTable {
  /** The credential id, base64url. */
  id: string;
  user_id: string;
  name: string;
  /** The COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of the authenticator's transports. */
  transports: string;
  created_at: number;
  last_used_at: number | null;
}
export interface AuthChallengesTable {
  id: string;
  purpose: 'webauthn_register' | 'webauthn_login' | 'oidc';
  user_id: string | null;
  data: string;
  expires_at: number;
}
export interface SpacesTable {
  id: string;
  name: string;
  slug: string;
  created_at: number;
  /** JSON SpaceSettings: when ephemeral and stale nodes are removed, whether agents may announce themselves. */
  settings?: string;
}
export interface SpaceMembersTable {
  space_id: string;
  user_id: string;
  role: 'admin' | 'operator' | 'viewer';
}
export interface RoomsTable {
  id: string;
  space_id: string;
  name: string;
  slug: string;
  is_default: number;
  created_at: number;
  /** JSON RoomRule[]: nodes matching any rule join the room (at claim and when their facts change). */
  rules?: string;
}
export interface RoomNodesTable {
  room_id: string;
  node_id: string;
  /** 1 when a rule of the room put the node there (and takes it out when it no longer matches). */
  by_rule?: number;
}
/** An agent that announced itself without a token, until an operator approves or rejects it. */
export interface AnnouncementsTable {
  id: string;
  space_id: string;
  /** The node id the agent will link with once approved. */
  node_id: string;
  hostname: string;
  public_key: string;
  /** SHA-256 of the public key (hex): what people compare, and what a rejection refuses from then on. */
  fingerprint: string;
  /** JSON facts the agent sent (os, arch, labels, …). */
  facts: string;
  source_ip: string | null;
  state: 'pending' | 'approved' | 'rejected';
  created_at: number;
  expires_at: number;
  decided_by: string | null;
  decided_at: number | null;
}
export interface TokensTable {
  id: string;
  kind: 'space_claim' | 'enrollment';
  space_id: string;
  secret_hash: string;
  secret_enc: string | null;
  created_by: string | null;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
  hostname: string | null;
  rooms: string;
  tags: string;
  config: string;
  secrets_enc: string | null;
  /** 1: nodes claimed with it are ephemeral. */
  ephemeral?: number;
}
export interface NodesTable {
  id: string;
  space_id: string;
  hostname: string;
  machine_guid: string | null;
  status: 'pending' | 'online' | 'offline' | 'removed';
  since: number;
  reason: string;
  last_seen_at: number | null;
  os: string | null;
  os_version: string | null;
  kernel: string | null;
  arch: string | null;
  cpus: number | null;
  memory_bytes: number | null;
  virtualization: string | null;
  container: string | null;
  agent_version: string | null;
  agent_kind: AgentKind | null;
  labels: string;
  tags: string;
  duplicate_suspected: number;
  token_id: string | null;
  created_at: number;
  /** Configuration handed to the agent over the link (JSON), e.g. initial backup paths. */
  config: string;
  repo_status: RepoStatus;
  /** The replica holding the node's link (cluster mode); null in a single process. */
  link_replica: string | null;
  /** Where the node's repository is: its URL without credentials. */
  repo_location: string | null;
  /** What restic said when the repository could not be initialised. */
  repo_message: string | null;
  /** A lock that stopped the last repository job, explained; cleared by the next job that gets through. */
  repo_lock: string | null;
  /** The soonest time one of the node's source groups falls overdue (no successful backup by then). */
  backup_due_at: number | null;
  /** The backup plan the node's repository was made from (and that plan's template then); null: set by hand. */
  repo_plan_id: string | null;
  repo_plan_template: string | null;
  /** What restic last said of the repository's size and snapshots (JSON, RepositoryStatsView), or null. */
  repo_stats: string | null;
  /** 1: claimed as ephemeral; removed after its space's time offline. */
  ephemeral?: number;
  /** JSON list of what the agent said it does beyond the defaults (`jobs/shell`); null before its first link. */
  capabilities?: string | null;
}
export interface BackupPlansTable {
  id: string;
  space_id: string;
  /** The room the plan is attached to; null: every node of the space. */
  room_id: string | null;
  name: string;
  /** JSON BackupPlanSpec without its secrets. */
  spec: string;
  /** JSON {password?, env?, ssh_key?, copy_password?, copy_env?} of the repository templates, sealed. */
  secrets_enc: string | null;
  /** When the server last started the plan's copy to its second repository (its schedule runs on the server). */
  copy_fired_at: number | null;
  created_at: number;
  updated_at: number;
}
export interface BackupPlanOverridesTable {
  node_id: string;
  /** JSON: the plan fields this node sets itself. */
  spec: string;
  updated_at: number;
}
export interface NodeSecretsTable {
  node_id: string;
  /** PEM public key for challenge/response; empty for bearer-enrolled nodes. */
  public_key: string;
  bearer_hash: string | null;
  /** Repository credentials (JSON) sealed with the master key. */
  repo_enc: string | null;
}
export interface LinkSessionsTable {
  id: string;
  node_id: string;
  opened_at: number;
  closed_at: number | null;
  remote_addr: string | null;
  agent_version: string | null;
  close_reason: string | null;
  /** The replica that held this link (cluster mode). */
  replica_id: string | null;
}
/** A server replica of a cluster, alive while its lease runs. */
export interface ReplicasTable {
  id: string;
  name: string;
  started_at: number;
  renewed_at: number;
  lease_until: number;
  links: number;
  /** 1 while this replica runs the cluster's periodic work. */
  leader: number;
  /** When it last ran that work. */
  work_at: number | null;
}
/** A lease only one replica holds at a time (the cluster's periodic work). */
export interface ClusterLeasesTable {
  name: string;
  holder: string;
  until: number;
}
/** Single-use values (answered challenges, used link passwords) until they expire. */
export interface UsedNoncesTable {
  key: string;
  expires_at: number;
}
export interface ServerSettingsTable {
  name: string;
  value: string;
}
export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  source_ip: string | null;
  detail: string;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
export interface JobsTable {
  id: string;
  node_id: string;
  type: string;
  params: string;
  state: JobState;
  created_by: string | null;
  created_at: number;
  expires_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  error: string | null;
  log_bytes: number;
  schedule_id: string | null;
  scheduled_for: number | null;
  /** What the job produced (JSON): a backup's summary, a restore's target, the lock that stopped it. */
  result: string | null;
}
/** How one source group's backups stand on one node ('' for backups outside any group). */
export interface BackupStatusTable {
  node_id: string;
  source_group_id: string;
  /** Since when a backup is expected: the group's creation, or its last success. */
  expected_since: number;
  /** How old the last success may grow; null when none is expected. */
  max_age_ms: number | null;
  due_at: number | null;
  last_success_at: number | null;
  last_success_job: string | null;
  snapshot_id: string | null;
  data_added: number | null;
  files_new: number | null;
  files_changed: number | null;
  files_total: number | null;
  bytes_total: number | null;
  duration_ms: number | null;
  last_failure_at: number | null;
  last_failure_job: string | null;
  last_failure_reason: string | null;
}
export interface SourceGroupsTable {
  id: string;
  node_id: string;
  name: string;
  /** JSON array of absolute paths. */
  paths: string;
  /** JSON array of restic exclude patterns. */
  excludes: string;
  /** JSON object of keep_* counts. */
  retention: string;
  tag: string;
  /** How old the group's last successful backup may grow before it is overdue; null: from its schedule. */
  overdue_after_hours: number | null;
  /** JSON BackupOptions: exclude switches, hooks, tags, what follows a backup, how much a check reads. */
  options: string;
  /** The backup plan that gave the node this group (it changes only with the plan); null: the node's own. */
  plan_id: string | null;
  created_at: number;
  updated_at: number;
}
export type ScheduleAction = 'backup' | 'forget' | 'check';
export interface SchedulesTable {
  id: string;
  node_id: string;
  source_group_id: string;
  action: ScheduleAction;
  cron: string;
  timezone: string;
  enabled: number;
  /** Seconds after each cron time the run starts (a plan's per-node spread). */
  delay_seconds: number;
  plan_id: string | null;
  created_at: number;
  updated_at: number;
}
export interface JobLogsTable {
  job_id: string;
  seq: number;
  stream: string;
  data: string;
  at: number;
}

export interface StorageProbeTable {
  id: number;
  data: string;
}

export interface AlertRulesTable {
  id: string;
  name: string;
  kind: string;
  severity: string;
  for_seconds: number;
  repeat_seconds: number | null;
  space_id: string | null;
  room_id: string | null;
  /** JSON array of channel ids. */
  channel_ids: string;
  send_resolved: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}
export type AlertState = 'pending' | 'firing' | 'acknowledged' | 'resolved';
export interface AlertsTable {
  id: string;
  rule_id: string;
  kind: string;
  severity: string;
  /** The condition: kind, node and subject; one open alert per key. */
  key: string;
  node_id: string | null;
  space_id: string | null;
  /** What on the node the alert is about (a source group), or a server-wide subject. */
  subject: string | null;
  summary: string;
  state: AlertState;
  /** When the condition began. */
  since: number;
  /** When a pending alert fires (since + the rule's `for`). */
  fire_at: number;
  fired_at: number | null;
  /** A cleared alert that flapped resolves at this time unless its condition returns first. */
  resolve_at: number | null;
  resolved_at: number | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  ack_comment: string | null;
  /** How many times the condition began while this alert was open or recently resolved. */
  count: number;
  /** The last state notified: 'firing' or 'resolved'. */
  notified: string | null;
  notified_at: number | null;
  /** When a firing, unacknowledged alert is next repeated. */
  repeat_at: number | null;
  updated_at: number;
}
export interface SilencesTable {
  id: string;
  kind: string | null;
  node_id: string | null;
  room_id: string | null;
  severity: string | null;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string;
  created_at: number;
}
export interface NotificationChannelsTable {
  id: string;
  name: string;
  type: string;
  /** The channel's configuration as JSON, sealed (it holds secrets: URLs with tokens, passwords). */
  config: string;
  enabled: number;
  /** Delivery attempts failed in a row. */
  failures: number;
  last_error: string | null;
  last_sent_at: number | null;
  created_at: number;
  updated_at: number;
}
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'muted';
export interface NotificationsTable {
  id: string;
  channel_id: string;
  alert_id: string | null;
  /** 'firing', 'resolved' or 'test'. */
  state: string;
  /** The alert as it was when this was queued (JSON of the alert view). */
  alert: string;
  status: NotificationStatus;
  /** The delivery it went out with; retries resend the same batch. */
  batch_id: string | null;
  attempts: number;
  next_attempt_at: number;
  /** A replica delivering it holds it until then. */
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}
export interface NotificationAttemptsTable {
  id: string;
  channel_id: string;
  batch_id: string;
  at: number;
  ok: number;
  status_code: number | null;
  error: string | null;
  notifications: number;
  duration_ms: number;
}
export interface NodeEventsTable {
  id: string;
  at: number;
  node_id: string | null;
  hostname: string | null;
  space_id: string | null;
  kind: string;
  summary: string;
}

export interface Database {
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  silences: SilencesTable;
  notification_channels: NotificationChannelsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  node_events: NodeEventsTable;
  storage_probe: StorageProbeTable;
  jobs: JobsTable;
  job_logs: JobLogsTable;
  backup_status: BackupStatusTable;
  source_groups: SourceGroupsTable;
  schedules: SchedulesTable;
  backup_plans: BackupPlansTable;
  backup_plan_overrides: BackupPlanOverridesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  spaces: SpacesTable;
  space_members: SpaceMembersTable;
  rooms: RoomsTable;
  room_nodes: RoomNodesTable;
  tokens: TokensTable;
  nodes: NodesTable;
  node_secrets: NodeSecretsTable;
  link_sessions: LinkSessionsTable;
  replicas: ReplicasTable;
  cluster_leases: ClusterLeasesTable;
  used_nonces: UsedNoncesTable;
  server_settings: ServerSettingsTable;
  role_bindings: RoleBindingsTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  auth_challenges: AuthChallengesTable;
  audit_events: AuditEventsTable;
  announcements: AnnouncementsTable;
}
