import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  addUser,
  enrollAgent,
  getJob,
  jobIn,
  login,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  type JobView,
  useTestServer,
} from './helpers.ts';

interface Schedule {
  id: string;
  next_runs: string[];
}

const PASSWORD = 'schedule test repository';

/** restic's own view of the repository: snapshot tags, straight from disk. */
function snapshots(repo: string): { tags?: string[]; paths: string[] }[] {
  const out = execFileSync('restic', ['snapshots', '--json'], {
    env: {
      PATH: process.env.PATH,
      RESTIC_REPOSITORY: repo,
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_CACHE_DIR: join(repo, '..', 'cache'),
    },
  });
  return JSON.parse(out.toString()) as { tags?: string[]; paths: string[] }[];
}

/** Source groups and schedules through the API, fired by real agents running real restic. */
describe('backup source groups and schedules', () => {
  const server = useTestServer();
  let cookie: string;
  const scratch = server.tempDir('muster-schedules-');
  const data = join(scratch.path, 'data');
  const agents: AgentProcess[] = [];
  const states: { remove(): void }[] = [];

  before(async () => {
    cookie = await login(server);
    mkdirSync(join(data, 'cache'), { recursive: true });
    writeFileSync(join(data, 'a.txt'), 'first file\n');
    writeFileSync(join(data, 'cache', 'skip.bin'), 'excluded\n');
  });
  server.defer(async () => {
    for (const a of agents) await a.stop();
    for (const s of states) s.remove();
  });

  /** An enrolled host with its own local repository; its agent's clock reads `agentNow` at start. */
  async function host(name: string, agentNow?: string) {
    const repo = join(scratch.path, `repo-${name}`);
    const { hostId, state } = await enrollAgent(server, cookie, name, {
      repo_url: repo,
      repo_password: PASSWORD,
    });
    const env = agentNow ? { MUSTER_AGENT_CLOCK_OFFSET_MS: String(Date.parse(agentNow) - Date.now()) } : {};
    const agent = spawnAgent(['--state-dir', state.path], { env });
    agents.push(agent);
    states.push(state);
    await waitFor(
      async () =>
        (await request(server, 'GET', `/api/hosts/${hostId}`, { cookie })).json<{ repo_status: string }>()
          .repo_status === 'ready',
      'repository ready',
      30_000,
    );
    return { hostId, repo, agent, state };
  }

  const post = async <T>(path: string, body: unknown, status = 201) => {
    const r = await request(server, 'POST', path, { cookie, body });
    assert.equal(r.status, status, JSON.stringify(r.json()));
    return r.json<T>();
  };
  const jobsOf = async (hostId: string) =>
    (await request(server, 'GET', `/api/hosts/${hostId}/jobs`, { cookie })).json<JobView[]>();
  const job = (id: string) => getJob(server, cookie, id);
  const finished = (id: string) => jobIn(server, cookie, id);

  test('routes validate cron, time zone and paths, show next runs, and keep viewers read-only', async () => {
    const { hostId } = await host('sched-api');
    const bad = async (path: string, body: unknown, message: RegExp) => {
      const r = await request(server, 'POST', path, { cookie, body });
      assert.equal(r.status, 400, JSON.stringify(r.json()));
      assert.match(r.json<{ message: string }>().message, message);
    };
    await bad(`/api/hosts/${hostId}/source-groups`, { name: 'x', paths: ['relative/path'] }, /absolute path/);
    await bad(
      `/api/hosts/${hostId}/source-groups`,
      { name: 'x', paths: ['/etc'], retention: { keep_forever: 1 } },
      /keep_forever/,
    );
    const group = await post<{ id: string; tag: string }>(`/api/hosts/${hostId}/source-groups`, {
      name: 'Web Data',
      paths: [data],
    });
    assert.equal(group.tag, 'muster-web-data');
    const dup = await request(server, 'POST', `/api/hosts/${hostId}/source-groups`, {
      cookie,
      body: { name: 'Web Data', paths: ['/srv'] },
    });
    assert.equal(dup.status, 409);
    const base = { source_group_id: group.id };
    await bad(
      `/api/hosts/${hostId}/schedules`,
      { ...base, cron: '61 * * * *' },
      /invalid cron expression "61 \* \* \* \*".*minute/,
    );
    await bad(
      `/api/hosts/${hostId}/schedules`,
      { ...base, cron: '0 3 * * *', timezone: 'Mars/Olympus' },
      /unknown time zone "Mars\/Olympus"/,
    );
    const s = await post<Schedule>(`/api/hosts/${hostId}/schedules`, {
      ...base,
      cron: '30 2 * * *',
      timezone: 'Asia/Kathmandu',
    });
    assert.equal(s.next_runs.length, 3);
    assert.ok(
      s.next_runs.every((t) => t.endsWith('T20:45:00.000Z')),
      `02:30 in Kathmandu is 20:45 UTC: ${s.next_runs.join()}`,
    );

    const inUse = await request(server, 'DELETE', `/api/hosts/${hostId}/source-groups/${group.id}`, {
      cookie,
    });
    assert.equal(inUse.status, 409);
    assert.match(inUse.json<{ message: string }>().message, new RegExp(s.id));

    const viewer = await addUser(server, cookie, 'sched-viewer', 'viewer');
    assert.equal(
      (await request(server, 'GET', `/api/hosts/${hostId}/schedules`, { cookie: viewer.cookie })).status,
      200,
    );
    const denied = await request(server, 'POST', `/api/hosts/${hostId}/schedules`, {
      cookie: viewer.cookie,
      body: { ...base, cron: '0 3 * * *' },
    });
    assert.equal(denied.status, 403);
    const patched = await request(server, 'PATCH', `/api/hosts/${hostId}/schedules/${s.id}`, {
      cookie,
      body: { enabled: false },
    });
    assert.deepEqual(patched.json<Schedule>().next_runs, []);
    assert.equal(
      (await request(server, 'DELETE', `/api/hosts/${hostId}/schedules/${s.id}`, { cookie })).status,
      204,
    );
    assert.equal(
      (await request(server, 'DELETE', `/api/hosts/${hostId}/source-groups/${group.id}`, { cookie })).status,
      204,
    );
  });

  test('a schedule pushed to a running agent fires at its minute; backups apply the group retention', async () => {
    // The agent's clock starts 20 s before 02:30 in Kathmandu.
    const minute = '2027-01-14T20:45:00.000Z';
    const { hostId, repo } = await host('sched-fire', '2027-01-14T20:44:40Z');
    const group = await post<{ id: string; tag: string }>(`/api/hosts/${hostId}/source-groups`, {
      name: 'data',
      paths: [data],
      excludes: [join(data, 'cache')],
      retention: { keep_last: 1 },
    });
    // "Run now" first: the schedule's own run must then leave one snapshot (keep_last 1).
    const nowJob = await post<{ id: string }>(
      `/api/hosts/${hostId}/source-groups/${group.id}/backup`,
      {},
      202,
    );
    assert.equal((await finished(nowJob.id)).state, 'succeeded');
    const s = await post<Schedule>(`/api/hosts/${hostId}/schedules`, {
      source_group_id: group.id,
      cron: '30 2 * * *',
      timezone: 'Asia/Kathmandu',
    });
    await post(`/api/hosts/${hostId}/schedules`, {
      source_group_id: group.id,
      cron: '31 2 * * *',
      timezone: 'Asia/Kathmandu',
    });
    const fired = await waitFor(
      async () => (await jobsOf(hostId)).find((j) => j.schedule_id === s.id),
      'the scheduled run',
      30_000,
    );
    assert.equal(new Date(fired.scheduled_for!).toISOString(), minute);
    assert.equal(fired.created_by, 'schedule');
    const done = await finished(fired.id);
    assert.equal(done.state, 'succeeded', done.log);
    assert.match(done.log, /snapshot [0-9a-f]+ saved/);
    assert.match(done.log, /applying retention: restic forget --tag muster-data --keep-last 1 --prune/);
    const snaps = snapshots(repo);
    assert.equal(snaps.length, 1, 'retention kept the last snapshot only');
    assert.deepEqual(snaps[0]!.tags, ['muster-data']);
    assert.equal(
      (await jobsOf(hostId)).filter((j) => j.schedule_id !== null && j.scheduled_for !== null).length,
      1,
      'only the 02:30 schedule has fired',
    );
  });

  test('a schedule fires while the server is down and the run is reported when the link returns', async () => {
    const { hostId, repo } = await host('sched-offline', '2027-06-01T07:14:40Z');
    const group = await post<{ id: string }>(`/api/hosts/${hostId}/source-groups`, {
      name: 'offline',
      paths: [data],
    });
    // 03:15 in New York (summer time, UTC-4) is 07:15 UTC; the agent's clock starts 20 s before.
    const s = await post<Schedule>(`/api/hosts/${hostId}/schedules`, {
      source_group_id: group.id,
      cron: '15 3 * * *',
      timezone: 'America/New_York',
    });
    await server.stop();
    await waitFor(() => snapshots(repo).length === 1, 'a backup made while the server is down', 40_000, 250);
    await server.startAgain();
    cookie = await login(server);
    const reported = await waitFor(
      async () => {
        const j = (await jobsOf(hostId)).find((x) => x.schedule_id === s.id);
        return j && j.state === 'succeeded' ? j : null;
      },
      'the offline run reported',
      // The agent retried while the server was down, with backoff up to the server's 60 s (full jitter): its
      // next attempt may come that long after the restart.
      75_000,
    );
    assert.equal(new Date(reported.scheduled_for!).toISOString(), '2027-06-01T07:15:00.000Z');
    const full = await job(reported.id);
    assert.match(full.log, /snapshot [0-9a-f]+ saved/, 'its output, held while offline, is stored');
  });
});
