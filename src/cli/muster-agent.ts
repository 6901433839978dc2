#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { runDaemon, runLinkTrial } from '../agent/agent-daemon.ts';
import { claimNode } from '../agent/claim/claim-client.ts';
import { connectionFlags, resolveClaimSettings, type ConnectionFlags } from '../agent/claim/claim-sources.ts';
import { collectFacts } from '../agent/collectors/facts.ts';
import { authenticateLink } from '../agent/link/link-client.ts';
import { AgentError } from '../agent/net/net-errors.ts';
import { linkSettings } from '../agent/claim/claim-sources.ts';
import { openStateDir } from '../agent/state/state-dir.ts';
import { allowPaths } from '../agent/state/writable-paths.ts';
import { existsSync } from 'node:fs';
import { claimFailure, clientFor, enrollNode, takeIdentity } from '../agent/claim/claim-client.ts';
import { EXIT } from '../protocol/errors.ts';
import { normaliseArgv } from '../agent/claim/classic-flags.ts';
import { VERSION } from '../version.ts';
import { trialOnlineLine } from '../agent/update/self-update.ts';
import { settleRuntime } from '../agent/runtime-env.ts';

const DEFAULT_STATE_DIR = '/var/lib/muster-agent';
const DEFAULT_LOCAL_API = '127.0.0.1:19990';

