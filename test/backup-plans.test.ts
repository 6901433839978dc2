import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  claimInto,
  jobIn,
  login,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  type JobView,
  useTestServer,
} from './helpers.ts';

interface Plan {
  id: string;
  node_count: number;
  repository: { template: string; shared: boolean; password_set: boolean; env_names: string[] };
}
interface Effective {
  plan: { id: string } | null;
  fields: { paths?: string[] };
  origins: Record<string, string>;
  repository: { location: string | null; origin: string };
  spread_seconds: number;
}
interface Schedule {
  id: string;
  action: string;
  plan_id: string | null;
  delay_seconds: number;
  next_runs: string[];
}
interface Snapshot {
  id: string;
  short_id: string;
  paths: string[];
  tags: string[];
}
interface Fleet {
  totals: { nodes: number; protected: number; failing: number; bytes_protected: number };
  nodes: {
    node_id: string;
    hostname: string;
    plan: string | null;
    state: string;
    repository_size: number | null;
  }[];
}

/** GET a path's bytes with the session cookie (downloads are not JSON). */
function bytes(
  server: { url: string; ca: string },
  cookie: string,
  path: string,
): Promise<{ status: number; body: Buffer; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    https
      .get(new URL(path, server.url), { ca: server.ca, headers: { cookie } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            type: res.headers['content-type'],
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * A backup plan on a room of real nodes: real agents running the real restic against repositories the plan's template
 * names, hooks from each agent's hooks directory, a node that joins the room later, an override, and what the fleet
 * page, statistics, diffs, searches and downloads show of it.
 */
describe('backup plans: a room of nodes backed up by one plan, with real restic', () => {
  const server = useTestServer();
  let cookie: string;
  const scratch = server.tempDir('muster-plans-');
  const data = join(scratch.path, 'data');
  const other = join(scratch.path, 'other');
  const hooks = join(scratch.path, 'hooks.d');
  const agents: AgentProcess[] = [];
  const ids: Record<string, string> = {};
  let roomId: string;
  let planId: string;
  const call = (method: string, path: string, body?: unknown) =>
    request(server, method, path, { cookie, ...(body !== undefined ? { body } : {}) });
  const ended = async (id: string) =>
    (await jobIn(server, cookie, id, undefined, 90_000)) as JobView & {
      result: { backup?: { snapshot_id: string } } | null;
    };
  const snapshots = async (id: string) => {
    const r = await call('GET', `/api/hosts/${id}/snapshots`);
    assert.equal(r.status, 200, r.text);
    return r.json<Snapshot[]>();
  };
  const node = async (id: string) =>
    (await call('GET', `/api/hosts/${id}`)).json<{ status: string; repo_status: string }>();

  /** Claim a node (into the room, or the space's default room) and start its agent with the hooks directory. */
  async function addNode(name: string, intoRoom: boolean) {
    const state = join(scratch.path, name);
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(
      server,
      state,
      token,
      '--hostname',
      name,
      ...(intoRoom ? ['--rooms', roomId] : []),
    );
    assert.equal(claimed.code, 0, claimed.stderr);
    const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    agents.push(spawnAgent(['--state-dir', state, '--hooks-dir', hooks]));
    await waitFor(async () => (await node(id)).status === 'online', `${name} online`, 20_000);
    ids[name] = id;
    return id;
  }

  before(async () => {
    cookie = await login(server);
    mkdirSync(join(data, 'etc'), { recursive: true });
    writeFileSync(join(data, 'notes.txt'), 'the file we want back\n');
    writeFileSync(join(data, 'etc', 'app.conf'), 'port = 8080\n');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'only-b.txt'), 'b overrides its paths\n');
    // Hooks: owned by this user (root in CI), writable by nobody else.
    mkdirSync(hooks, { mode: 0o755 });
    chmodSync(hooks, 0o755);
    writeFileSync(
      join(hooks, 'stamp'),
      `#!/bin/sh\necho "stamp hook ran for job $MUSTER_JOB_ID"\necho dumped > "${data}/dump.sql"\n`,
      {
        mode: 0o755,
      },
    );
    writeFileSync(join(hooks, 'fail'), '#!/bin/sh\necho "database is down" >&2\nexit 3\n', { mode: 0o755 });
    writeFileSync(join(hooks, 'loose'), '#!/bin/sh\nexit 0\n', { mode: 0o777 });
    chmodSync(join(hooks, 'loose'), 0o777);
    const room = await call('POST', `/api/spaces/${server.spaceId}/rooms`, { name: 'Databases' });
    assert.equal(room.status, 201, room.text);
    roomId = room.json<{ id: string }>().id;
    await addNode('db-a', true);
    await addNode('db-b', true);
  });
  server.defer(() => Promise.all(agents.map((a) => a.stop())));

  test('a plan on a room reaches every node in it: a repository from the template, initialised; the plan shown per node', async () => {
    const viewer = await request(server, 'POST', '/api/backup-plans', { body: {} });
    assert.equal(viewer.status, 401);
    const bad = await call('POST', '/api/backup-plans', {
      name: 'bad',
      room_id: roomId,
      paths: [data],
      schedule: { cron: '0 2 * * *' },
      repository: { template: `${scratch.path}/repos/{hostname}`, env: { LD_PRELOAD: '/tmp/x.so' } },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.text, /LD_PRELOAD is not a credential|takes no credentials/);
    const created = await call('POST', '/api/backup-plans', {
      name: 'databases',
      room_id: roomId,
      paths: [data],
      excludes: ['*.tmp'],
      exclude_caches: true,
      tags: ['db'],
      schedule: { cron: '0 2 * * *', timezone: 'Europe/Berlin', spread_minutes: 60 },
      retention: { keep_last: 2 },
      check: { cron: '0 5 1 * *', read_data_subset: '10%' },
      hooks: { before: ['stamp'] },
      limits: { upload_kib: 100_000 },
      repository: { template: `${scratch.path}/repos/{hostname}` },
    });
    assert.equal(created.status, 201, created.text);
    const plan = created.json<Plan>();
    planId = plan.id;
    assert.equal(plan.node_count, 2);
    assert.equal(plan.repository.shared, false);
    assert.equal(plan.repository.password_set, false, 'passwords are generated per node');
    for (const name of ['db-a', 'db-b']) {
      await waitFor(
        async () => (await node(ids[name]!)).repo_status === 'ready',
        `${name}'s repository ready`,
        60_000,
      );
      const eff = (await call('GET', `/api/nodes/${ids[name]}/backup-plan`)).json<Effective>();
      assert.equal(eff.plan?.id, planId);
      assert.equal(eff.origins.paths, 'plan');
      assert.equal(eff.repository.origin, 'plan');
      assert.equal(eff.repository.location, `${scratch.path}/repos/${name}`);
      assert.ok(eff.spread_seconds >= 0 && eff.spread_seconds < 3600);
      const schedules = (await call('GET', `/api/hosts/${ids[name]}/schedules`)).json<Schedule[]>();
      assert.deepEqual(schedules.map((s) => s.action).sort(), ['backup', 'check', 'forget']);
      const backup = schedules.find((s) => s.action === 'backup')!;
      assert.equal(backup.delay_seconds, eff.spread_seconds);
      assert.equal(backup.plan_id, planId);
      // What a plan gives a node changes with the plan, not on the node.
      const edit = await call('PATCH', `/api/hosts/${ids[name]}/schedules/${backup.id}`, { enabled: false });
      assert.equal(edit.status, 409);
      assert.equal(edit.json<{ code: string }>().code, 'plan_managed');
    }
    assert.notEqual(
      (await call('GET', `/api/nodes/${ids['db-a']}/backup-plan`)).json<Effective>().spread_seconds,
      (await call('GET', `/api/nodes/${ids['db-b']}/backup-plan`)).json<Effective>().spread_seconds,
      'two nodes do not start in the same second',
    );
  });

  test('run now backs up every node of the plan; the hook runs first; retention forgets without pruning', async () => {
    for (let round = 1; round <= 3; round++) {
      writeFileSync(join(data, 'notes.txt'), `the file we want back, version ${round}\n`);
      const run = await call('POST', `/api/backup-plans/${planId}/run`);
      assert.equal(run.status, 202, run.text);
      const { jobs } = run.json<{ jobs: JobView[] }>();
      assert.equal(jobs.length, 2);
      if (round === 1) {
        // The plan shows what its nodes are doing (restic starts slower than this answer comes).
        const queue = (await call('GET', `/api/backup-plans/${planId}`)).json<{
          queue: { type: string; hostname: string }[];
        }>().queue;
        assert.ok(queue.length > 0, 'the run is visible on the plan');
        assert.ok(queue.every((q) => q.type === 'restic.backup' && q.hostname.startsWith('db-')));
      }
      for (const j of jobs) {
        const done = await ended(j.id);
        assert.equal(done.state, 'succeeded', `${done.error}\n${done.log}`);
        assert.match(done.log, /running hook stamp \(before\)/);
        assert.match(done.log, /stamp hook ran for job/);
        if (round === 3) {
          assert.match(
            done.log,
            /applying retention: restic forget --tag muster-plan-databases --keep-last 2\n/,
          );
          assert.doesNotMatch(done.log, /--prune/, 'a prune schedule reclaims space, not each backup');
        }
      }
    }
    const list = await snapshots(ids['db-a']!);
    assert.equal(list.length, 2, 'keep_last 2');
    assert.deepEqual(list[0]!.tags.sort(), ['db', 'muster-plan-databases']);
    assert.deepEqual(list[0]!.paths, [data]);
  });

  test('the fleet table: every node with its plan and state; CSV too', async () => {
    const fleet = (await call('GET', `/api/backups?room_id=${roomId}`)).json<Fleet>();
    assert.equal(fleet.totals.nodes, 2);
    assert.equal(fleet.totals.protected, 2);
    assert.ok(fleet.totals.bytes_protected > 0);
    assert.deepEqual(
      fleet.nodes.map((n) => [n.hostname, n.plan, n.state]),
      [
        ['db-a', 'databases', 'ok'],
        ['db-b', 'databases', 'ok'],
      ],
    );
    const csv = await bytes(server, cookie, `/api/backups?room_id=${roomId}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.type ?? '', /text\/csv/);
    const lines = csv.body.toString().trim().split('\r\n');
    assert.match(lines[0]!, /^hostname,node_id,status,plan,state,last_success/);
    assert.match(lines[1]!, /^db-a,.*,databases,ok,/);
  });

  test('statistics, diff, find, and downloads of a file and a directory whose bytes match', async () => {
    const a = ids['db-a']!;
    const stats = await call('GET', `/api/hosts/${a}/repository/stats`);
    assert.equal(stats.status, 200, stats.text);
    const s = stats.json<{ snapshot_count: number; raw_size: number; total_size: number; locks: number }>();
    assert.equal(s.snapshot_count, 2);
    assert.ok(s.raw_size > 0 && s.total_size > 0);
    assert.equal(s.locks, 0);
    const fleet = (await call('GET', `/api/backups?plan_id=${planId}`)).json<Fleet>();
    assert.ok(
      (fleet.nodes.find((n) => n.node_id === a)?.repository_size ?? 0) > 0,
      'the size is kept for the table',
    );
    const planSize = (await call('GET', `/api/backup-plans/${planId}`)).json<{ repository_size: number }>();
    assert.equal(planSize.repository_size, s.raw_size, "the plan's size: the repositories measured so far");

    const [newer, older] = await snapshots(a);
    const diff = await call('GET', `/api/hosts/${a}/snapshots/diff?from=${older!.id}&to=${newer!.id}`);
    assert.equal(diff.status, 200, diff.text);
    assert.deepEqual(diff.json<{ changes: { path: string; modifier: string }[] }>().changes, [
      { path: join(data, 'notes.txt'), modifier: 'M' },
    ]);
    const find = await call('GET', `/api/hosts/${a}/snapshots/find?pattern=app.conf`);
    assert.equal(find.status, 200, find.text);
    const matches = find.json<{ matches: { path: string }[] }>().matches;
    assert.equal(matches.length, 2, 'in both snapshots');
    assert.equal(matches[0]!.path, join(data, 'etc', 'app.conf'));

    const file = await bytes(
      server,
      cookie,
      `/api/hosts/${a}/snapshots/${newer!.id}/download?path=${encodeURIComponent(join(data, 'notes.txt'))}&format=raw`,
    );
    assert.equal(file.status, 200, file.body.toString());
    assert.equal(file.body.toString(), 'the file we want back, version 3\n');
    const tar = await bytes(
      server,
      cookie,
      `/api/hosts/${a}/snapshots/${newer!.id}/download?path=${encodeURIComponent(data)}&format=tar`,
    );
    assert.equal(tar.status, 200);
    const out = mkdtempSync(join(scratch.path, 'untar-'));
    writeFileSync(join(out, 'd.tar'), tar.body);
    execFileSync('tar', ['-xf', join(out, 'd.tar'), '-C', out]);
    const extracted = execFileSync('find', [out, '-name', 'app.conf']).toString().trim();
    assert.equal(readFileSync(extracted, 'utf8'), 'port = 8080\n');
    const zip = await bytes(
      server,
      cookie,
      `/api/hosts/${a}/snapshots/${newer!.id}/download?path=${encodeURIComponent(join(data, 'etc'))}&format=zip`,
    );
    assert.equal(zip.status, 200);
    assert.equal(zip.body.subarray(0, 2).toString(), 'PK', 'a zip archive');
    const missing = await bytes(
      server,
      cookie,
      `/api/hosts/${a}/snapshots/${newer!.id}/download?path=/no/such/file&format=raw`,
    );
    assert.notEqual(missing.status, 200);
    assert.match(missing.body.toString(), /"message":/);
    const audit = (await call('GET', '/api/audit?action=snapshot.downloaded')).json<
      { items: unknown[] } | unknown[]
    >();
    assert.ok(JSON.stringify(audit).includes('notes.txt'), 'downloads are audited');
  });

  test('an override on one node: its page says which fields are its own; its next backup takes them', async () => {
    const b = ids['db-b']!;
    const set = await call('PUT', `/api/nodes/${b}/backup-plan`, { overrides: { paths: [other] } });
    assert.equal(set.status, 200, set.text);
    const eff = set.json<Effective>();
    assert.equal(eff.origins.paths, 'node');
    assert.equal(eff.origins.retention, 'plan');
    assert.deepEqual(eff.fields.paths, [other]);
    const run = await call('POST', `/api/backup-plans/${planId}/run`);
    const job = run.json<{ jobs: (JobView & { host_id: string })[] }>().jobs.find((j) => j.host_id === b)!;
    assert.equal((await ended(job.id)).state, 'succeeded');
    assert.deepEqual((await snapshots(b))[0]!.paths, [other]);
  });

  test('a node that joins the room, or is claimed into it, gets the plan; leaving it takes the plan away (the repository and data stay)', async () => {
    const c = await addNode('db-c', false);
    assert.equal((await call('GET', `/api/nodes/${c}/backup-plan`)).json<Effective>().plan, null);
    assert.equal((await call('PUT', `/api/rooms/${roomId}/nodes/${c}`)).status, 204);
    await waitFor(async () => (await node(c)).repo_status === 'ready', 'db-c repository ready', 60_000);
    const groups = (await call('GET', `/api/hosts/${c}/source-groups`)).json<{ plan_id: string | null }[]>();
    assert.deepEqual(
      groups.map((g) => g.plan_id),
      [planId],
    );
    assert.equal((await call('DELETE', `/api/rooms/${roomId}/nodes/${c}`)).status, 204);
    assert.deepEqual((await call('GET', `/api/hosts/${c}/source-groups`)).json<unknown[]>(), []);
    assert.deepEqual((await call('GET', `/api/hosts/${c}/schedules`)).json<unknown[]>(), []);
    assert.match(
      (await call('GET', `/api/hosts/${c}`)).json<{ repo_location: string }>().repo_location,
      /repos\/db-c$/,
    );
    // Claimed straight into the room: the plan reaches it at its first link, repository and all.
    const d = await addNode('db-d', true);
    await waitFor(async () => (await node(d)).repo_status === 'ready', 'db-d repository ready', 60_000);
    assert.equal((await call('GET', `/api/nodes/${d}/backup-plan`)).json<Effective>().plan?.id, planId);
    assert.match(
      (await call('GET', `/api/hosts/${d}`)).json<{ repo_location: string }>().repo_location,
      /repos\/db-d$/,
    );
    assert.equal((await call('DELETE', `/api/rooms/${roomId}/nodes/${d}`)).status, 204);
    const deleteRoom = await call('DELETE', `/api/rooms/${roomId}`);
    assert.equal(deleteRoom.status, 409, 'a room with plans cannot go unnoticed');
  });

  test('a failing hook fails the backup with its reason; a hook others may write is refused', async () => {
    assert.equal(
      (await call('PATCH', `/api/backup-plans/${planId}`, { hooks: { before: ['fail'] } })).status,
      200,
    );
    let jobs = (await call('POST', `/api/backup-plans/${planId}/run`)).json<{ jobs: JobView[] }>().jobs;
    let done = await ended(jobs[0]!.id);
    assert.equal(done.state, 'failed');
    assert.equal(done.error, 'hook fail (before) exited with code 3; the backup did not run');
    assert.match(done.log, /database is down/);
    assert.equal(
      (await call('PATCH', `/api/backup-plans/${planId}`, { hooks: { before: ['loose'] } })).status,
      200,
    );
    jobs = (await call('POST', `/api/backup-plans/${planId}/run`)).json<{ jobs: JobView[] }>().jobs;
    done = await ended(jobs[0]!.id);
    assert.equal(done.state, 'failed');
    assert.match(
      done.error ?? '',
      /hook loose \(before\) cannot run: hook .*loose is writable by group or others/,
    );
    const fleet = (await call('GET', `/api/backups?state=failing`)).json<Fleet>();
    assert.ok(
      fleet.nodes.some((n) => n.node_id === ids['db-a']) ||
        fleet.nodes.some((n) => n.node_id === ids['db-b']),
    );
    assert.equal((await call('PATCH', `/api/backup-plans/${planId}`, { hooks: {} })).status, 200);
  });

  test('an admin forgets one snapshot', async () => {
    const a = ids['db-a']!;
    const [newest] = await snapshots(a);
    const forget = await call('DELETE', `/api/hosts/${a}/snapshots/${newest!.id}`);
    assert.equal(forget.status, 202, forget.text);
    assert.equal((await ended(forget.json<{ job: { id: string } }>().job.id)).state, 'succeeded');
    assert.ok(!(await snapshots(a)).some((s) => s.id === newest!.id));
  });

  test('copies to a second repository: due on the server, once per due time, every node copied (3-2-1)', async () => {
    const patch = await call('PATCH', `/api/backup-plans/${planId}`, {
      copy: { cron: '0 3 * * *', template: `${scratch.path}/copies/{hostname}` },
    });
    assert.equal(patch.status, 200, patch.text);
    const services = server.services as unknown as { planOps: { fireCopies(now?: number): Promise<number> } };
    const tomorrow = Date.now() + 2 * 86_400_000;
    assert.equal(await services.planOps.fireCopies(tomorrow), 2, 'one copy per node');
    assert.equal(await services.planOps.fireCopies(tomorrow), 0, 'not twice for one due time');
    for (const name of ['db-a', 'db-b']) {
      const id = ids[name]!;
      const job = await waitFor(
        async () =>
          (await call('GET', `/api/hosts/${id}/jobs`))
            .json<JobView[]>()
            .find((j) => j.type === 'restic.copy') ?? null,
        `${name}'s copy job`,
        10_000,
      );
      const done = await ended(job.id);
      assert.equal(done.state, 'succeeded', `${done.error}\n${done.log}`);
      assert.match(done.log, /initialising the second repository/);
      const copied = readdirSync(join(scratch.path, 'copies', name, 'snapshots')).length;
      assert.equal(copied, (await snapshots(id)).length, `${name}: every snapshot copied`);
    }
    const plan = (await call('GET', `/api/backup-plans/${planId}`)).json<{ copy: { last_run_at: number } }>();
    assert.equal(plan.copy.last_run_at, tomorrow);
    assert.equal((await call('PATCH', `/api/backup-plans/${planId}`, { copy: null })).status, 200);
  });

  test('a shared repository: every node writes to it, and only one of them prunes and checks it', async () => {
    const shared = `${scratch.path}/shared-repo`;
    const patch = await call('PATCH', `/api/backup-plans/${planId}`, { repository: { template: shared } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json<Plan>().repository.shared, true);
    for (const name of ['db-a', 'db-b'])
      await waitFor(
        async () => (await node(ids[name]!)).repo_status === 'ready',
        `${name} on the shared repository`,
        60_000,
      );
    const actions = await Promise.all(
      ['db-a', 'db-b'].map(async (n) =>
        (await call('GET', `/api/hosts/${ids[n]}/schedules`)).json<Schedule[]>().map((s) => s.action),
      ),
    );
    assert.deepEqual(actions.flat().sort(), ['backup', 'backup', 'check', 'forget']);
    const jobs = (await call('POST', `/api/backup-plans/${planId}/run`)).json<{ jobs: JobView[] }>().jobs;
    for (const j of jobs) {
      const done = await ended(j.id);
      assert.equal(done.state, 'succeeded', `${done.error}\n${done.log}`);
    }
    const hosts = new Set((await snapshots(ids['db-a']!)).map((s) => s.paths[0]));
    assert.deepEqual([...hosts].sort(), [data, other].sort(), 'both nodes wrote to the one repository');
  });
});
