import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseJobParams } from '../../protocol/jobs.ts';
import { isOlderVersion } from '../../protocol/versions.ts';
import { VERSION } from '../../version.ts';
import type { HttpClient } from '../net/http-client.ts';

/** How long the new executable has to bring its link up before the update is given up (MUSTER_AGENT_UPDATE_TRIAL_SECONDS). */
export const TRIAL_TIMEOUT_MS = 90_000;
/** What a trial prints once its link is up: exiting 0 alone does not prove an executable works. */
export const trialOnlineLine = (version: string) => `muster-agent ${version} online`;
const OUTPUT_TAIL = 2000;

type Log = (stream: 'stdout' | 'stderr' | 'info', data: string) => void;
type Finish = (state: 'succeeded' | 'failed', error?: string, result?: Record<string, unknown>) => void;

/**
 * Whether this process is a self-contained executable: compiled by Bun (its code lives in the executable's own
 * file system, `/$bunfs/` or `B:/~BUN/` on Windows), or a Node.js single-executable application (the releases
 * before Bun, which update themselves to it).
 */
export function isExecutable(): boolean {
  const bun = (globalThis as { Bun?: { main?: string } }).Bun;
  if (bun) return /\$bunfs|~BUN/.test(bun.main ?? '');
  const sea = process.getBuiltinModule?.('node:sea') as { isSea?: () => boolean } | undefined;
  return sea?.isSea?.() ?? false;
}

/** Run `file` with `args` and `env`; resolves with its exit code and the end of its output. */
function runFor(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c: Buffer) => (output = (output + c.toString('utf8')).slice(-OUTPUT_TAIL));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: err.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.trim(), timedOut });
    });
  });
}

/**
 * `agent.update`: replace this executable with the one the server serves, proven before it is swapped in.
 *
 * 1. download it next to this one (the same trust as the link: the pinned CA), hashing as it streams, and keep it
 *    only if its SHA-256 is the one the server put in the job;
 * 2. run it: `--version` must print the version the job names;
 * 3. trial: close this agent's link and let the new executable bring up its own (this agent's arguments plus
 *    `--exit-when-online`: only the link, see runLinkTrial); if it
 *    is not online within TRIAL_TIMEOUT_MS, it is killed and deleted and this agent links again: the old one stays;
 * 4. swap atomically (the old one is kept as `<name>.previous`), report success in the job journal (the new agent
 *    delivers it after its welcome), and restart: under systemd by exiting (Restart=always starts the new file),
 *    elsewhere by starting the new file with the same arguments first.
 */
export function createSelfUpdate(deps: {
  http: () => { client: HttpClient; url: string };
  env: NodeJS.ProcessEnv;
  pauseLink: () => Promise<void>;
  resumeLink: () => Promise<void>;
  /** Stop the daemon (local API, timers) before the new process starts. */
  shutdown: () => Promise<void>;
  log: (level: 'info' | 'warn', msg: string) => void;
}) {
  return async function update(params: Record<string, unknown>, log: Log, finish: Finish): Promise<void> {
    const parsed = parseJobParams('agent.update', params);
    if (!parsed.ok) return finish('failed', parsed.message);
    const p = parsed.params;
    if (deps.env.MUSTER_AGENT_SELF_UPDATE === 'off')
      return finish(
        'failed',
        'this agent does not update itself (MUSTER_AGENT_SELF_UPDATE=off, as in the container image): pull a newer image instead',
      );
    if (!isExecutable())
      return finish(
        'failed',
        `this agent is the JavaScript file run by Node.js ${process.version}; update it the way it was installed (install.sh with MUSTER_NODE, or your own tooling)`,
      );
    if (p.version === VERSION && !p.force)
      return finish('succeeded', undefined, { from: VERSION, to: VERSION, changed: false });
    if (isOlderVersion(p.version, VERSION) && !p.force)
      return finish(
        'failed',
        `refusing to go back from version ${VERSION} to ${p.version}; an update to an older version must be asked for with force`,
      );
    const exe = process.execPath;
    const next = `${exe}.new`;
    // The agent's own arguments: the trial and the restart run with the same state directory and connection flags.
    const args = process.argv.slice(2);
    /** Give up before the swap: the downloaded file goes, the running agent stays. */
    const discard = (error: string) => {
      rmSync(next, { force: true });
      finish('failed', error);
    };
    try {
      accessSync(dirname(exe), constants.W_OK);
    } catch {
      return finish(
        'failed',
        `cannot write to ${dirname(exe)}, where the executable lives; let the agent write there (the unit's ReadWritePaths)`,
      );
    }

    const { client, url } = deps.http();
    log('info', `downloading version ${p.version} for ${p.os}/${p.arch} (${p.size} bytes) from ${url}\n`);
    rmSync(next, { force: true });
    const query = `os=${encodeURIComponent(p.os)}&arch=${encodeURIComponent(p.arch)}`;
    let got: { status: number; sha256: string; size: number };
    try {
      got = await client.download(new URL(`/agent/binary?${query}`, url).href, next);
    } catch (err) {
      return discard(`cannot download the new agent: ${(err as Error).message}`);
    }
    if (got.status !== 200)
      return discard(`the server answered ${got.status} for the ${p.os}/${p.arch} executable`);
    if (got.sha256 !== p.sha256)
      return discard(
        `the downloaded executable's SHA-256 is ${got.sha256}, not ${p.sha256}; nothing was changed`,
      );
    log('info', `checksum verified (sha256 ${got.sha256})\n`);
    chmodSync(next, 0o755);
    const version = await runFor(next, ['--version'], deps.env, 30_000);
    if (version.code !== 0 || version.output !== p.version) {
      return discard(
        `the new executable does not run here (--version: ${version.timedOut ? 'no answer in 30 s' : `exit ${version.code}`}${version.output ? `, "${version.output.slice(-300)}"` : ''}); still running ${VERSION}`,
      );
    }

    log('info', `version ${p.version} runs; trying its link (this agent's link closes meanwhile)\n`);
    await deps.pauseLink();
    const trialMs = Number(deps.env.MUSTER_AGENT_UPDATE_TRIAL_SECONDS) * 1000 || TRIAL_TIMEOUT_MS;
    const trial = await runFor(next, [...args, '--exit-when-online'], deps.env, trialMs);
    if (trial.code !== 0 || !trial.output.includes(trialOnlineLine(p.version))) {
      await deps.resumeLink();
      const why = trial.timedOut
        ? `not online within ${trialMs / 1000} s`
        : trial.code !== 0
          ? `exit ${trial.code}`
          : 'it never said it was online';
      return discard(
        `the new agent (${p.version}) did not come online (${why}${trial.output ? `: ${trial.output.split('\n').slice(-3).join(' | ')}` : ''}); rolled back, still running ${VERSION}`,
      );
    }

    // Both renames are atomic: at every moment the path holds a whole executable.
    const previous = `${exe}.previous`;
    rmSync(previous, { force: true });
    if (existsSync(exe)) linkSync(exe, previous);
    renameSync(next, exe);
    deps.log(
      'info',
      `updated ${exe} from ${VERSION} to ${p.version} (the old one is ${previous}); restarting`,
    );
    finish('succeeded', undefined, { from: VERSION, to: p.version, changed: true });
    await deps.shutdown();
    // Under systemd, exiting is enough (Restart=always starts the new file); elsewhere the agent starts it itself.
    if (!deps.env.INVOCATION_ID)
      spawn(exe, args, { env: deps.env, stdio: 'inherit', detached: true }).unref();
    process.exit(0);
  };
}
export type SelfUpdate = ReturnType<typeof createSelfUpdate>;