const env = process.env;
let verbose = false;
const log = (level: 'info' | 'warn' | 'error' | 'debug', msg: string) => {
  if (level === 'debug' && !verbose) return;
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}\n`);
};

function stateDirOf(opts: { stateDir?: string }): string {
  return opts.stateDir ?? env.MUSTER_AGENT_STATE_DIR ?? DEFAULT_STATE_DIR;
}

function localApiOf(opts: { localApi?: string }): string | null {
  const v = opts.localApi ?? env.MUSTER_AGENT_LOCAL_API ?? DEFAULT_LOCAL_API;
  return v === 'off' ? null : v;
}

/** Address of the running daemon's local API: what it wrote in the state dir, else the configured one. */
function daemonAddress(opts: { stateDir?: string; localApi?: string }): string | null {
  const state = openStateDir(stateDirOf(opts));
  return state.readFileIfAny(state.paths.localApiAddr) ?? localApiOf(opts);
}

function connectionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--token <token>',
      'claim token (visible to other local users in the process list: prefer --token-file)',
    )
    .option('--token-file <file>', 'read the claim token from this file (MUSTER_CLAIM_TOKEN_FILE)')
    .option('--rooms <rooms>', 'comma-separated room ids or slugs')
    .option('--url <url>', 'server URL')
    .option('--proxy <proxy>', 'none, env, http://host:port, socks5://host:port or socks5h://host:port')
    .option('--noproxy', 'connect directly, ignoring proxy settings')
    .option('--insecure', 'do not verify the server certificate (testing only)')
    .option('--ca-pin <pin>', 'sha256:<hex> pin of the server CA public key')
    .option('--ca-file <file>', 'PEM file with the CA to trust')
    .option(
      '--ephemeral',
      'claim as an ephemeral node: the server removes it after a time offline (MUSTER_EPHEMERAL=1)',
    );
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('--state-dir <dir>', `state directory (MUSTER_AGENT_STATE_DIR, default ${DEFAULT_STATE_DIR})`)
    .option(
      '--local-api <addr>',
      `local API address or "off" (MUSTER_AGENT_LOCAL_API, default ${DEFAULT_LOCAL_API})`,
    )
    .option('--verbose', 'more output');
}

function flagsOf(opts: Record<string, unknown>): ConnectionFlags {
  const parsed = connectionFlags.safeParse(opts);
  if (!parsed.success)
    throw new AgentError(
      EXIT.UNKNOWN_ARGUMENT,
      `--${String(parsed.error.issues[0]?.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

async function localCall(
  addr: string,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://${addr}${path}`, { method, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json() };
}

/** Tell a running daemon to pick up a new claim; no daemon is fine (it reads the state at start). */
async function notifyDaemon(opts: { stateDir?: string; localApi?: string }): Promise<void> {
  const addr = daemonAddress(opts);
  if (!addr) return;
  try {
    const r = await localCall(addr, 'POST', '/api/v1/reload-claiming-state');
    if (r.status !== 200)
      throw new AgentError(
        EXIT.DAEMON_NOT_NOTIFIED,
        `the running agent did not accept the reload (HTTP ${r.status}); restart it`,
      );
    process.stdout.write('the running agent is connecting\n');
  } catch (err) {
    if (err instanceof AgentError) throw err;
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') {
      process.stdout.write(
        'no agent is running here; start it (muster-agent run) and it will use this claim\n',
      );
      return;
    }
    throw new AgentError(
      EXIT.DAEMON_NOT_NOTIFIED,
      `could not notify the running agent at ${addr}: ${(err as Error).message}; restart it`,
    );
  }
}

const program = new Command('muster-agent')
  .description('Muster agent: claims this machine and keeps its link to the server')
  .version(VERSION);
program.exitOverride();
program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

commonOptions(
  connectionOptions(
    program.command('run').description('run the agent daemon (claims first when a claim token is given)'),
  ),
)
  .option('--allow-shell-jobs', 'run `shell` jobs sent by the server (off by default)')
  .option(
    '--announce',
    'with no claim token: announce this machine to --url and wait for an operator to approve it (MUSTER_ANNOUNCE=1)',
  )
  .option('--space <space>', 'the space to announce into, by id or slug (default: the server default space)')
  .option('--hostname <name>', "hostname to claim or announce with (default: this machine's)")
  .option(
    '--restore-root <dir>',
    "a directory restores may write below, besides the state directory's restores/ and allow-path's paths (repeatable)",
    (v: string, prev: string[]) => [...prev, resolve(v)],
    [] as string[],
  )
  .option(
    '--hooks-dir <dir>',
    'where the hooks a backup plan names are: executables owned by root, writable by nobody else (default /etc/muster-agent/hooks.d, or MUSTER_HOOKS_DIR)',
  )
  // An update's trial of the new executable: exit 0 as soon as the link is up (see agent.update).
  .addOption(new Option('--exit-when-online').hideHelp())
  .action(async (opts: Record<string, unknown>) => {
    verbose = Boolean(opts.verbose);
    // The daemon only: a trial, like the other commands, is over in moments.
    if (!opts.exitWhenOnline) settleRuntime(env, (msg) => log('debug', msg));
    const state = openStateDir(stateDirOf(opts));
    if (opts.exitWhenOnline) {
      await runLinkTrial({ state, flags: flagsOf(opts), env, log });
      process.stdout.write(`${trialOnlineLine(VERSION)}\n`);
      process.exit(0);
    }
    const daemon = await runDaemon({
      state,
      flags: flagsOf(opts),
      env,
      localApi: localApiOf(opts),
      log,
      allowShellJobs: Boolean(opts.allowShellJobs),
      restoreRoots: opts.restoreRoot as string[],
      ...(typeof opts.hooksDir === 'string' || env.MUSTER_HOOKS_DIR
        ? { hooksDir: resolve(typeof opts.hooksDir === 'string' ? opts.hooksDir : env.MUSTER_HOOKS_DIR!) }
        : {}),
    });
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        log('info', `${sig}: stopping`);
        daemon.stop().then(resolve, resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGHUP', () => {
        log('info', 'SIGHUP: reloading claiming state');
        void localCall(daemon.localApiAddress ?? '', 'POST', '/api/v1/reload-claiming-state').catch(
          () => undefined,
        );
      });
    });
    // Child processes of cancelled jobs may still hold pipes open for a moment; the agent is done.
    process.exit(0);
  });

