/**
 * What the management API answers: one zod schema per view, used by the server to whitelist every response
 * (and to document it), and by the web UI for its types. Nothing here carries a secret except the values a
 * route exists to hand out once (a new API key, a new token).
 */
import { z } from 'zod';
import { userRole } from './accounts.ts';
import { JOB_TYPES } from '../jobs.ts';
import { backupOptions, retentionPolicy, SCHEDULE_ACTIONS } from '../schedules.ts';
import { role } from './roles.ts';

const ms = z.number().describe('milliseconds since the Unix epoch');
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

export const NODE_STATUSES = ['pending', 'online', 'offline', 'removed'] as const;
export const REPO_STATUSES = ['unknown', 'initializing', 'ready', 'init_failed'] as const;
export const AGENT_KINDS = ['muster', 'netdata'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];
export const roomRef = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  /** The room's rules put the node there (and take it out when it no longer matches); false: put there by hand. */
  by_rule: z.boolean().optional(),
});

export const nodeView = z.object({
  id: z.string(),
  hostname: z.string(),
  status: z.enum(NODE_STATUSES),
  since: ms,
  reason: z.string(),
  pending_stuck: z.boolean(),
  last_seen_at: nullable(ms),
  os: z.string().nullable(),
  os_version: z.string().nullable(),
  kernel: z.string().nullable(),
  arch: z.string().nullable(),
  cpus: z.number().nullable(),
  memory_bytes: z.number().nullable(),
  virtualization: z.string().nullable(),
  container: z.string().nullable(),
  agent_version: z.string().nullable(),
  /** A Muster agent older than the server: POST /api/hosts/{id}/agent-update updates it. */
  update_available: z.boolean(),
  /** The agent on the node's link: Muster's own or a stock Netdata agent (ACLK); null before its first link. */
  agent_kind: z.enum(AGENT_KINDS).nullable(),
  machine_guid: z.string().nullable(),
  space_id: z.string(),
  rooms: z.array(roomRef),
  tags: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  duplicate_suspected: z.boolean(),
  repo_status: z.enum(REPO_STATUSES),
  /** Where the node's backup repository is: its URL without credentials; null when it has none. */
  repo_location: z.string().nullable(),
  /** What restic said when the repository could not be initialised. */
  repo_message: z.string().nullable(),
  /** A lock that stopped the last repository job, explained; cleared by the next job that gets through. */
  repo_lock: z.string().nullable(),
  /** True when a source group of the node has no successful backup within its expected age. */
  backup_overdue: z.boolean(),
  created_at: ms,
  /** Claimed as ephemeral (an autoscaled VM, a CI runner): removed after its space's time offline. */
  ephemeral: z.boolean(),
  /** Offline longer than the server's stale age (--stale-days, default 7). */
  stale: z.boolean(),
  /** The agent runs `shell` jobs (started with --allow-shell-jobs); false for agents that refuse them. */
  shell_jobs: z.boolean(),
});
export type NodeView = z.infer<typeof nodeView>;

/** A node as the onboarding API's automation scripts know it: a "host". */
export const hostView = nodeView.pick({
  id: true,
  hostname: true,
  status: true,
  repo_status: true,
  repo_location: true,
  repo_message: true,
  repo_lock: true,
  backup_overdue: true,
  since: true,
  reason: true,
  last_seen_at: true,
  os: true,
  arch: true,
  agent_version: true,
  update_available: true,
  agent_kind: true,
  tags: true,
  rooms: true,
});
export type HostView = z.infer<typeof hostView>;

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'lost'] as const;
export const jobView = z.object({
  id: z.string(),
  host_id: z.string(),
  type: z.enum(JOB_TYPES),
  params: z.record(z.string(), z.unknown()),
  state: z.enum(JOB_STATES),
  created_by: z.string().nullable(),
  created_at: ms,
  started_at: nullable(ms),
  finished_at: nullable(ms),
  exit_code: z.number().nullable(),
  error: z.string().nullable(),
  schedule_id: z.string().nullable(),
  scheduled_for: nullable(ms),
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      "what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it",
    ),
});
export type JobView = z.infer<typeof jobView>;
export const jobLogLine = z.object({ seq: z.number(), stream: z.string(), data: z.string(), at: ms });
export const jobDetailView = jobView.extend({
  log: z.string(),
  log_lines: z.array(jobLogLine),
  output_withheld: z
    .boolean()
    .optional()
    .describe("true: the output is withheld (it needs the operator role on the job's node)"),
});
export type JobDetailView = z.infer<typeof jobDetailView>;

