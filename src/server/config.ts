import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isPostgresUrl } from './db/dialect.ts';

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, for example 0.0.0.0:8443 or [::]:8443');

/** An on/off setting: a flag's true, or true/false/1/0 from the environment or a file. */
const onOff = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

/** Every server setting, from flags, env and an optional JSON file. */
export const serverConfigSchema = z
  .object({
    dataDir: z.string().min(1).default('./muster-data'),
    listen: hostPort.default('0.0.0.0:8443'),
    publicUrl: z
      .url({
        protocol: /^https?$/,
        error: 'must be an http(s) URL, for example https://muster.example.com:8443',
      })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    db: z
      .string()
      .min(1)
      .refine((v) => isPostgresUrl(v) || !/^[a-z][a-z0-9+.-]+:/i.test(v), {
        error: (iss) =>
          `${String(iss.input).split(':')[0]}: is not a database Muster can use: give a SQLite file path (for example /var/lib/muster/muster.db) or postgres://user@host:5432/dbname`,
      })
      .optional(),
    /** NATS between replicas: set, with PostgreSQL, it makes this server one replica of a cluster. */
    nats: z
      .string()
      .regex(/^(nats|tls):\/\/\S+$/, 'must be a NATS URL, for example nats://127.0.0.1:4222')
      .optional(),
    /** NATS credentials: a user and password (the password from the environment or a file, never a flag). */
    natsUser: z.string().min(1).optional(),
    natsPassword: z.string().min(1).optional(),
    natsPasswordFile: z.string().min(1).optional(),
    /** NATS credentials: a token (from the environment or a file). */
    natsToken: z.string().min(1).optional(),
    natsTokenFile: z.string().min(1).optional(),
    /** NATS credentials: a `.creds` file (JWT and nkey seed) or a file holding an nkey seed. */
    natsCreds: z.string().min(1).optional(),
    natsNkey: z.string().min(1).optional(),
    /** TLS to NATS: the CA that signed the NATS server's certificate, and a client certificate if it asks for one. */
    natsCa: z.string().min(1).optional(),
    natsCert: z.string().min(1).optional(),
    natsKey: z.string().min(1).optional(),
    /** This replica's name in the cluster's list (default: host name and port). */
    replicaName: z.string().min(1).max(100).optional(),
    /** A replica silent this long is lost: its nodes go offline (cluster mode). */
    replicaLeaseSeconds: z.coerce.number().int().min(2).max(300).default(10),
    tls: z.enum(['auto', 'off']).default('auto'),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    /** The CA agents must trust when a reverse proxy presents the certificate: pinned, and served at /ca.pem. */
    agentCa: z.string().min(1).optional(),
    /** Where the agent executables and their manifest are (default: dist/agent of this install). */
    agentDir: z.string().min(1).optional(),
    adminPassword: z.string().min(12, 'must be at least 12 characters').optional(),
    masterKey: z
      .string()
      .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64')
      .optional(),
    /** During a master key rotation: the key before it, and the key it switches to (opened, never sealed with). */
    masterKeyPrevious: z
      .string()
      .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64')
      .optional(),
    masterKeyNext: z
      .string()
      .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64')
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** auto: one human line per event on a terminal, JSON otherwise. */
    logFormat: z.enum(['auto', 'pretty', 'json']).default('auto'),
    /** Agents beat this often; a node whose agent missed `missedHeartbeats` beats in a row goes offline. */
    heartbeatSeconds: z.coerce.number().int().min(1).max(600).default(12),
    missedHeartbeats: z.coerce.number().int().min(1).max(20).default(3),
    /** Days a closed link session (one row per connect) is kept. */
    linkHistoryDays: z.coerce.number().int().min(1).max(3650).default(30),
    /** Days an audit record is kept. */
    auditDays: z.coerce.number().int().min(1).max(36500).default(365),
    /** Days the events timeline, resolved alerts and sent notifications are kept. */
    eventDays: z.coerce.number().int().min(1).max(36500).default(90),
    /** Hours past a backup schedule's longest gap before its source group is overdue (26 h for a daily one). */
    backupGraceHours: z.coerce.number().min(0).max(8760).default(2),
    /** The largest file or archive a browser may download from a snapshot, in MiB. */
    backupDownloadMaxMb: z.coerce.number().int().min(1).max(1_048_576).default(1024),
    /** A node claimed this long ago that never connected is shown as stuck, with what to do. */
    pendingTimeoutMinutes: z.coerce.number().int().min(1).max(525_600).default(60),
    staleDays: z.coerce.number().positive().max(3650).default(7),
    loginPerMinute: z.coerce.number().int().min(1).max(100_000).default(10),
    /** Sign-in with a password: for everyone, for nobody (the identity provider only), or for global admins. */
    localLogin: z.enum(['on', 'off', 'admins']).default('on'),
    /** The OpenID Connect provider's issuer URL (discovery at <issuer>/.well-known/openid-configuration). */
    oidcIssuer: z.url().optional(),
    oidcClientId: z.string().min(1).optional(),
    oidcClientSecret: z.string().min(1).optional(),
    oidcClientSecretFile: z.string().min(1).optional(),
    oidcScopes: z.string().min(1).default('openid profile email'),
    /** The claim of the ID token (or userinfo) that lists the user's groups. */
    oidcGroupsClaim: z.string().min(1).default('groups'),
    /** Groups to roles: JSON (`{"group": {"role": "operator", "room": "web"}}`), or the path of a file holding it. */
    oidcRoleMap: z.string().min(1).optional(),
    claimPerMinute: z.coerce.number().int().min(1).max(1_000_000).default(120),
    linkAuthPerMinute: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** Who may read /metrics: anyone (true), or only with the metrics token or an API key (the default). */
    metricsPublic: onOff.default(false),
    /** The bearer token Prometheus sends for /metrics (from the environment or a file). */
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    metricsTokenFile: z.string().min(1).optional(),
    /** Start with an empty database although the data dir shows an earlier server (its database was lost). */
    initEmpty: onOff.default(false),
    /**
     * Whose X-Forwarded-For to believe: the proxies' addresses or CIDRs (comma-separated), or true for any address
     * (only when nothing but the proxy can reach the server).
     */
    trustProxy: z
      .union([
        onOff,
        z
          .string()
          .transform((v) =>
            v
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean),
          )
          .pipe(
            z
              .array(
                z
                  .string()
                  .regex(
                    /^(?:[0-9.]+|[0-9a-fA-F:]+)(?:\/\d{1,3})?$/,
                    'must be addresses or CIDRs, comma-separated (for example 10.0.0.5,10.0.1.0/24), or true',
                  ),
              )
              .min(1),
          ),
      ])
      .default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (Boolean(c.tlsCert) !== Boolean(c.tlsKey))
      ctx.addIssue({ code: 'custom', path: ['tlsCert'], message: '--tls-cert and --tls-key go together' });
    if (c.nats && !isPostgresUrl(c.db))
      ctx.addIssue({
        code: 'custom',
        path: ['nats'],
        message:
          'cluster mode needs PostgreSQL: give every replica the same --db postgres://... (SQLite serves one process)',
      });
    const natsAuth = [
      c.natsUser && 'a user (--nats-user)',
      (c.natsToken || c.natsTokenFile) && 'a token',
      c.natsCreds && 'a .creds file',
      c.natsNkey && 'an nkey seed',
    ].filter(Boolean);
    if (natsAuth.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['nats'],
        message: `give NATS one kind of credential, not ${natsAuth.join(' and ')}`,
      });
    if (c.natsUser && !c.natsPassword && !c.natsPasswordFile)
      ctx.addIssue({
        code: 'custom',
        path: ['natsUser'],
        message: 'a NATS user needs its password: MUSTER_NATS_PASSWORD or --nats-password-file',
      });
    if (Boolean(c.natsCert) !== Boolean(c.natsKey))
      ctx.addIssue({ code: 'custom', path: ['natsCert'], message: '--nats-cert and --nats-key go together' });
    if (c.oidcIssuer && !c.oidcClientId)
      ctx.addIssue({
        code: 'custom',
        path: ['oidcClientId'],
        message: '--oidc-issuer needs --oidc-client-id',
      });
    if (c.localLogin === 'off' && !c.oidcIssuer)
      ctx.addIssue({
        code: 'custom',
        path: ['localLogin'],
        message: '--local-login off needs an identity provider (--oidc-issuer); nobody could sign in',
      });
    if (c.tls === 'off' && c.tlsCert)
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: '--tls off cannot be combined with --tls-cert',
      });
  });
