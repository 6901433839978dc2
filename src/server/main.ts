import { randomBytes, randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { createLogger, humanLogs } from './logging.ts';
import { formatPin } from '../protocol/pin.ts';
import { buildApp, type ClusterDeps, type Services } from './app.ts';
import { withStartupLock } from './cluster/membership.ts';
import { connectNats } from './cluster/nats-connect.ts';
import { createAuditRepo } from './repos/audit-repo.ts';
import { createClusterRepo } from './repos/cluster-repo.ts';
import { SYSTEM } from './actor.ts';
import { systemClock, type Clock } from './clock.ts';
import { readSecretFile, type ServerConfig } from './config.ts';
import { accessProblem } from './ownership.ts';
import { roleMapSchema, type RoleMap } from './auth/access-service.ts';
import { createSealer, type Sealer } from './crypto.ts';
import { corrupt, migrateToLatest, openDatabase, type OpenDatabase } from './db/database.ts';
import { resealStragglers } from './db/reseal.ts';
import { isPostgresUrl } from './db/dialect.ts';
import { databaseUnreachable } from './db/db-errors.ts';
import { systemTimers, type Timers } from './clock.ts';
import { ensureTlsMaterial, loadAgentCa, loadGivenTls, type TlsMaterial } from './tls/tls-files.ts';

export interface RunningServer {
  /** The URL agents and browsers use (the public URL when one is set). */
  url: string;
  /** Where this process listens, with its real scheme. */
  listenUrl: string;
  pin: string | null;
  services: Services;
  /** The open storage (tests break it on purpose to see server-side failures reported properly). */
  database: OpenDatabase;
  spaceId: string;
  /** Set on first run when the password was generated (also written to the data dir). */
  generatedAdminPassword: string | null;
  connectCommand: string;
  close(): Promise<void>;
}

function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

/** Non-internal addresses of this machine, for certificate names and the default public URL. */
function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && !a.internal)
    .map((a) => a.address);
}

/** How people sign in, from the configuration: passwords, the identity provider and the roles its groups give. */
export function signInSettings(config: ServerConfig) {
  let roleMap: RoleMap = {};
  if (config.oidcRoleMap) {
    const text = config.oidcRoleMap.trim().startsWith('{')
      ? config.oidcRoleMap
      : readSecretFile(config.oidcRoleMap, '--oidc-role-map');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`--oidc-role-map: not JSON: ${(err as Error).message}`, { cause: err });
    }
    const parsed = roleMapSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `--oidc-role-map: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    roleMap = parsed.data;
  }
  const secret =
    config.oidcClientSecret ??
    (config.oidcClientSecretFile
      ? readSecretFile(config.oidcClientSecretFile, '--oidc-client-secret-file')
      : null);
  return {
    localLogin: config.localLogin,
    roleMap,
    oidc: config.oidcIssuer
      ? {
          issuer: config.oidcIssuer,
          clientId: config.oidcClientId!,
          clientSecret: secret,
          scopes: config.oidcScopes,
          groupsClaim: config.oidcGroupsClaim,
        }
      : null,
  };
}

/** The master key: given in the configuration, kept in the data dir, or made there on first start. */
export function loadMasterKey(config: ServerConfig): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  const path = join(config.dataDir, 'master.key');
  const existing = readKeyFile(path);
  if (existing) return existing;
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}

/** Where a master key rotation keeps the key before it, and the key it is about to switch to. */
export const PREVIOUS_KEY_FILE = 'master.key.previous';
export const NEXT_KEY_FILE = 'master.key.next';

/** A 32-byte base64 key file, or null when there is none. */
export function readKeyFile(path: string): Buffer | null {
  if (!existsSync(path)) return null;
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}

/**
 * The sealer of this server: the master key seals; during a rotation the previous key (until every value is sealed
 * again) and the next one (before the rotation switches to it) still open. From MUSTER_MASTER_KEY_PREVIOUS /
 * MUSTER_MASTER_KEY_NEXT, or master.key.previous / master.key.next beside master.key.
 */
export function masterSealer(config: ServerConfig): Sealer {
  const current = loadMasterKey(config);
  const others = [
    config.masterKeyNext
      ? Buffer.from(config.masterKeyNext, 'base64')
      : readKeyFile(join(config.dataDir, NEXT_KEY_FILE)),
    config.masterKeyPrevious
      ? Buffer.from(config.masterKeyPrevious, 'base64')
      : readKeyFile(join(config.dataDir, PREVIOUS_KEY_FILE)),
  ].filter((k): k is Buffer => k !== null);
  return createSealer(current, others);
}

/**
 * Refuse to start a new server over a lost database: a data dir that holds a master key or a CA belonged to a
 * server with a fleet, and an empty or missing SQLite file there means its database is gone (a failed copy, a
 * wrong volume), not a first start. Starting anyway would make a new admin, space and token, and every agent of the
 * old fleet would be told that its node does not exist.
 */
export function refuseLostDatabase(dataDir: string, dbPath: string, initEmpty: boolean): void {
  const earlier = ['master.key', join('tls', 'ca.pem'), join('tls', 'ca-key.pem')].filter((f) =>
    existsSync(join(dataDir, f)),
  );
  if (earlier.length === 0 || initEmpty) return;
  const missing = !existsSync(dbPath);
  if (!missing && statSync(dbPath).size > 0) return;
  throw new Error(
    `the database ${dbPath} is ${missing ? 'missing' : 'empty'}, but ${dataDir} belonged to a server before (it holds ${earlier.join(', ')}): its fleet's records are not there. Restore the database from your backup (docs/operations.md#restore); to start over with an empty database on purpose, start once with --init-empty (nodes claimed before must be claimed again)`,
  );
}