export const sourceGroupView = z.object({
  id: z.string(),
  host_id: z.string(),
  name: z.string(),
  paths: z.array(z.string()),
  excludes: z.array(z.string()),
  retention: retentionPolicy,
  tag: z.string(),
  options: backupOptions,
  plan_id: z
    .string()
    .nullable()
    .describe("the backup plan that gives the node this group (change it there); null: the node's own"),
  overdue_after_hours: z
    .number()
    .nullable()
    .describe(
      "how old the last successful backup may grow; null: the backup schedule's longest gap plus grace",
    ),
  created_at: ms,
  updated_at: ms,
});
export type SourceGroupView = z.infer<typeof sourceGroupView>;

export const scheduleView = z.object({
  id: z.string(),
  host_id: z.string(),
  source_group_id: z.string(),
  action: z.enum(SCHEDULE_ACTIONS),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  delay_seconds: z.number().describe("seconds after each cron time this node's run starts (a plan's spread)"),
  plan_id: z.string().nullable(),
  next_runs: z.array(z.string()).describe('next fire times, ISO 8601 in UTC'),
  warning: z
    .string()
    .nullable()
    .describe('why runs of this schedule cannot succeed now (e.g. the host has no ready repository)'),
  created_at: ms,
  updated_at: ms,
});
export type ScheduleView = z.infer<typeof scheduleView>;

/** How one source group's backups stand on a node (source_group null: backups outside any group). */
export const backupGroupHealth = z.object({
  source_group_id: z.string().nullable(),
  source_group: z.string().nullable(),
  last_success_at: nullable(ms),
  last_success_job: z.string().nullable(),
  snapshot_id: z.string().nullable(),
  data_added: z.number().nullable().describe('bytes the last successful backup added to the repository'),
  files_new: z.number().nullable(),
  files_changed: z.number().nullable(),
  files_total: z.number().nullable(),
  bytes_total: z.number().nullable(),
  duration_ms: z.number().nullable(),
  last_failure_at: nullable(ms),
  last_failure_job: z.string().nullable(),
  last_failure_reason: z.string().nullable(),
  max_age_ms: z.number().nullable().describe('how old the last success may grow; null: nothing expected'),
  due_at: nullable(ms),
  overdue: z.boolean(),
});
export const backupHealthView = z.object({
  overdue: z.boolean(),
  groups: z.array(backupGroupHealth),
  last_check: z
    .object({ job_id: z.string(), state: z.enum(JOB_STATES), finished_at: ms, error: z.string().nullable() })
    .nullable()
    .describe('the last restic check of the repository'),
});
export type BackupHealthView = z.infer<typeof backupHealthView>;

export const snapshotView = z.object({
  id: z.string(),
  short_id: z.string(),
  time: z.string(),
  hostname: z.string(),
  paths: z.array(z.string()),
  tags: z.array(z.string()),
  source_group: z.string().nullable().describe('the source group whose tag the snapshot carries'),
});
export const snapshotFilesView = z.object({
  snapshot: z.string(),
  path: z.string(),
  entries: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      path: z.string(),
      size: z.number().nullable(),
      mtime: z.string().nullable(),
    }),
  ),
  truncated: z.boolean().describe('true when the directory holds more entries than one answer lists'),
});

export const spaceView = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  role: role.nullable(),
});
export const roomView = z.object({
  id: z.string(),
  space_id: z.string(),
  name: z.string(),
  slug: z.string(),
  is_default: z.boolean(),
  created_at: ms,
  node_count: z.number(),
  /** Nodes matching any rule join the room (every key of a rule must match; `*` and `?` are wildcards). */
  rules: z.array(z.record(z.string(), z.string())),
});
export type RoomView = z.infer<typeof roomView>;

export const spaceTokenView = z.object({
  token: z.string(),
  expires_at: nullable(ms),
  max_uses: z.number().nullable(),
  uses: z.number(),
  created_at: ms,
});
export type SpaceTokenView = z.infer<typeof spaceTokenView>;

