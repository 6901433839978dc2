import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import https from 'node:https';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { login, request, enrollAgent, spawnAgent, waitFor, useTestServer } from './helpers.ts';

/** True while a restic process for the repository at this port runs on this machine (not another test's). */
function pgrep(port: number): boolean {
  const pids = spawnSync('pgrep', ['-x', 'restic'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return pids.some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`127.0.0.1:${port}/`);
    } catch {
      return false;
    }
  });
}

interface Host {
  id: string;
  status: string;
  repo_status: string;
}
interface Job {
  id: string;
  type: string;
  state: string;
  log: string;
  error: string | null;
}

/** Enrollment with a repository: the agent runs a real restic against a local repository. */
describe('repository initialisation through the link (real restic)', () => {
  const server = useTestServer();
  let cookie: string;
  const scratch = server.tempDir('muster-repos-');
  before(async () => {
    cookie = await login(server);
  });

  async function enrollAndRun(hostname: string, repo: { repo_url: string; repo_password: string }) {
    const { hostId, state } = await enrollAgent(server, cookie, hostname, repo);
    return { hostId, agent: spawnAgent(['--state-dir', state.path]), state };
  }

  async function settled(hostId: string): Promise<Host> {
    return waitFor(
      async () => {
        const h = (await request(server, 'GET', `/api/hosts/${hostId}`, { cookie })).json<Host>();
        return h.repo_status === 'ready' || h.repo_status === 'init_failed' ? h : null;
      },
      'repo_status to settle',
      30_000,
      100,
    );
  }

  test('a new repository is initialised: initializing, then ready, with the job and its log', async () => {
    const repoPath = join(scratch.path, 'repo-new');
    const { hostId, agent, state } = await enrollAndRun('backup-1', {
      repo_url: repoPath,
      repo_password: 'correct horse',
    });
    try {
      const seen = new Set<string>();
      const host = await waitFor(
        async () => {
          const h = (await request(server, 'GET', `/api/hosts/${hostId}`, { cookie })).json<Host>();
          seen.add(h.repo_status);
          return h.repo_status === 'ready' || h.repo_status === 'init_failed' ? h : null;
        },
        'ready',
        30_000,
        20,
      );
      assert.equal(host.repo_status, 'ready');
      assert.equal(host.status, 'online');
      assert.ok(
        seen.has('initializing') || seen.size === 1,
        `went through initializing (${[...seen].join(',')})`,
      );
      assert.ok(existsSync(join(repoPath, 'config')), 'restic made the repository');
      const jobs = (await request(server, 'GET', `/api/hosts/${hostId}/jobs`, { cookie })).json<Job[]>();
      assert.equal(jobs[0]!.type, 'restic.init');
      assert.equal(jobs[0]!.state, 'succeeded');
      const job = (await request(server, 'GET', `/api/jobs/${jobs[0]!.id}`, { cookie })).json<Job>();
      assert.match(job.log, /created restic repository/);
      assert.doesNotMatch(job.log, /correct horse/);

      const probe = await request(server, 'POST', `/api/hosts/${hostId}/repo/probe`, { cookie });
      assert.equal(probe.status, 202);
      const again = await waitFor(async () => {
        const j = (
          await request(server, 'GET', `/api/jobs/${probe.json<{ job_id: string }>().job_id}`, { cookie })
        ).json<Job>();
        return j.state === 'succeeded' || j.state === 'failed' ? j : null;
      }, 'probe job');
      assert.equal(again.state, 'succeeded');
      assert.match(again.log, /already initialised/);
      assert.equal((await settled(hostId)).repo_status, 'ready');
    } finally {
      await agent.stop();
      state.remove();
    }
  });

  test('wrong credentials for an existing repository end at init_failed with the job log explaining why', async () => {
    const repoPath = join(scratch.path, 'repo-existing');
    const made = spawnSync('restic', ['init'], {
      env: {
        ...process.env,
        RESTIC_REPOSITORY: repoPath,
        RESTIC_PASSWORD: 'the real one',
        RESTIC_CACHE_DIR: join(scratch.path, 'cache'),
      },
    });
    assert.equal(made.status, 0, made.stderr.toString());
    const { hostId, agent, state } = await enrollAndRun('backup-2', {
      repo_url: repoPath,
      repo_password: 'not the real one',
    });
    try {
      const host = await settled(hostId);
      assert.equal(host.repo_status, 'init_failed');
      const jobs = (await request(server, 'GET', `/api/hosts/${hostId}/jobs`, { cookie })).json<Job[]>();
      const job = (await request(server, 'GET', `/api/jobs/${jobs[0]!.id}`, { cookie })).json<Job>();
      assert.equal(job.state, 'failed');
      assert.match(job.log, /already (exists|initialized)|config file already exists/i);
      assert.match(job.error ?? '', /restic exited with code/);
    } finally {
      await agent.stop();
      state.remove();
    }
  });

  test('cancelling a running job kills restic on the node; the live stream shows it end', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    const { hostId, agent, state } = await enrollAndRun('backup-3', {
      repo_url: `rest:http://127.0.0.1:${port}/`,
      repo_password: 'x',
    });
    try {
      const job = await waitFor(
        async () => {
          const jobs = (await request(server, 'GET', `/api/hosts/${hostId}/jobs`, { cookie })).json<Job[]>();
          return jobs[0]?.state === 'running' ? jobs[0] : null;
        },
        'running job',
        30_000,
      );
      assert.ok(pgrep(port), 'restic runs on the node');
      const events: string[] = [];
      const stream = https.get(
        new URL(`/api/jobs/${job.id}/stream`, server.url),
        { ca: server.ca, headers: { cookie } },
        (res) => res.on('data', (c: Buffer) => events.push(c.toString())),
      );
      await waitFor(() => events.join('').includes('"state":"running"'), 'stream shows running');
      const cancel = await request(server, 'POST', `/api/jobs/${job.id}/cancel`, { cookie });
      assert.equal(cancel.status, 202);
      const done = await waitFor(async () => {
        const j = (await request(server, 'GET', `/api/jobs/${job.id}`, { cookie })).json<Job>();
        return j.state !== 'running' ? j : null;
      }, 'job ended');
      assert.equal(done.state, 'cancelled');
      await waitFor(() => events.join('').includes('"state":"cancelled"'), 'stream shows cancelled');
      stream.destroy();
      await waitFor(() => !pgrep(port), 'restic process gone');
      assert.equal((await settled(hostId)).repo_status, 'init_failed');
      assert.equal((await request(server, 'POST', `/api/jobs/${job.id}/cancel`, { cookie })).status, 409);
    } finally {
      await agent.stop();
      state.remove();
      silent.close();
    }
  });
});