/** Where the first start keeps the generated admin password, until it is changed. */
const INITIAL_PASSWORD_FILE = 'initial-admin-password';
/** Where the first-run connect command (it holds the claim token) goes when standard output is not a terminal. */
export const CONNECT_COMMAND_FILE = 'connect-command';

/**
 * Told of a password change (the server's, or an admin command's on the data dir): once the first admin's
 * password changes, the file holding the generated one is removed.
 */
export function initialPasswordKeeper(dataDir: string): (username: string) => void {
  return (username) => {
    if (username === 'admin') rmSync(join(dataDir, INITIAL_PASSWORD_FILE), { force: true });
  };
}

/** What the key check seals: a server that opens it holds the master key this database was set up with. */
const KEY_CHECK = 'muster master key check';

/**
 * Refuse to run with a master key other than the one the database was set up with: it could open none of the
 * sealed secrets, and its link passwords would be refused by the other replicas.
 */
export async function checkMasterKey(database: OpenDatabase, sealer: Sealer): Promise<void> {
  const stored = await createClusterRepo(database.db).settingOnce('master_key_check', sealer.seal(KEY_CHECK));
  let opened: string | null = null;
  try {
    opened = sealer.open(stored);
  } catch {
    opened = null;
  }
  if (opened !== KEY_CHECK)
    throw new Error(
      `the master key does not match this database: it was set up with another key, so this server could open none of its secrets. A server restored from a backup needs the backup's master.key in its data dir; replicas of one cluster share the key (MUSTER_MASTER_KEY, or the master.key of the first server's data dir) and the CA (its ca.pem and ca.key, or one --tls-cert); see docs/operations.md and docs/cluster.md (database ${database.location})`,
    );
}

/**
 * The command an operator pastes on a machine to claim it into the space. The token travels in the environment, not
 * as an argument: other local users can read a process's arguments, but not its environment.
 */