export const ENROLLMENT_STATES = ['active', 'used', 'expired', 'revoked'] as const;
export const enrollmentTokenView = z.object({
  id: z.string(),
  token_hash: z.string().describe('SHA-256 of the token (hex): what the onboarding guide revokes it by'),
  hostname: z.string().nullable(),
  state: z.enum(ENROLLMENT_STATES),
  created_by: z.string().nullable(),
  created_at: ms,
  expires_at: nullable(ms),
  revoked_at: nullable(ms),
  rooms: z.array(z.string()),
  tags: z.array(z.string()),
  has_repository: z.boolean(),
});
export type EnrollmentTokenView = z.infer<typeof enrollmentTokenView>;
export const mintedEnrollmentToken = z.object({
  id: z.string(),
  token: z.string().describe('shown once'),
  expires_at: z.string().describe('ISO 8601'),
  expires_at_ms: ms,
});

export const meView = z.object({
  user_id: z.string(),
  username: z.string(),
  role: role.nullable().describe('the highest role you hold anywhere (null: none yet)'),
  global_role: role
    .nullable()
    .describe('your role over the whole server (null: roles only in spaces or rooms)'),
  spaces: z.array(z.object({ space_id: z.string(), role })).optional(),
  rooms: z.array(z.object({ room_id: z.string(), space_id: z.string(), role })).optional(),
  /** How this session was signed in (password, password+totp, passkey, oidc, …). */
  method: z.string().optional(),
  /** The server requires a second factor and you have none: enrol one before anything else. */
  second_factor_required: z.boolean().optional(),
  /** You sign in with a password you did not choose (the generated first one): choose your own. */
  password_change_required: z.boolean().optional(),
});
export type MeView = z.infer<typeof meView>;
export const userView = z.object({
  id: z.string(),
  username: z.string(),
  role: userRole,
  disabled: z.boolean(),
  /** Signs in through the identity provider. */
  sso: z.boolean().optional(),
  /** Locked after too many failed sign-ins in a row; an admin unlocks it. */
  locked: z.boolean(),
  created_at: ms,
});
export type UserView = z.infer<typeof userView>;
export const newUserView = z.object({ id: z.string(), username: z.string(), role: userRole });

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  role,
  created_at: ms,
  last_used_at: nullable(ms),
  revoked_at: nullable(ms),
  owner: z.string(),
  space_id: z.string().nullable().optional(),
  room_id: z.string().nullable().optional(),
  expires_at: nullable(ms).optional(),
});
export type ApiKeyView = z.infer<typeof apiKeyView>;
export const newApiKeyView = z.object({
  id: z.string(),
  key: z.string().describe('shown once'),
  name: z.string(),
  role,
  space_id: z.string().nullable(),
  room_id: z.string().nullable(),
  expires_at: nullable(ms),
  created_at: ms,
});

export const sessionView = z.object({
  id: z.string(),
  created_at: ms,
  last_used_at: ms,
  expires_at: ms,
  address: z.string().nullable(),
  device: z.string().nullable().describe('the browser or client, as it named itself'),
  method: z.string(),
  current: z.boolean(),
});
export const roleBindingView = z.object({
  id: z.string().describe('`config:<n>` for a binding of --oidc-role-map (not deletable)'),
  user_id: z.string().nullable(),
  username: z.string().nullable(),
  oidc_group: z.string().nullable(),
  role,
  space_id: z.string().nullable(),
  room_id: z.string().nullable(),
  source: z.enum(['api', 'config']),
  created_at: nullable(ms),
});
export const secondFactorsView = z.object({
  totp: z.boolean(),
  recovery_codes_left: z.number(),
  passkeys: z.array(
    z.object({ id: z.string(), name: z.string(), created_at: ms, last_used_at: nullable(ms) }),
  ),
});

export const auditEventView = z.object({
  id: z.number(),
  at: ms,
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  actor_name: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  /** The target's name when it is a user or a node (null when it has none, or is gone). */
  target_name: z.string().nullable(),
  source_ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.infer<typeof auditEventView>;
export const auditPage = z.object({ events: z.array(auditEventView), next_before: z.number().nullable() });

export const serverInfoView = z.object({
  url: z.string(),
  ca_pin: z.string().nullable(),
  version: z.string(),
  install_ps1_sha256: z.string(),
});
export type ServerInfoView = z.infer<typeof serverInfoView>;
