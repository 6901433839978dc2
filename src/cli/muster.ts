#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadServerConfig } from '../server/config.ts';
import { createLogger, humanLogs } from '../server/logging.ts';
import { startLines, startServer } from '../server/main.ts';
import { copyDatabase } from '../server/db/database-copy.ts';
import { keyNew, keyPromote, keyRotate } from './key-commands.ts';
import { backupCommand, restoreCommand } from './backup-commands.ts';
import {
  addUser,
  listNodes,
  listUsers,
  resetSecondFactors,
  setDisabled,
  setPassword,
} from './admin-commands.ts';
import { spaceTokenCommand } from './token-commands.ts';
import { VERSION } from '../version.ts';

/** Flags shared by every command that opens the server's storage. */
function storageOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'JSON config file (MUSTER_CONFIG)')
    .option('--data-dir <dir>', 'data directory (MUSTER_DATA_DIR, default ./muster-data)')
    .option('--db <url>', 'database: a SQLite file path or postgres://... (MUSTER_DB)');
}

/** The validated server configuration from a command's options (flags > env > --config file > defaults). */
function configOf(opts: Record<string, unknown>) {
  const { config: configFile, ...flags } = opts;
  return loadServerConfig({ flags, env: process.env, configFile: configFile as string | undefined });
}

const program = new Command('muster').description('Muster server and admin commands').version(VERSION);
program.showHelpAfterError();

storageOptions(program.command('server').description('run the Muster server'))
  .option('--listen <host:port>', 'address to listen on (MUSTER_LISTEN, default 0.0.0.0:8443)')
  .option('--public-url <url>', 'URL agents and install scripts use to reach this server (MUSTER_PUBLIC_URL)')
  .addOption(
    new Option(
      '--tls <mode>',
      'auto: own CA and certificate; off: plain HTTP behind a TLS proxy (MUSTER_TLS)',
    ).choices(['auto', 'off']),
  )
  .option('--tls-cert <file>', 'certificate chain to serve instead of the generated one')
  .option('--tls-key <file>', 'private key of --tls-cert')
  .option(
    '--agent-ca <file>',
    "behind a TLS proxy: the CA (PEM) that signed the proxy's certificate; agents and installers pin it (MUSTER_AGENT_CA)",
  )
  .option(
    '--agent-dir <dir>',
    'serve the agent executables (and manifest.json) from this directory instead of the build (MUSTER_AGENT_DIR)',
  )
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (MUSTER_LOG_LEVEL)')
  .addOption(
    new Option(
      '--log-format <format>',
      'auto: one human line per event on a terminal, JSON otherwise (MUSTER_LOG_FORMAT)',
    ).choices(['auto', 'pretty', 'json']),
  )
  .option('--heartbeat-seconds <n>', 'agent heartbeat interval, default 12 (MUSTER_HEARTBEAT_SECONDS)')
  .option(
    '--stale-days <n>',
    'a node offline this many days is shown as stale, default 7; spaces may remove stale nodes (MUSTER_STALE_DAYS)',
  )
  .option(
    '--missed-heartbeats <n>',
    'beats missed in a row before a node is offline, default 3 (MUSTER_MISSED_HEARTBEATS)',
  )
  .option(
    '--backup-grace-hours <n>',
    "hours past a backup schedule's longest gap before its group is overdue, default 2 (MUSTER_BACKUP_GRACE_HOURS)",
  )
  .addOption(
    new Option(
      '--local-login <mode>',
      'password sign-in: on, off (identity provider only) or admins (break-glass), default on (MUSTER_LOCAL_LOGIN)',
    ).choices(['on', 'off', 'admins']),
  )
  .option('--oidc-issuer <url>', 'OpenID Connect provider to sign in with (MUSTER_OIDC_ISSUER)')
  .option('--oidc-client-id <id>', "this server's client id at the provider (MUSTER_OIDC_CLIENT_ID)")
  .option(
    '--oidc-client-secret-file <path>',
    'file holding the client secret (MUSTER_OIDC_CLIENT_SECRET_FILE)',
  )
  .option('--oidc-client-secret <secret>', 'the client secret; prefer the file or MUSTER_OIDC_CLIENT_SECRET')
  .option('--oidc-scopes <scopes>', "scopes asked for, default 'openid profile email' (MUSTER_OIDC_SCOPES)")
  .option(
    '--oidc-groups-claim <claim>',
    'the claim listing the user’s groups, default groups (MUSTER_OIDC_GROUPS_CLAIM)',
  )
  .option(
    '--oidc-role-map <json-or-file>',
    'groups to roles: {"group": {"role": "operator", "room": "web"}} or a file holding it (MUSTER_OIDC_ROLE_MAP)',
  )
  .option(
    '--backup-download-max-mb <n>',
    'the largest file or archive downloaded from a snapshot, default 1024 (MUSTER_BACKUP_DOWNLOAD_MAX_MB)',
  )
  .option(
    '--link-history-days <n>',
    'days closed link sessions are kept, default 30 (MUSTER_LINK_HISTORY_DAYS)',
  )
  .option('--audit-days <n>', 'days audit records are kept, default 365 (MUSTER_AUDIT_DAYS)')
  .option(
    '--event-days <n>',
    'days the events timeline, resolved alerts and sent notifications are kept, default 90 (MUSTER_EVENT_DAYS)',
  )
  .option(
    '--trust-proxy [addresses]',
    'take client addresses from X-Forwarded-For sent by these proxies (addresses or CIDRs, comma-separated; alone: any address) (MUSTER_TRUST_PROXY)',
  )
  .option(
    '--metrics-token-file <file>',
    'file holding the bearer token Prometheus sends for /metrics (or MUSTER_METRICS_TOKEN); API keys work too',
  )
  .option(
    '--metrics-public',
    'let anyone read /metrics (it lists node ids and host names) (MUSTER_METRICS_PUBLIC)',
  )
  .option(
    '--init-empty',
    'start with a new, empty database although the data dir belonged to a server whose database is missing or empty (its agents will not be known)',
  )
  .option(
    '--nats <url>',
    'NATS between replicas; with a PostgreSQL --db this server is one replica of a cluster (MUSTER_NATS_URL)',
  )
  .option('--nats-user <name>', 'NATS user; its password from MUSTER_NATS_PASSWORD or --nats-password-file')
  .option('--nats-password-file <file>', "file holding the NATS user's password (MUSTER_NATS_PASSWORD_FILE)")
  .option('--nats-token-file <file>', 'file holding a NATS token (or MUSTER_NATS_TOKEN)')
  .option('--nats-creds <file>', 'NATS .creds file: a user JWT and its nkey seed (MUSTER_NATS_CREDS)')
  .option(
    '--nats-nkey <file>',
    'file holding an nkey seed (SU...) to sign in to NATS with (MUSTER_NATS_NKEY)',
  )
  .option(
    '--nats-ca <file>',
    "CA (PEM) that signed the NATS server's certificate; implies TLS to NATS (MUSTER_NATS_CA)",
  )
  .option('--nats-cert <file>', 'client certificate for NATS servers that ask for one (MUSTER_NATS_CERT)')
  .option('--nats-key <file>', 'private key of --nats-cert (MUSTER_NATS_KEY)')
  .option(
    '--replica-name <name>',
    "this replica's name in the cluster (MUSTER_REPLICA_NAME, default host:port)",
  )
  .option(
    '--replica-lease-seconds <n>',
    'a replica silent this long is lost and its nodes go offline, default 10 (MUSTER_REPLICA_LEASE_SECONDS)',
  )
  .action(async (opts: Record<string, unknown>) => {
    // The signals are handled before the server starts: it says it is listening before startServer returns, and
    // a stop right then (systemd, a test) must close it cleanly rather than kill it.
    const config = configOf(opts);
    const log = createLogger(config.logLevel, config.logFormat);
    const starting = startServer(config, { log });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      const line = `${signal}: stopping; agents are told to reconnect`;
      if (humanLogs(config.logFormat)) process.stdout.write(`${line}\n`);
      else startLines(log.child({ signal }), 'server.stop')(line);
      starting
        .then((server) => server.close())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    await starting;
  });

