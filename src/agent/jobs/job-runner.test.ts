import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { JobFrame } from '../../protocol/link-frames.ts';
import { createJobRunner, type RunnerOptions } from './job-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'muster-runner-'));

function runner(o: Partial<RunnerOptions> = {}) {
  const frames: JobFrame[] = [];
  let ended: () => void = () => undefined;
  const done = new Promise<void>((r) => (ended = r));
  const r = createJobRunner({
    send: (f) => {
      frames.push(f);
      if (f.t === 'job.finished') ended();
    },
    repository: () => null,
    initialPaths: () => [],
    stateDir: dir,
    shellEnabled: true,
    knows: () => false,
    restoreRoots: () => [dir],
    now: () => 1000,
    ...o,
  });
  const finished = () => frames.find((f) => f.t === 'job.finished');
  return { r, frames, done, finished };
}

describe('job runner', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('refuses what it must not run: disabled shell, unknown types, malformed parameters, a full disk', () => {
    assert.deepEqual(
      runner({ shellEnabled: false }).r.start({ job_id: 'j', type: 'shell', params: { command: 'id' } }),
      {
        ok: false,
        message: 'shell jobs are disabled on this agent (it runs them when started with --allow-shell-jobs)',
      },
    );
    assert.equal(runner().r.start({ job_id: 'j', type: 'format.disk', params: {} }).ok, false);
    assert.equal(
      runner().r.start({ job_id: 'j', type: 'restic.backup', params: { paths: ['-rf'] } }).ok,
      false,
    );
    const full = runner({ storageProblem: () => 'the state directory is full' });
    assert.deepEqual(full.r.start({ job_id: 'j', type: 'system.probe', params: {} }), {
      ok: false,
      message: 'the state directory is full',
    });
  });

  test('runs a job, streams its output, ends it; a start sent again does not run it twice', async () => {
    const { r, frames, done, finished } = runner();
    assert.deepEqual(r.start({ job_id: 'j1', type: 'shell', params: { command: 'echo hello' } }), {
      ok: true,
    });
    assert.deepEqual(r.start({ job_id: 'j1', type: 'shell', params: { command: 'echo hello' } }), {
      ok: true,
    });
    await done;
    assert.equal(frames.filter((f) => f.t === 'job.started').length, 1);
    assert.ok(frames.some((f) => f.t === 'job.log' && f.data === 'hello\n'));
    assert.deepEqual(finished(), {
      t: 'job.finished',
      job_id: 'j1',
      state: 'succeeded',
      exit_code: 0,
      at: 1000,
    });
  });

  test('cancel kills the job and its children; it ends cancelled', async () => {
    const { r, done, finished } = runner();
    r.start({ job_id: 'j2', type: 'shell', params: { command: 'sleep 30 & sleep 30' } });
    while (!r.running().includes('j2') || !r.cancel('j2')) await new Promise((res) => setTimeout(res, 10));
    await done;
    assert.equal(finished()?.t === 'job.finished' && finished()?.state, 'cancelled');
  });

  test('a restic job on a host without a repository fails with what to do', async () => {
    const { r, done, finished } = runner();
    r.start({ job_id: 'j3', type: 'restic.snapshots', params: {} });
    await done;
    const end = finished();
    assert.ok(end?.t === 'job.finished' && end.state === 'failed');
    assert.match(end.error ?? '', /no backup repository/);
  });
});
