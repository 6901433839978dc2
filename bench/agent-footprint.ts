// Idle footprint of the agent executable beside node_exporter (the reference), in the same run.
//   node --import tsx bench/agent-footprint.ts [--minutes 10] [--bundle FILE]...
// Starts a real server, claims the executable (dist/agent/muster-agent-linux-<arch>) into a scratch state directory
// and runs it with an empty environment; starts `prometheus-node-exporter` on a port of its own and scrapes it every
// 15 s, as Prometheus would. To split what the runtime, the packaging and the agent's own code cost, it also runs the
// bare Bun runtime of the executable (an empty event loop) and an executable compiled the same way from an empty
// event loop. Each --bundle FILE runs a JavaScript agent bundle as well (dist/muster-agent.mjs, or an older build)
// with this Node.js or another (--bundle-node PATH, --bundle-flags '...'), and each --executable FILE another agent
// executable (a previous release's Node.js single executable, say). Every --sample seconds (default 5) it reads
// VmRSS (and its parts, RssAnon and RssFile), utime+stime and major page faults of each process from /proc; prints a
// JSON line a minute and a summary at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectArgs, freePort, startTestServer, tempDir, waitFor } from '../test/helpers.ts';
import { RUNTIME_VERSION, runtimeFor, hostPlatform } from '../scripts/agent-executables.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    sample: { type: 'string', default: '5' },
    bundle: { type: 'string', multiple: true, default: [] },
    executable: { type: 'string', multiple: true, default: [] },
    'bundle-node': { type: 'string', default: process.execPath },
    'bundle-flags': { type: 'string', default: '' },
    exporter: { type: 'string', default: '/usr/bin/prometheus-node-exporter' },
  },
});
const minutes = Number(values.minutes);
const sampleMs = Number(values.sample) * 1000;
const arch = process.arch === 'x64' ? 'amd64' : process.arch;
const exe = resolve(import.meta.dirname, `../dist/agent/muster-agent-linux-${arch}`);
if (!existsSync(exe)) throw new Error(`${exe} is not built: npm run build`);
const runtime = await runtimeFor(hostPlatform());
/** The packaging alone: an empty event loop compiled into an executable exactly as the agent is. */
const emptyDir = tempDir('muster-footprint-empty-').path;
writeFileSync(join(emptyDir, 'empty.mjs'), 'setInterval(() => {}, 1000);\n');
const compiled = spawnSync(
  runtime,
  ['build', '--compile', '--minify', '--outfile', join(emptyDir, 'empty'), join(emptyDir, 'empty.mjs')],
  { encoding: 'utf8' },
);
if (compiled.status !== 0) throw new Error(`cannot compile the empty executable: ${compiled.stderr}`);

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
const server = await startTestServer();
const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
const online = new Set<string>();
server.services.bus.subscribe((e) => {
  if (e.type === 'node.presence' && e.status === 'online') online.add(e.node_id);
});

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((ok, fail) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args[0]}: exit ${code}: ${err}`))));
  });
}

function daemon(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const c = spawn(cmd, args, { env, stdio: 'ignore' });
  children.push(c);
  return c;
}

/** Claim a state directory with `agent` (command and leading arguments) and run it. */
async function agent(command: string[]): Promise<ChildProcess> {
  const dir = tempDir('muster-footprint-').path;
  const [cmd, ...pre] = command as [string, ...string[]];
  await run(cmd, [...pre, 'claim', '--state-dir', dir, '--local-api', 'off', ...connectArgs(server, token)]);
  const id = readFileSync(join(dir, 'cloud.d', 'claimed_id'), 'utf8').trim();
  const child = daemon(cmd, [...pre, 'run', '--state-dir', dir, '--local-api', 'off']);
  await waitFor(() => online.has(id), `${command.join(' ')} online`, 60_000, 200);
  return child;
}

const procs: { name: string; child: ChildProcess }[] = [];
procs.push({ name: 'agent executable', child: await agent([exe]) });
for (const file of values.executable)
  procs.push({ name: `executable ${file}`, child: await agent([resolve(file)]) });
const bundleNode = values['bundle-node'];
for (const bundle of values.bundle)
  procs.push({
    name: `bundle ${bundle} (${bundleNode} ${values['bundle-flags']})`.trim(),
    child: await agent([bundleNode, ...values['bundle-flags'].split(' ').filter(Boolean), bundle]),
  });
procs.push({
  name: `bare runtime (bun ${RUNTIME_VERSION}, empty loop)`,
  child: daemon(runtime, ['-e', 'setInterval(() => {}, 1000)']),
});
procs.push({ name: 'empty executable (packaging)', child: daemon(join(emptyDir, 'empty'), []) });
const port = await freePort();
procs.push({
  name: 'node_exporter',
  child: daemon(values.exporter, [`--web.listen-address=127.0.0.1:${port}`]),
});
await waitFor(() => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.ok), 'node_exporter');
const scrape = setInterval(
  () => void fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()),
  15_000,
);

const TICK = 100; // USER_HZ on Linux
/** VmRSS and its two parts (the process's own memory; pages of files, its executable's code among them), in MiB. */
function read(pid: number): { rss: number; anon: number; file: number; ticks: number; majorFaults: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    rss: mib('VmRSS'),
    anon: mib('RssAnon'),
    file: mib('RssFile'),
    ticks: Number(f[11]) + Number(f[12]),
    majorFaults: Number(f[9]),
  };
}

// Let start-up settle before the window opens.
await new Promise((r) => setTimeout(r, 30_000));
const series = procs.map(() => [] as number[]);
const anon = procs.map(() => [] as number[]);
const files = procs.map(() => [] as number[]);
const first = procs.map((p) => read(p.child.pid!));
const startedAt = Date.now();
const end = startedAt + minutes * 60_000;
let minute = 0;
while (Date.now() < end) {
  await new Promise((r) => setTimeout(r, sampleMs));
  procs.forEach((p, i) => {
    const r = read(p.child.pid!);
    series[i]!.push(r.rss);
    anon[i]!.push(r.anon);
    files[i]!.push(r.file);
  });
  const m = Math.floor((Date.now() - startedAt) / 60_000);
  if (m > minute) {
    minute = m;
    process.stdout.write(
      `${JSON.stringify({ minute, rss_mib: Object.fromEntries(procs.map((p, i) => [p.name, round(series[i]!.at(-1)!)])) })}\n`,
    );
  }
}
clearInterval(scrape);
const seconds = (Date.now() - startedAt) / 1000;
const last = procs.map((p) => read(p.child.pid!));
const perMinute = Math.round(60_000 / sampleMs);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
function round(v: number, d = 1) {
  return Math.round(v * 10 ** d) / 10 ** d;
}
const results = procs.map((p, i) => {
  const s = series[i]!;
  return {
    process: p.name,
    rss_mib_mean: round(mean(s)),
    rss_mib_first_minute: round(mean(s.slice(0, perMinute))),
    rss_mib_last_minute: round(mean(s.slice(-perMinute))),
    rss_mib_min: round(Math.min(...s)),
    rss_mib_max: round(Math.max(...s)),
    rss_anon_mib_mean: round(mean(anon[i]!)),
    rss_file_mib_mean: round(mean(files[i]!)),
    major_faults_per_minute: round((last[i]!.majorFaults - first[i]!.majorFaults) / (seconds / 60)),
    cpu_percent: round(((last[i]!.ticks - first[i]!.ticks) / TICK / seconds) * 100, 3),
  };
});
const ref = results.find((r) => r.process === 'node_exporter')!;
const own = results[0]!;
const bare = results.find((r) => r.process.startsWith('bare runtime'))!;
const empty = results.find((r) => r.process.startsWith('empty executable'))!;
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'agent-footprint',
    minutes: round(seconds / 60),
    load_average: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    results,
    executable_vs_node_exporter: {
      rss: round(own.rss_mib_mean / ref.rss_mib_mean, 2),
      cpu: round(own.cpu_percent / Math.max(ref.cpu_percent, 0.001), 2),
    },
    runtime_mib: bare.rss_mib_mean,
    packaging_mib: round(empty.rss_mib_mean - bare.rss_mib_mean),
    agent_code_mib: round(own.rss_mib_mean - empty.rss_mib_mean),
  })}\n`,
);
await server.stop();
process.exit(0);