/** A database URL without its password, for what is printed. */
const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

const db = program.command('db').description("the server's database");
db.command('copy')
  .description(
    'copy a SQLite database into PostgreSQL (stop the server first): everything, checked by row counts and checksums, in one transaction',
  )
  .requiredOption('--from <file>', 'the SQLite file (muster.db in the data dir)')
  .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user@host:port/database')
  .option(
    '--force',
    'replace what the target database holds (it must otherwise hold no users, spaces or nodes)',
  )
  .action(async (opts: { from: string; to: string; force?: boolean }) => {
    const copied = await copyDatabase(opts.from, opts.to, {
      force: Boolean(opts.force),
      onTable: (t) =>
        process.stdout.write(`${t.table}: ${t.rows} rows, checksum ${t.checksum.slice(0, 16)}\n`),
    });
    const rows = copied.reduce((n, t) => n + t.rows, 0);
    process.stdout.write(
      `copied ${copied.length} tables, ${rows} rows; counts and checksums match. Start the server with --db ${redactUrl(opts.to)} and the same data dir (its master.key and CA): agents reconnect as before\n`,
    );
  });

const key = program.command('key').description("the master key that seals the server's secrets");
storageOptions(
  key
    .command('new')
    .description(
      'make the key a rotation will switch to (master.key.next), or take the one given (other replicas)',
    ),
)
  .option('--key <base64>', 'the new key, as `muster key new` printed it on the first replica')
  .action((opts: Record<string, unknown>) => {
    const { key: given, ...rest } = opts;
    keyNew(configOf(rest), typeof given === 'string' ? given : undefined);
  });