/** State directory and claim settings for `claim` and `enroll`; exit 1 when no source holds a token. */
function claimPrologue(opts: Record<string, unknown>, kind: 'claim' | 'enrollment') {
  verbose = Boolean(opts.verbose);
  const state = openStateDir(stateDirOf(opts));
  state.ensure();
  takeIdentity(state, Boolean(opts.force), (msg) => process.stdout.write(`${msg}\n`));
  const settings = resolveClaimSettings(flagsOf(opts), env, state);
  if (!settings)
    throw new AgentError(
      EXIT.UNKNOWN_ARGUMENT,
      `no ${kind} token: pass --token (or MUSTER_CLAIM_TOKEN, claim.conf, cloud.d/token)`,
    );
  return { state, settings };
}

commonOptions(connectionOptions(program.command('claim').description('claim this machine into a space')))
  .option('--id <uuid>', 'claimed id to use (default: a fresh random UUID)')
  .option('--hostname <name>', "hostname to register (default: this machine's)")
  .option('--noreload', 'do not tell the running daemon to pick up the new claim')
  .option('--force', 'replace an existing identity (new key, new node id)')
  .action(async (opts: Record<string, unknown>) => {
    const { state, settings } = claimPrologue(opts, 'claim');
    log('debug', `claiming against ${settings.url} with the token from ${settings.source}`);
    const { claimedId } = await claimNode(settings, state, env);
    process.stdout.write(`claimed: node ${claimedId} on ${settings.url}\n`);
    if (!opts.noreload) await notifyDaemon(opts);
  });

commonOptions(
  connectionOptions(
    program
      .command('enroll')
      .description('enroll this machine with a one-time enrollment token (bearer link)'),
  ),
)
  .option('--hostname <name>', "hostname to register (default: this machine's)")
  .option('--noreload', 'do not tell the running daemon to pick up the enrollment')
  .option('--force', 'replace an existing identity (new key, new host)')
  .action(async (opts: Record<string, unknown>) => {
    const { state, settings } = claimPrologue(opts, 'enrollment');
    const { hostId } = await enrollNode(settings, state, env, VERSION);
    process.stdout.write(`enrolled: host ${hostId} on ${settings.url}\n`);
    if (!opts.noreload) await notifyDaemon(opts);
  });

commonOptions(
  program.command('unclaim').description('tell the server this node is leaving, then forget the identity'),
).action(async (opts: Record<string, unknown>) => {
  verbose = Boolean(opts.verbose);
  const state = openStateDir(stateDirOf(opts));
  const id = state.claimedId();
  if (!id) {
    process.stdout.write('not claimed; nothing to do\n');
    return;
  }
  const ls = linkSettings({}, state);
  const http = clientFor(ls, state, env);
  const bearer = state.readFileIfAny(state.paths.agentToken);
  let authorization: string;
  if (bearer) authorization = `Bearer ${bearer}`;
  else {
    authorization = (await authenticateLink(http, ls.url, id, state.keyPair().privateKey, VERSION))
      .authorization;
  }
  const res = await http.request('DELETE', `${ls.url}/api/v1/spaces/nodes/${id}`, undefined, {
    authorization,
  });
  if (res.status !== 204 && res.status !== 404) throw claimFailure(res, 'unclaiming');
  state.forgetIdentity();
  process.stdout.write(`unclaimed node ${id}; the identity is forgotten\n`);
  const addr = daemonAddress(opts);
  if (addr) await localCall(addr, 'POST', '/api/v1/reload-claiming-state').catch(() => undefined);
});