export type ServerConfig = Readonly<z.infer<typeof serverConfigSchema>>;

/** Environment variable for each setting. */
export const ENV_NAMES: Record<string, string> = {
  dataDir: 'MUSTER_DATA_DIR',
  listen: 'MUSTER_LISTEN',
  publicUrl: 'MUSTER_PUBLIC_URL',
  db: 'MUSTER_DB',
  nats: 'MUSTER_NATS_URL',
  natsUser: 'MUSTER_NATS_USER',
  natsPassword: 'MUSTER_NATS_PASSWORD',
  natsPasswordFile: 'MUSTER_NATS_PASSWORD_FILE',
  natsToken: 'MUSTER_NATS_TOKEN',
  natsTokenFile: 'MUSTER_NATS_TOKEN_FILE',
  natsCreds: 'MUSTER_NATS_CREDS',
  natsNkey: 'MUSTER_NATS_NKEY',
  natsCa: 'MUSTER_NATS_CA',
  natsCert: 'MUSTER_NATS_CERT',
  natsKey: 'MUSTER_NATS_KEY',
  replicaName: 'MUSTER_REPLICA_NAME',
  replicaLeaseSeconds: 'MUSTER_REPLICA_LEASE_SECONDS',
  tls: 'MUSTER_TLS',
  tlsCert: 'MUSTER_TLS_CERT',
  tlsKey: 'MUSTER_TLS_KEY',
  agentCa: 'MUSTER_AGENT_CA',
  agentDir: 'MUSTER_AGENT_DIR',
  adminPassword: 'MUSTER_ADMIN_PASSWORD',
  masterKey: 'MUSTER_MASTER_KEY',
  masterKeyPrevious: 'MUSTER_MASTER_KEY_PREVIOUS',
  masterKeyNext: 'MUSTER_MASTER_KEY_NEXT',
  logLevel: 'MUSTER_LOG_LEVEL',
  logFormat: 'MUSTER_LOG_FORMAT',
  heartbeatSeconds: 'MUSTER_HEARTBEAT_SECONDS',
  missedHeartbeats: 'MUSTER_MISSED_HEARTBEATS',
  backupGraceHours: 'MUSTER_BACKUP_GRACE_HOURS',
  backupDownloadMaxMb: 'MUSTER_BACKUP_DOWNLOAD_MAX_MB',
  linkHistoryDays: 'MUSTER_LINK_HISTORY_DAYS',
  auditDays: 'MUSTER_AUDIT_DAYS',
  eventDays: 'MUSTER_EVENT_DAYS',
  pendingTimeoutMinutes: 'MUSTER_PENDING_TIMEOUT_MINUTES',
  staleDays: 'MUSTER_STALE_DAYS',
  loginPerMinute: 'MUSTER_LOGIN_PER_MINUTE',
  localLogin: 'MUSTER_LOCAL_LOGIN',
  oidcIssuer: 'MUSTER_OIDC_ISSUER',
  oidcClientId: 'MUSTER_OIDC_CLIENT_ID',
  oidcClientSecret: 'MUSTER_OIDC_CLIENT_SECRET',
  oidcClientSecretFile: 'MUSTER_OIDC_CLIENT_SECRET_FILE',
  oidcScopes: 'MUSTER_OIDC_SCOPES',
  oidcGroupsClaim: 'MUSTER_OIDC_GROUPS_CLAIM',
  oidcRoleMap: 'MUSTER_OIDC_ROLE_MAP',
  claimPerMinute: 'MUSTER_CLAIM_PER_MINUTE',
  linkAuthPerMinute: 'MUSTER_LINK_AUTH_PER_MINUTE',
  trustProxy: 'MUSTER_TRUST_PROXY',
  initEmpty: 'MUSTER_INIT_EMPTY',
  metricsPublic: 'MUSTER_METRICS_PUBLIC',
  metricsToken: 'MUSTER_METRICS_TOKEN',
  metricsTokenFile: 'MUSTER_METRICS_TOKEN_FILE',
};

/** A secret file's content without its trailing newline; an error naming the setting when it cannot be read. */
export function readSecretFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(`${setting} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** A configuration that does not validate; `message` lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Merge defaults < file < env < flags, validate once, and freeze. */
export function loadServerConfig(input: {
  flags: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  configFile?: string;
}): ServerConfig {
  let file: Record<string, unknown> = {};
  const path = input.configFile ?? input.env.MUSTER_CONFIG;
  if (path) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError([`config file ${path}: ${(err as Error).message}`]);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const v = input.env[name];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const flags = Object.fromEntries(Object.entries(input.flags).filter(([, v]) => v !== undefined));
  const merged = { ...file, ...fromEnv, ...flags };
  const parsed = serverConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        const where = key
          ? `${key} (--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} / ${ENV_NAMES[key] ?? 'config file'})`
          : 'config';
        return i.code === 'unrecognized_keys'
          ? `unknown setting(s): ${i.keys.join(', ')}`
          : `${where}: ${i.message}`;
      }),
    );
  }
  return Object.freeze(parsed.data);
}