export function claimCommand(url: string, token: string, pin: string | null): string {
  return [
    `MUSTER_CLAIM_TOKEN=${token} muster-agent claim`,
    `--url ${url}`,
    pin ? `--ca-pin ${formatPin(pin)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * The start lines as JSON log lines (`event: server.start`): at any log level, as the plain lines of a terminal are
 * printed whatever the level.
 */
export function startLines(log: Logger, event = 'server.start'): (line: string) => void {
  const always = log.child({ event }, { level: 'info' });
  return (line) => always.info(line);
}

/** The start lines about the first admin's password and the CA pin agents are given. */
function printCredentials(
  print: (line: string) => void,
  config: ServerConfig,
  o: {
    /** The generated password, shown until someone has signed in (a first start may have failed to listen). */
    shownPassword: string | null;
    firstStart: boolean;
    initialPasswordFile: string;
    pin: string | null;
    url: string;
  },
) {
  const { shownPassword, firstStart, initialPasswordFile, pin, url } = o;
  if (shownPassword) {
    print(`First admin: user "admin", password ${shownPassword}`);
    print(
      `  (shown until the first sign-in; also in ${initialPasswordFile}, readable only by you, until you sign in and change it)`,
    );
  } else if (firstStart) {
    print('First admin: user "admin", password from MUSTER_ADMIN_PASSWORD');
  } else {
    if (config.adminPassword)
      print(
        'MUSTER_ADMIN_PASSWORD is ignored: it sets the first admin password on the first start only; change passwords in the UI or with `muster user passwd NAME`',
      );
    if (existsSync(initialPasswordFile))
      print(
        `The first admin password is still the generated one in ${initialPasswordFile}: sign in and change it (the file is removed then)`,
      );
  }
  if (pin)
    print(
      `CA pin: ${formatPin(pin)}   (${config.agentCa ? `the proxy's CA from ${config.agentCa}` : "this server's own CA"}, at ${url}/ca.pem)`,
    );
  else if (url.startsWith('https://'))
    print(
      "CA pin: none; agents trust the system's CAs for the proxy's certificate (set --agent-ca if a private CA signed it)",
    );
  else
    print('CA pin: none; agents connect over plain HTTP (use https:// in --public-url with TLS at a proxy)');
}

/** Open storage, do first-run set-up, listen, and print what an operator needs. The only place that listens. */
export async function startServer(
  config: ServerConfig,
  opts: {
    clock?: Clock;
    timers?: Timers;
    log?: Logger;
    print?: (line: string) => void;
    /** Whether a person reads standard output (default: it is a terminal); else secrets go to files only. */
    terminal?: boolean;
    /** False: links open as on servers before signed upgrades (tests of agents against such a server). */
    linkSignatures?: boolean;
  } = {},
): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const timers = opts.timers ?? systemTimers;
  const log = opts.log ?? createLogger(config.logLevel, config.logFormat);
  // In JSON mode every line is JSON: the start lines are log records too.
  const print =
    opts.print ??
    (humanLogs(config.logFormat) ? (line: string) => process.stdout.write(`${line}\n`) : startLines(log));
  const terminal = opts.terminal ?? (opts.print !== undefined || process.stdout.isTTY === true);
  const dataDir = resolve(config.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw accessProblem(err, dataDir) ?? err;
  }

  const dbLocation = config.db ?? join(dataDir, 'muster.db');
  if (!isPostgresUrl(dbLocation)) refuseLostDatabase(dataDir, dbLocation, config.initEmpty);
  let database: OpenDatabase;
  const connectionLost = (err: Error) => {
    const why = databaseUnreachable(err) ?? err.message;
    log.warn({ err: why }, `a PostgreSQL connection was lost (${why}); it is replaced on the next query`);
  };
  try {
    database = openDatabase(dbLocation, {
      onHealthChange: (failing) =>
        failing
          ? log.error({ storage_error: failing }, `storage does not take writes: ${failing}`)
          : log.info('storage takes writes again'),
      onConnectionError: connectionLost,
    });
  } catch (err) {
    throw accessProblem(err, dbLocation) ?? err;
  }
  const { host, port } = splitHostPort(config.listen);
  let sealer: Sealer;
  try {
    sealer = masterSealer({ ...config, dataDir });
  } catch (err) {
    await database.close();
    throw accessProblem(err, join(dataDir, 'master.key')) ?? err;
  }
  const replicaName = config.replicaName ?? `${hostname()}:${port}`;
  let nc: NatsConnection | null = null;
  let cluster: ClusterDeps | null = null;
  /** The replica's lease connection (cluster mode). */
  let leases: OpenDatabase | null = null;
  const closeDatabases = async () => {
    await leases?.close().catch(() => undefined);
    await database.close();
  };
  // Replicas starting together take turns at migrating and first-run set-up.
  const setUp = <T>(fn: () => Promise<T>) => (config.nats ? withStartupLock(config.db!, fn) : fn());
  try {
    // NATS first: a replica that cannot reach the others changes nothing in the database.
    if (config.nats) nc = await connectNats(config, replicaName);
    await setUp(async () => {
      await migrateToLatest(database);
      await checkMasterKey(database, sealer);
      // After a rotation, what is still sealed under another key of the ring is sealed again under this one.
      if (sealer.rotating) {
        const n = await resealStragglers(database.db, sealer);
        if (n > 0) log.info({ values: n }, `sealed ${n} values again under the current master key`);
      }
    });
    if (nc) {
      const clusterId = await createClusterRepo(database.db).settingOnce('cluster_id', randomUUID());
      leases = openDatabase(dbLocation, { connections: 1, onConnectionError: connectionLost });
      cluster = {
        nc,
        prefix: `muster.${clusterId}`,
        replica: { id: randomUUID(), name: replicaName },
        leaseMs: config.replicaLeaseSeconds * 1000,
        leases: leases.db,
      };
    }
  } catch (err) {
    await nc?.close();
    await closeDatabases();
    throw corrupt(database, err) ?? accessProblem(err, database.location) ?? err;
  }

  const names = ['localhost', '127.0.0.1', '::1', hostname(), ...localAddresses()];
  if (config.publicUrl) names.push(new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, ''));
  if (host !== '0.0.0.0' && host !== '::') names.push(host);
  let tls: TlsMaterial | null = null;
  if (config.tlsCert && config.tlsKey) tls = loadGivenTls(config.tlsCert, config.tlsKey);
  else if (config.tls === 'auto') tls = await ensureTlsMaterial(dataDir, names);

  const initialPasswordFile = join(dataDir, INITIAL_PASSWORD_FILE);
  const forgetInitialPassword = initialPasswordKeeper(dataDir);
  // What agents must trust: the CA of the proxy in front (--agent-ca), else our own CA, else the system's CAs.
  let agentTrust: { caPem: string | null; pin: string | null } = {
    caPem: tls?.caPem ?? null,
    pin: tls?.pin ?? null,
  };
  if (config.agentCa) {
    try {
      agentTrust = loadAgentCa(config.agentCa);
    } catch (err) {
      throw new Error(`--agent-ca: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const { app, services } = await buildApp({
    ...(opts.linkSignatures === false ? { linkSignatures: false } : {}),
    onPasswordChanged: forgetInitialPassword,
    signIn: signInSettings(config),
    database,
    clock,
    timers,
    log,
    sealer,
    https: tls ? { key: tls.key, cert: tls.cert } : null,
    caPem: agentTrust.caPem,
    caPin: agentTrust.pin,
    publicUrl: config.publicUrl ?? null,
    ...(config.agentDir ? { agentDir: config.agentDir } : {}),
    heartbeatIntervalMs: config.heartbeatSeconds * 1000,
    missedHeartbeats: config.missedHeartbeats,
    backupGraceHours: config.backupGraceHours,
    backupDownloadMaxBytes: config.backupDownloadMaxMb * 1024 * 1024,
    retention: {
      linkHistoryDays: config.linkHistoryDays,
      auditDays: config.auditDays,
      eventDays: config.eventDays,
    },
    cluster,
    pendingTimeoutMinutes: config.pendingTimeoutMinutes,
    staleDays: config.staleDays,
    trustProxy: config.trustProxy,
    metrics: {
      public: config.metricsPublic,
      token:
        config.metricsToken ??
        (config.metricsTokenFile ? readSecretFile(config.metricsTokenFile, '--metrics-token-file') : null),
    },
    rateLimits: {
      login: config.loginPerMinute,
      claim: config.claimPerMinute,
      linkAuth: config.linkAuthPerMinute,
    },
  });

  // First run: the admin, the default space and its claim token (one replica at a time).
  const firstRun = await setUp(async () => {
    let generatedAdminPassword: string | null = null;
    let admin = await services.auth.findUserByUsername('admin');
    const firstStart = (await services.auth.countUsers()) === 0;
    if (firstStart) {
      const password = config.adminPassword ?? randomBytes(18).toString('base64url');
      if (!config.adminPassword) {
        generatedAdminPassword = password;
        writeFileSync(initialPasswordFile, `${password}\n`, { mode: 0o600 });
        chmodSync(initialPasswordFile, 0o600);
      }
      await services.auth.createUser(
        SYSTEM,
        { username: 'admin', password, role: 'admin' },
        { passwordChangeRequired: !config.adminPassword },
      );
      admin = await services.auth.findUserByUsername('admin');
    }
    // The first admin's generated password stays on disk only until it is changed (here, on another replica, or
    // with `muster user passwd` while this server was down).
    if (!firstStart && existsSync(initialPasswordFile)) {
      const initial = readFileSync(initialPasswordFile, 'utf8').trim();
      if (!(await services.auth.passwordIs('admin', initial))) forgetInitialPassword('admin');
    }
    const { space } = await services.spaces.ensureDefaultSpace(admin?.id ?? null);
    await services.alerting.rules.ensureDefaults();
    const spaceToken = await services.tokens.getSpaceToken(space.id);
    return { firstStart, space, spaceToken, generatedAdminPassword };
  });
  const { firstStart, space, spaceToken, generatedAdminPassword } = firstRun;
  // Until someone signs in, every start shows the first run's lines again: a first start that could not listen
  // (the port taken) must not have been the only chance to see them.
  const signedInYet = await createAuditRepo(database.db, clock).any('auth.login');
  const firstRunPending = firstStart || !signedInYet;
  // Shown again to a terminal only: a log keeps every start, and the file says where the password is.
  const shownPassword =
    generatedAdminPassword ??
    (firstRunPending && terminal && existsSync(initialPasswordFile)
      ? readFileSync(initialPasswordFile, 'utf8').trim()
      : null);
  // One process held every link, so none survived its restart; in a cluster the others' links live on, and the
  // nodes of a lost replica go offline when its lease runs out. The same for the deliveries it had claimed: a
  // replica's are taken up by another when their claims run out.
  if (services.membership) await services.membership.start();
  else {
    await services.presence.markAllOffline('server restarted; waiting for the agent to reconnect');
    await services.alerting.restarted();
    await services.alerting.notifier.releaseClaims();
  }

  try {
    await app.listen({ host, port });
  } catch (err) {
    // (the port taken): nothing keeps running; the next start shows the first run's lines again
    await app.close().catch(() => undefined);
    await nc?.drain().catch(() => undefined);
    await closeDatabases().catch(() => undefined);
    throw err;
  }
  const addr = app.server.address();
  const boundPort = typeof addr === 'object' && addr ? addr.port : port;
  const scheme = tls ? 'https' : 'http';
  const defaultHost =
    host === '0.0.0.0' || host === '::'
      ? (localAddresses().find((a) => !a.includes(':')) ?? '127.0.0.1')
      : host;
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const listenUrl = `${scheme}://${bracket(host)}:${boundPort}`;
  const url = config.publicUrl ?? `${scheme}://${bracket(defaultHost)}:${boundPort}`;
  const pin = agentTrust.pin;
  const connectCommand = claimCommand(url, spaceToken.token, pin);
  // What `muster token show` prints on this machine: the URL agents use.
  await createClusterRepo(database.db).putSetting('public_url', url);

  print(
    `Muster is listening on ${listenUrl}${tls ? '' : ' (plain HTTP: TLS belongs to the proxy in front)'}`,
  );
  print(
    config.publicUrl
      ? `Public URL: ${url} (agents, installers and browsers use it)`
      : `Public URL: ${url} (set --public-url if agents reach it by another name)`,
  );
  if (cluster) {
    const live = (await services.membership!.replicas()).length;
    print(
      `Mode: cluster replica "${replicaName}" (PostgreSQL + NATS at ${config.nats}); ${live} replica${live === 1 ? '' : 's'} live`,
    );
  } else
    print(
      `Mode: single process (${database.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}); for several replicas see docs/cluster.md`,
    );
  if (config.trustProxy === true)
    print(
      "Warning: --trust-proxy believes X-Forwarded-For from any address; give the proxies' addresses instead (--trust-proxy 10.0.0.5,10.0.1.0/24) unless nothing else can reach this server",
    );
  printCredentials(print, config, { shownPassword, firstStart, initialPasswordFile, pin, url });
  // The claim token is shown only until the first sign-in, and only to a terminal: journald and container logs
  // are read by many people, so there it goes to a file only the server's user can read.
  const commandFile = join(dataDir, CONNECT_COMMAND_FILE);
  if (firstRunPending && terminal) {
    print(`Connect a node to space "${space.name}" (shown until the first sign-in):`);
    print(`  ${connectCommand}`);
  } else if (firstRunPending) {
    writeFileSync(commandFile, `${connectCommand}\n`, { mode: 0o600 });
    chmodSync(commandFile, 0o600);
    print(
      `Connect a node: the command is in ${commandFile} (readable only by you; removed by the first start after someone signed in), or sign in at ${url} and use "Connect nodes"`,
    );
  } else {
    rmSync(commandFile, { force: true });
    print(`Connect nodes: sign in at ${url} and use "Connect nodes", or run \`muster token show\` here`);
  }

  return {
    url,
    listenUrl,
    pin,
    services,
    database,
    spaceId: space.id,
    generatedAdminPassword,
    connectCommand,
    async close() {
      await app.close();
      await nc?.drain().catch(() => undefined);
      await closeDatabases();
    },
  };
}