commonOptions(program.command('status').description('state of the link'))
  .option('--json', 'print JSON')
  .action(async (opts: Record<string, unknown>) => {
    const state = openStateDir(stateDirOf(opts));
    const addr = daemonAddress(opts);
    let link: Record<string, unknown> | null = null;
    if (addr) {
      try {
        const r = await localCall(addr, 'GET', '/api/v2/info');
        link = (r.body as { link?: Record<string, unknown> }).link ?? null;
      } catch {
        link = null;
      }
    }
    const out = link ?? {
      status: 'offline',
      online: false,
      reason: 'the agent is not running',
      claim_id: state.claimedId(),
      url: state.readCloudConf().url,
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const t = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString() : '-');
    const lines: [string, unknown][] = [
      ['claimed id', out.claim_id ?? '(not claimed)'],
      ['server', out.url ?? '-'],
      ['proxy', out.proxy ?? '-'],
      ['status', out.status],
      ['online', out.online ? 'yes' : 'no'],
      ['since', t(out.since)],
      ['reason', out.reason],
      ['reconnects', out.reconnects ?? 0],
      ['last connect', t(out.last_connected_at)],
      ['last disconnect', t(out.last_disconnected_at)],
      ['next attempt', t(out.next_attempt_at)],
      ['backoff', typeof out.backoff_ms === 'number' ? `${out.backoff_ms} ms` : '-'],
      ['storage', out.storage ?? 'ok'],
    ];
    for (const [k, v] of lines) process.stdout.write(`${k.padEnd(16)} ${String(v)}\n`);
  });

commonOptions(
  program.command('reload-claiming-state').description('tell the running agent to re-read its claim state'),
).action(async (opts: Record<string, unknown>) => {
  const addr = daemonAddress(opts);
  if (!addr)
    throw new AgentError(EXIT.DAEMON_NOT_NOTIFIED, 'the local API is off; restart the agent instead');
  try {
    const r = await localCall(addr, 'POST', '/api/v1/reload-claiming-state');
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  } catch (err) {
    throw new AgentError(
      EXIT.DAEMON_NOT_NOTIFIED,
      `could not reach the running agent at ${addr}: ${(err as Error).message}; is it running?`,
    );
  }
  process.stdout.write('reloaded\n');
});

commonOptions(program.command('info').description('identity and facts of this machine')).action(
  async (opts: Record<string, unknown>) => {
    const state = openStateDir(stateDirOf(opts));
    const guid = state.readFileIfAny(state.paths.guid);
    const cloud = state.readCloudConf();
    const info = {
      version: VERSION,
      state_dir: state.dir,
      machine_guid: guid,
      claimed_id: state.claimedId(),
      url: cloud.url,
      proxy: cloud.proxy,
      ca_pin: cloud.caPin,
      public_key: state.readFileIfAny(state.paths.publicKey) ? state.paths.publicKey : null,
      facts: collectFacts(),
    };
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  },
);

program
  .command('allow-path')
  .description(
    "let the agent's systemd unit write to these paths (a local repository, a restore target): run as root on the host",
  )
  .argument('<paths...>', 'absolute paths; missing ones are created (0700)')
  .option('--unit-dir <dir>', 'where the unit lives', '/etc/systemd/system')
  .option('--no-restart', 'write the drop-in only; do not reload systemd nor restart the agent')
  .action((paths: string[], opts: { unitDir: string; restart: boolean }) => {
    const systemd =
      opts.restart && opts.unitDir === '/etc/systemd/system' && existsSync('/run/systemd/system');
    try {
      for (const line of allowPaths(paths, { unitDir: opts.unitDir, systemd }))
        process.stdout.write(`${line}\n`);
    } catch (err) {
      throw new AgentError(EXIT.UNKNOWN_ARGUMENT, (err as Error).message);
    }
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(normaliseArgv(process.argv.slice(2)), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : EXIT.UNKNOWN_ARGUMENT);
    }
    if (err instanceof AgentError) {
      process.stderr.write(`muster-agent: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`muster-agent: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.UNKNOWN_HTTP_ERROR);
  }
}

// No top-level await: the same source builds the ESM bundle and the CommonJS entry of the executables.
void main();
