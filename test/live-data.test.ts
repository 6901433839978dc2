import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { AlertsAnswer, ContextsAnswer, DataAnswer, FunctionTable } from '../src/protocol/node-data.ts';
import {
  connectArgs,
  login,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  useTestServer,
} from './helpers.ts';

type Series = Record<string, [number, number][]>;

describe('live node data through the link (request/reply)', () => {
  const server = useTestServer();
  let agent: AgentProcess;
  let id: string;
  let cookie: string;
  const dir = server.tempDir('muster-agent-');
  before(async () => {
    cookie = await login(server);
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    agent = spawnAgent(['--state-dir', dir.path, ...connectArgs(server, token)]);
    server.defer(() => agent.stop());
    id = await waitFor(() => readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim(), 'claim');
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'online', 'online');
  });

  test('metrics come from the agent, change over time, and the server stores none', async () => {
    const url = `/api/nodes/${id}/metrics?series=cpu.user,cpu.idle,mem.used_bytes,load.1,net.rx_bytes_per_s,uptime_s`;
    const first = await waitFor(async () => {
      const r = await request(server, 'GET', url, { cookie });
      const s = r.json<{ series: Series }>().series;
      return r.status === 200 && (s['cpu.user']?.length ?? 0) >= 1 ? s : null;
    }, 'first metrics');
    assert.ok(first['mem.used_bytes']![0]![1] > 0);
    const lastT = first['uptime_s']!.at(-1)![0];
    await new Promise((r) => setTimeout(r, 2500));
    const later = (await request(server, 'GET', `${url}&after=${lastT}`, { cookie })).json<{
      series: Series;
    }>().series;
    assert.ok(later['uptime_s']!.length >= 2, 'new samples every second');
    assert.ok(later['uptime_s']!.every(([t]) => t > lastT));
    assert.ok(later['uptime_s']!.at(-1)![1] > first['uptime_s']!.at(-1)![1], 'uptime grows');
    const thin = (
      await request(server, 'GET', `/api/nodes/${id}/metrics?series=uptime_s&points=1`, { cookie })
    ).json<{ series: Series }>();
    assert.equal(thin.series['uptime_s']!.length, 1);

    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
      server.database.db,
    );
    assert.ok(!tables.rows.some((t) => /metric|sample|series/i.test(t.name)), 'no metric tables');
    const text = JSON.stringify(await server.database.db.selectFrom('nodes').selectAll().execute());
    assert.doesNotMatch(text, /cpu\.user|uptime_s/);
  });

  test('charts through the node-data API: contexts like Netdata’s, points, alerts, functions; history survives a restart', async () => {
    const contexts = await waitFor(async () => {
      const r = await request(server, 'GET', `/api/nodes/${id}/contexts`, { cookie });
      const list = r.json<ContextsAnswer>().contexts;
      return r.status === 200 && list.some((c) => c.id === 'system.cpu') ? list : null;
    }, 'contexts');
    const ids = contexts.map((c) => c.id);
    for (const want of ['system.cpu', 'system.load', 'system.ram', 'system.net', 'system.io', 'disk.space'])
      assert.ok(ids.includes(want), `${want} in ${ids.join(', ')}`);
    assert.deepEqual(contexts.find((c) => c.id === 'system.load')!.dimensions, ['load1', 'load5', 'load15']);
    const cpu = (
      await request(server, 'GET', `/api/nodes/${id}/data?context=system.cpu&after=-60&points=30`, { cookie })
    ).json<DataAnswer>();
    assert.equal(cpu.units, 'percentage');
    assert.equal(cpu.labels[0], 'time');
    assert.ok(cpu.labels.includes('user'));
    assert.ok(cpu.points.length >= 1 && cpu.points.length <= 30);
    const missing = await request(server, 'GET', `/api/nodes/${id}/data?context=no.such`, { cookie });
    assert.equal(missing.status, 404);
    const alerts = (await request(server, 'GET', `/api/nodes/${id}/alerts`, { cookie })).json<AlertsAnswer>();
    assert.ok(alerts.alerts.some((a) => a.name === 'disk_space_usage' && a.chart.startsWith('disk_space.')));
    const mounts = await request(server, 'POST', `/api/nodes/${id}/functions/mount-points`, {
      cookie,
      body: {},
    });
    assert.equal(mounts.status, 200, mounts.text);
    assert.ok(mounts.json<FunctionTable>().rows.some((r) => r[0] === '/'));

    // The agent stops (saving its history) and starts again: what it saw before is still there.
    const firstSeen = (
      await request(server, 'GET', `/api/nodes/${id}/data?context=system.uptime&after=-3600&points=1500`, {
        cookie,
      })
    ).json<DataAnswer>().points[0]![0]!;
    await agent.stop();
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'offline', 'offline');
    // Offline: the server shows the last answer it had, and says so.
    const kept = (
      await request(server, 'GET', `/api/nodes/${id}/data?context=system.uptime&after=-3600&points=1500`, {
        cookie,
      })
    ).json<DataAnswer>();
    assert.ok(kept.cached_at, 'marked as the server’s copy');
    agent = spawnAgent(['--state-dir', dir.path]);
    server.defer(() => agent.stop());
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'online', 'online again');
    const after = (
      await request(server, 'GET', `/api/nodes/${id}/data?context=system.uptime&after=-3600&points=1500`, {
        cookie,
      })
    ).json<DataAnswer>();
    assert.equal(after.cached_at, undefined);
    assert.ok(after.points[0]![0]! <= firstSeen, 'the points from before the restart are still there');
  });

  test('shell jobs are refused by an agent that was not started with --allow-shell-jobs', async () => {
    const r = await request(server, 'POST', `/api/hosts/${id}/jobs`, {
      cookie,
      body: { type: 'shell', params: { command: 'id' } },
    });
    assert.equal(r.status, 201);
    const jobId = r.json<{ id: string }>().id;
    const job = await waitFor(async () => {
      const j = (await request(server, 'GET', `/api/jobs/${jobId}`, { cookie })).json<{
        state: string;
        error: string;
      }>();
      return j.state === 'failed' ? j : null;
    }, 'refusal');
    assert.match(job.error, /shell jobs are disabled on this agent/);
  });

  test('facts on demand; an offline node fails at once; many requests in flight on one link', async () => {
    const facts = await request(server, 'GET', `/api/nodes/${id}/facts`, { cookie });
    assert.equal(facts.status, 200);
    assert.ok(facts.json<{ cpus: number }>().cpus > 0);

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => server.services.sessions.request(id, 'facts', {}, 5000)),
    );
    assert.equal(answers.length, 50);
    assert.equal(server.services.sessions.pendingCount(), 0);

    await assert.rejects(
      server.services.sessions.requestRaw(id, 'no.such.method', {}, 5000),
      /the agent refused/,
    );

    await agent.stop();
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'offline', 'offline');
    const t0 = Date.now();
    const offline = await request(server, 'GET', `/api/nodes/${id}/metrics`, { cookie });
    assert.equal(offline.status, 503);
    assert.match(offline.json<{ message: string }>().message, /offline/);
    assert.ok(Date.now() - t0 < 500, 'fails at once');
  });
});