storageOptions(
  key
    .command('rotate')
    .description(
      'seal every secret again under the next key (made now if there is none) in one transaction, then switch the key files here; stop a single server first',
    ),
).action(async (opts: Record<string, unknown>) => keyRotate(configOf(opts)));
storageOptions(
  key
    .command('promote')
    .description("after a rotation, switch another replica's key files (no database change)"),
).action((opts: Record<string, unknown>) => keyPromote(configOf(opts)));

const user = program.command('user').description("users, on the server's machine (no session needed)");
const roleOption = () =>
  new Option('--role <role>', 'role over the whole server (none: roles only in spaces or rooms)')
    .choices(['admin', 'operator', 'viewer', 'none'])
    .makeOptionMandatory();
storageOptions(
  user.command('add <name>').description('create a user (reads the password from standard input)'),
)
  .addOption(roleOption())
  .action(async (name: string, opts: Record<string, unknown>) => {
    const { role, ...rest } = opts;
    await addUser(configOf(rest), name, role);
  });
storageOptions(
  user
    .command('passwd <name>')
    .description("set a user's password (reads it from standard input); every session of theirs ends"),
).action(async (name: string, opts: Record<string, unknown>) => setPassword(configOf(opts), name));
storageOptions(user.command('list').description('every user, with role and state'))
  .option('--json', 'as JSON')
  .action(async (opts: Record<string, unknown>) => {
    const { json, ...rest } = opts;
    await listUsers(configOf(rest), Boolean(json));
  });
storageOptions(
  user
    .command('reset-second-factors <name>')
    .description("remove a user's TOTP, recovery codes and passkeys (break-glass); their sessions end"),
).action(async (name: string, opts: Record<string, unknown>) => resetSecondFactors(configOf(opts), name));
for (const [action, disabled] of [
  ['disable', true],
  ['enable', false],
] as const)
  storageOptions(
    user
      .command(`${action} <name>`)
      .description(
        disabled ? 'stop a user from signing in and end their sessions' : 'let a disabled user sign in again',
      ),
  ).action(async (name: string, opts: Record<string, unknown>) =>
    setDisabled(configOf(opts), name, disabled),
  );
// The earlier spelling, kept for scripts that use it.
storageOptions(program.command('user-add', { hidden: true }))
  .requiredOption('--username <name>', 'user name')
  .addOption(roleOption())
  .action(async (opts: { username: string } & Record<string, unknown>) => {
    const { username, role, ...rest } = opts;
    await addUser(configOf(rest), username, role);
  });

const nodes = program.command('nodes').description("nodes, on the server's machine");
storageOptions(nodes.command('list').description('every node as the server last recorded it'))
  .option('--json', 'as JSON')
  .action(async (opts: Record<string, unknown>) => {
    const { json, ...rest } = opts;
    await listNodes(configOf(rest), Boolean(json));
  });

storageOptions(
  program
    .command('backup')
    .description('a consistent copy of the database, master key and CA in one file, while the server runs'),
)
  .requiredOption('--out <file>', 'the backup file to write (a gzipped tar; it holds secrets, mode 0600)')
  .action(async (opts: { out: string } & Record<string, unknown>) => {
    const { out, ...rest } = opts;
    await backupCommand(configOf(rest), out);
  });
storageOptions(program.command('restore <file>').description('unpack a backup into a new, empty data dir'))
  .option(
    '--owner <user[:group]>',
    "who gets the restored files when run as root (default: the data dir's owner, or its parent's)",
  )
  .action(async (file: string, opts: Record<string, unknown>) => {
    const { owner, ...rest } = opts;
    await restoreCommand(configOf(rest), file, typeof owner === 'string' ? owner : undefined);
  });

const token = program
  .command('token')
  .description("the default space's claim token (on the server's machine)");
for (const [action, what] of [
  ['show', 'print the claim token and the command that claims a node with it'],
  ['rotate', 'replace the claim token (the old one stops working at once) and print the new one'],
] as const) {
  storageOptions(token.command(action).description(what))
    .option(
      '--public-url <url>',
      'URL agents use to reach the server, for the printed command (MUSTER_PUBLIC_URL)',
    )
    .option('--agent-ca <file>', "the proxy's CA agents pin, as given to the server (MUSTER_AGENT_CA)")
    .action(async (opts: Record<string, unknown>) => spaceTokenCommand(configOf(opts), action));
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const code = (err as { code?: string }).code;
  const advice =
    code === 'EADDRINUSE'
      ? '; another process uses that address: stop it or pass --listen host:port'
      : code === 'EACCES' && (err as { syscall?: string }).syscall === 'listen'
        ? '; ports below 1024 need privileges: use a higher port or run with the capability to bind'
        : '';
  process.stderr.write(`muster: ${err instanceof Error ? err.message : String(err)}${advice}\n`);
  process.exit(1);
});
