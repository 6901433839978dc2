import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { VERSION } from '../src/version.ts';
import {
  AGENT_EXECUTABLE,
  claimArgs,
  runAgent,
  jobIn,
  login,
  request,
  spawnAgent,
  startTestServer,
  tempDir,
  useTestServer,
  waitFor,
  type JobView,
  type TestServer,
} from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ARCH = process.arch === 'x64' ? 'amd64' : process.arch;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Claim `exe` into a fresh state directory and run it with an empty environment (no systemd: it restarts itself). */
async function installed(server: TestServer, exe: string, hostname: string, env: NodeJS.ProcessEnv = {}) {
  const state = tempDir('muster-upd-state-').path;
  const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
  const claimed = await runAgent(claimArgs(server, state, hostname), {
    command: [exe],
    env: { MUSTER_CLAIM_TOKEN: token },
  });
  assert.equal(claimed.code, 0, claimed.stderr);
  const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
  const agent = spawnAgent(['--state-dir', state], { executable: exe, env });
  return { state, id, agent };
}

/** Whatever agent processes still run on `state` (an updated agent is no child of the test). */
function killAgentsOn(state: string) {
  spawnSync('pkill', ['-f', '--', `--state-dir ${state}`]);
}

const online = (server: TestServer, id: string, version: string) =>
  waitFor(
    async () => {
      const n = await server.services.nodes.get(id);
      return n.status === 'online' && n.agent_version === version ? n : null;
    },
    `the node online with version ${version}`,
    60_000,
    200,
  );

describe('agent updates from the server', () => {
  const server = useTestServer();
  const scratch = tempDir('muster-upd-');
  after(() => scratch.remove());

  test('an agent of the previous build is updated from the API and comes back with the new version', async () => {
    // The previous build: the same sources stamped with an older version, installed where it may replace itself.
    const build = spawnSync(
      process.execPath,
      [
        'scripts/build.mjs',
        '--quiet',
        '--agent-version',
        '0.0.9',
        '--agent-only',
        join(scratch.path, 'old'),
        '--platform',
        `linux-${ARCH}`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(build.status, 0, build.stderr);
    const dir = join(scratch.path, 'opt');
    mkdirSync(dir);
    const exe = join(dir, 'muster-agent');
    copyFileSync(join(scratch.path, 'old', 'agent', `muster-agent-linux-${ARCH}`), exe);
    chmodSync(exe, 0o755);
    const oldSum = sha256(exe);
    const { state, id, agent } = await installed(server, exe, 'upd-1');
    try {
      await online(server, id, '0.0.9');
      const cookie = await login(server);
      const host = (await request(server, 'GET', `/api/nodes/${id}`, { cookie })).json<{
        update_available: boolean;
      }>();
      assert.equal(host.update_available, true, 'an older agent is offered the update');

      const started = await request(server, 'POST', `/api/hosts/${id}/agent-update`, { cookie, body: {} });
      assert.equal(started.status, 201, started.text);
      const job = await jobIn(server, cookie, started.json<{ id: string }>().id, undefined, 120_000);
      assert.equal(job.state, 'succeeded', `${job.error}\n${job.log}\n${agent.output()}`);
      assert.match(job.log, /checksum verified/);
      await online(server, id, VERSION);
      assert.equal(
        (await request(server, 'GET', `/api/nodes/${id}`, { cookie })).json<{ update_available: boolean }>()
          .update_available,
        false,
      );
      assert.equal(sha256(exe), sha256(AGENT_EXECUTABLE), 'the file in place is the served executable');
      assert.equal(sha256(`${exe}.previous`), oldSum, 'the old executable is kept beside it');
      assert.ok(!existsSync(`${exe}.new`));
      assert.equal(statSync(exe).mode & 0o777, 0o755);
      // Already current: the route says so instead of making a job.
      const again = await request(server, 'POST', `/api/hosts/${id}/agent-update`, { cookie, body: {} });
      assert.equal(again.status, 409);
      assert.match(again.json<{ message: string }>().message, /already runs version/);
    } finally {
      await agent.stop();
      killAgentsOn(state);
    }
  });

  test('a room update makes a job per node that can be updated and says why the others are skipped', async () => {
    const cookie = await login(server);
    const room = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
      cookie,
      body: { name: 'update-wave' },
    });
    assert.equal(room.status, 201, room.text);
    const roomId = room.json<{ id: string }>().id;
    const r = await request(server, 'POST', `/api/rooms/${roomId}/agent-update`, { cookie, body: {} });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), { jobs: [], skipped: [] });
    const viewer = await request(server, 'POST', `/api/rooms/${roomId}/agent-update`, { body: {} });
    assert.equal(viewer.status, 401);
  });
});

describe('a broken new executable', () => {
  let server: TestServer;
  const scratch = tempDir('muster-upd-broken-');
  after(async () => {
    await server?.stop();
    scratch.remove();
  });

  test('is rolled back: the job fails with the reason, the agent keeps its version and comes back online', async () => {
    // This server offers "0.2.0": it answers --version, but cannot bring a link up.
    const agentDir = join(scratch.path, 'agent');
    mkdirSync(agentDir);
    const broken = join(agentDir, `muster-agent-linux-${ARCH}`);
    writeFileSync(
      broken,
      '#!/bin/sh\ncase "$1" in --version) echo 0.2.0 ;; *) echo "link: the server refused this build" >&2; exit 3 ;; esac\n',
      { mode: 0o755 },
    );
    writeFileSync(
      join(agentDir, 'manifest.json'),
      JSON.stringify({
        version: '0.2.0',
        runtime: 'none',
        files: [
          {
            os: 'linux',
            arch: ARCH,
            file: `muster-agent-linux-${ARCH}`,
            size: statSync(broken).size,
            sha256: sha256(broken),
          },
        ],
      }),
    );
    server = await startTestServer({ flags: { agentDir } });
    const dir = join(scratch.path, 'opt');
    mkdirSync(dir);
    const exe = join(dir, 'muster-agent');
    copyFileSync(AGENT_EXECUTABLE, exe);
    const before = sha256(exe);
    const { state, id, agent } = await installed(server, exe, 'upd-broken', {
      MUSTER_AGENT_UPDATE_TRIAL_SECONDS: '20',
    });
    try {
      await online(server, id, VERSION);
      const cookie = await login(server);
      const started = await request(server, 'POST', `/api/hosts/${id}/agent-update`, { cookie, body: {} });
      assert.equal(started.status, 201, started.text);
      const job: JobView = await jobIn(server, cookie, started.json<{ id: string }>().id, undefined, 120_000);
      assert.equal(job.state, 'failed', job.log);
      assert.match(
        job.error ?? '',
        /did not come online \(exit 3: link: the server refused this build\); rolled back/,
      );
      assert.equal(sha256(exe), before, 'the executable in place is unchanged');
      assert.ok(!existsSync(`${exe}.new`), 'the broken download is deleted');
      await online(server, id, VERSION);
      assert.equal(agent.child.exitCode, null, 'the old agent kept running');
    } finally {
      await agent.stop();
      killAgentsOn(state);
    }
  });
});
