import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { memoryServer, recordingLink, type MemoryServer } from '../../../test/unit-server.ts';
import { SYSTEM, type Actor } from '../actor.ts';
import type { JobsTable } from '../db/schema.ts';
import type { AppError } from '../errors.ts';
import { createNodesService } from '../nodes/nodes-service.ts';
import { createSchedulesService } from '../schedules/schedules-service.ts';
import { createJobsService, DEFAULT_JOB_WAIT_MS, MAX_JOB_LOG_BYTES } from './jobs-service.ts';

const admin: Actor = { kind: 'user', userId: 'u1', username: 'admin', role: 'admin', ip: null };

describe('jobs', () => {
  let m: MemoryServer;
  let l: ReturnType<typeof recordingLink>;
  let jobs: ReturnType<typeof createJobsService>;
  const finished: JobsTable[] = [];
  before(async () => {
    m = await memoryServer();
    l = recordingLink();
    const nodes = createNodesService({
      store: m.store,
      clock: m.clock,
      bus: m.bus,
      pendingTimeoutMs: 3600_000,
    });
    const schedules = createSchedulesService({ store: m.store, clock: m.clock });
    jobs = createJobsService({
      store: m.store,
      clock: m.clock,
      link: l.link,
      bus: m.bus,
      nodes,
      schedules,
      finished: async (j) => void finished.push(j),
    });
  });
  after(() => m.close());
  const state = async (id: string) => (await jobs.get(id)).state;

  test('a job for an online node is sent at once as job.start; its frames take it to its end, acknowledged', async () => {
    const node = await m.claimed();
    l.online.add(node);
    const job = await jobs.create(admin, node, 'system.probe', {});
    const start = l.sent.at(-1)?.frame;
    assert.ok(start?.t === 'request' && start.method === 'job.start');
    await jobs.onFrame(node, { t: 'job.started', job_id: job.id, at: 0 });
    assert.equal(await state(job.id), 'running');
    await jobs.onFrame(node, { t: 'job.log', job_id: job.id, seq: 0, stream: 'stdout', data: 'hello\n' });
    await jobs.onFrame(node, { t: 'job.finished', job_id: job.id, state: 'succeeded', exit_code: 0 });
    assert.equal(await state(job.id), 'succeeded');
    assert.deepEqual(l.sent.at(-1)?.frame, { t: 'job.ack', job_id: job.id });
    assert.equal(finished.at(-1)?.id, job.id);
  });

  test('a job for an offline node waits, starts when the node is back, and fails once it waited too long', async () => {
    const node = await m.claimed();
    const waiting = await jobs.create(admin, node, 'system.probe', {});
    l.online.add(node);
    await jobs.onFrame(node, { t: 'jobs.report', running: [] });
    assert.ok(l.sent.some((s) => s.frame.t === 'request' && s.frame.id === waiting.id));
    l.online.delete(node);
    const late = await jobs.create(admin, node, 'system.probe', {});
    m.time.advance(DEFAULT_JOB_WAIT_MS + 1);
    l.online.add(node);
    await jobs.onFrame(node, { t: 'jobs.report', running: [] });
    assert.equal(await state(late.id), 'failed');
  });

  test('a running job the agent no longer lists after a reconnect is lost', async () => {
    const node = await m.claimed();
    l.online.add(node);
    const job = await jobs.create(admin, node, 'system.probe', {});
    await jobs.onFrame(node, { t: 'job.started', job_id: job.id, at: 0 });
    await jobs.onFrame(node, { t: 'jobs.report', running: [] });
    assert.equal(await state(job.id), 'lost');
  });

  test("a job's log stops at its cap with a note; another node's frames are ignored", async () => {
    const node = await m.claimed();
    l.online.add(node);
    const job = await jobs.create(admin, node, 'system.probe', {});
    await jobs.onFrame(node, { t: 'job.started', job_id: job.id, at: 0 });
    const big = 'x'.repeat(64 * 1024);
    for (let seq = 0; seq < MAX_JOB_LOG_BYTES / big.length + 4; seq++)
      await jobs.onFrame(node, { t: 'job.log', job_id: job.id, seq, stream: 'stdout', data: big });
    const stored = await m.store.repos.jobs.find(job.id);
    assert.ok(stored!.log_bytes > MAX_JOB_LOG_BYTES && stored!.log_bytes < MAX_JOB_LOG_BYTES + big.length);
    const other = await m.claimed();
    await jobs.onFrame(other, { t: 'job.finished', job_id: job.id, state: 'failed', exit_code: 1 });
    assert.equal(await state(job.id), 'running');
  });

  test('cancel: a queued job never starts, a running one is told to stop, an ended one is a clear conflict', async () => {
    const node = await m.claimed();
    const queued = await jobs.create(admin, node, 'system.probe', {});
    await jobs.cancel(admin, queued.id);
    assert.equal(await state(queued.id), 'cancelled');
    await assert.rejects(jobs.cancel(admin, queued.id), (e: AppError) => e.code === 'JOB_ENDED');
    l.online.add(node);
    const running = await jobs.create(admin, node, 'system.probe', {});
    await jobs.onFrame(node, { t: 'job.started', job_id: running.id, at: 0 });
    await jobs.cancel(admin, running.id);
    assert.deepEqual(l.sent.at(-1)?.frame, { t: 'cancel', id: running.id });
  });

  test('an agent cannot make up jobs: a start it reports is recorded only for a schedule of its own', async () => {
    const node = await m.claimed();
    l.online.add(node);
    const made = randomUUID();
    await jobs.onFrame(node, {
      t: 'job.started',
      job_id: made,
      at: 0,
      type: 'shell',
      params: { command: 'rm -rf /' },
      schedule_id: randomUUID(),
    });
    assert.equal(await m.store.repos.jobs.find(made), undefined);
    await jobs.onFrame(node, { t: 'job.finished', job_id: made, state: 'succeeded', exit_code: 0 });
    assert.deepEqual(l.sent.at(-1)?.frame, { t: 'job.ack', job_id: made }, 'the agent may forget it');
    assert.equal((await jobs.create(SYSTEM, node, 'system.probe', {})).created_by, null);
  });
});
