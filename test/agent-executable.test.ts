import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { VERSION } from '../src/version.ts';
import { RUNTIME_ENV } from '../src/agent/runtime-env.ts';
import {
  AGENT_EXECUTABLE,
  runAgent,
  claimArgs,
  jobIn,
  login,
  onlineNode,
  request,
  spawnAgent,
  useTestServer,
  waitFor,
} from './helpers.ts';

const ARM64 = join(dirname(AGENT_EXECUTABLE), 'muster-agent-linux-arm64');
/** Debian's qemu-user-static, and the arm64 C library the runtime links against (libc6-arm64-cross and friends). */
const QEMU = '/usr/bin/qemu-aarch64-static';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

/** The amd64 executable with exactly `env` (nothing inherited: no PATH, so no Node.js to find). */
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runAgent(args, { command: [AGENT_EXECUTABLE], env, timeoutMs: 60_000 });

/** What `muster-agent status --json` prints, in part. */
type LinkJson = { online: boolean; claim_id: string | null };

describe('the self-contained agent executable', () => {
  const server = useTestServer();

  test('linux-amd64 with an empty environment: claim, online, a job, its version on the server', async () => {
    assert.equal((await run(['--version'])).stdout.trim(), VERSION);
    const state = server.tempDir('muster-exe-').path;
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await run(claimArgs(server, state, 'exe-amd64'), {
      MUSTER_CLAIM_TOKEN: token,
    });
    assert.equal(claimed.code, 0, claimed.stderr);
    const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    // Its code pages are handed back 5 s after it starts (30 s by default), and logged with --verbose.
    const agent = spawnAgent(['--state-dir', state, '--verbose'], {
      executable: AGENT_EXECUTABLE,
      env: { MUSTER_AGENT_CODE_PAGEOUT: '5' },
    });
    try {
      await waitFor(
        async () => (await server.services.nodes.get(id)).status === 'online',
        `the executable online: ${agent.output()}`,
        30_000,
      );
      const node = await server.services.nodes.get(id);
      assert.equal(node.agent_version, VERSION);
      // The daemon started itself again with the runtime's idle housekeeping off (src/agent/runtime-env.ts): the
      // same process, its environment now naming the settings, and no allocator scavenger thread.
      const pid = agent.child.pid!;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      for (const [k, v] of Object.entries(RUNTIME_ENV))
        assert.ok(environ.includes(`${k}=${v}`), environ.join(' '));
      const threads = readdirSync(`/proc/${pid}/task`).map((t) =>
        readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim(),
      );
      assert.ok(!threads.includes('mi-scavenger'), threads.join(', '));
      // The runtime's code it ran once is no longer resident: what /proc shows now is well below what it held
      // before (the agent's own figures), and everything below (a job, the local API) runs with pages read back.
      const handedBack = await waitFor(
        () => /code pages handed back: (\d+) → (\d+) MiB/.exec(agent.output()),
        `the code pages handed back: ${agent.output()}`,
        30_000,
      );
      const residentFromFiles = () =>
        Number(/RssFile:\s+(\d+)/.exec(readFileSync(`/proc/${agent.child.pid}/status`, 'utf8'))![1]) >> 10;
      const [before, after] = [Number(handedBack[1]), Number(handedBack[2])];
      assert.ok(before - after >= 10, `${before} → ${after} MiB`);
      assert.ok(residentFromFiles() < before - 5, `${residentFromFiles()} MiB now, ${before} MiB before`);
      // And they come back a page at a time: the executable's read-only mappings are marked for random reads
      // ("rr" in smaps), so a fault reads no pages around the one it needs.
      const exePath = realpathSync(AGENT_EXECUTABLE);
      const mappings = readFileSync(`/proc/${pid}/smaps`, 'utf8')
        .split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/)
        .filter((m) => / r(-x|--)p /.test(m.split('\n')[0]!) && m.split('\n')[0]!.endsWith(exePath));
      assert.ok(mappings.length > 0, `no read-only mapping of ${exePath}`);
      for (const m of mappings) assert.match(/^VmFlags:(.*)$/m.exec(m)![1]!, /\brr\b/, m.split('\n')[0]);
      const cookie = await login(server);
      const job = await request(server, 'POST', `/api/hosts/${id}/jobs`, {
        cookie,
        body: { type: 'system.probe' },
      });
      assert.equal(job.status, 201, job.text);
      const done = await jobIn(server, cookie, job.json<{ id: string }>().id);
      assert.equal(done.state, 'succeeded', done.log);
      assert.match(done.log, /exe-amd64|hostname/i);
      // The local API of the running executable answers `status --json` from the same executable.
      const status = await run(['status', '--json', '--state-dir', state]);
      assert.equal(status.code, 0, status.stderr);
      assert.equal((JSON.parse(status.stdout) as LinkJson).online, true);
    } finally {
      await agent.stop();
    }
  });

  // What the arm64 executable links against (its ELF NEEDED entries), looked for in the arm64 sysroot: a machine
  // without one of them skips this test and says which file is missing.
  const needed = [
    ...(spawnSync('readelf', ['-d', ARM64], { encoding: 'utf8' }).stdout ?? '').matchAll(
      /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g,
    ),
  ].map((m) => join(ARM64_SYSROOT, 'lib', m[1]!));
  const missing = [QEMU, ...(needed.length ? needed : [join(ARM64_SYSROOT, 'lib', 'libc.so.6')])].filter(
    (f) => !existsSync(f),
  );
  test(
    'linux-arm64 under qemu-user: --version, status --json, and a claim that comes online',
    {
      skip: missing.length
        ? `missing ${missing.join(', ')} (qemu-user-static and libc6-arm64-cross; .ci/run installs them)`
        : false,
    },
    async () => {
      const arm = (args: string[], env: NodeJS.ProcessEnv = {}) =>
        runAgent(args, {
          command: [QEMU, ARM64],
          env: { QEMU_LD_PREFIX: ARM64_SYSROOT, ...env },
          timeoutMs: 120_000,
        });
      const file = spawnSync('od', ['-An', '-tx1', '-j18', '-N2', ARM64], { encoding: 'utf8' });
      assert.equal(file.stdout.trim(), 'b7 00', 'an aarch64 ELF executable (e_machine 183)');
      assert.equal((await arm(['--version'])).stdout.trim(), VERSION);
      const state = server.tempDir('muster-arm64-').path;
      const before = await arm(['status', '--json', '--state-dir', state, '--local-api', 'off']);
      assert.equal(before.code, 0, before.stderr);
      const link = JSON.parse(before.stdout) as LinkJson;
      assert.deepEqual({ online: link.online, claim_id: link.claim_id }, { online: false, claim_id: null });
      const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
      const claimed = await arm(claimArgs(server, state, 'exe-arm64'), { MUSTER_CLAIM_TOKEN: token });
      assert.equal(claimed.code, 0, claimed.stderr);
      const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
      const agent = spawn(QEMU, [ARM64, 'run', '--state-dir', state, '--local-api', 'off'], {
        env: { QEMU_LD_PREFIX: ARM64_SYSROOT },
        stdio: 'ignore',
      });
      try {
        const node = await onlineNode(server, id, 'the arm64 executable online', 90_000);
        assert.equal(node.hostname, 'exe-arm64');
        assert.equal(node.agent_version, VERSION);
      } finally {
        agent.kill('SIGTERM');
        await new Promise((r) => agent.once('exit', r));
      }
    },
  );
});

test('the agent image copies the executables the build makes, for each architecture, and runs no Node.js', () => {
  const root = join(import.meta.dirname, '..');
  const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
  const instructions = dockerfile.replace(/^#.*$/gm, '');
  assert.doesNotMatch(instructions, /\bnode(js)?\b/i, 'no Node.js in the image');
  for (const arch of ['amd64', 'arm64']) {
    for (const [, from] of dockerfile.matchAll(/^COPY (\S+)/gm)) {
      const file = from!.replace('${TARGETARCH}', arch);
      assert.ok(existsSync(join(root, file)), `${file} is built`);
      assert.ok(ignore.includes(`!${file}`), `.dockerignore lets ${file} into the build context`);
    }
  }
});
