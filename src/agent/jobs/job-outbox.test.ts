import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { AgentFrame } from '../../protocol/link-frames.ts';
import type { AgentClock } from '../clock.ts';
import { createJobOutbox } from './job-outbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'muster-outbox-'));
const clock: AgentClock = { now: () => 5000, setTimeout: () => 0, clearTimeout: () => undefined };

function outbox(
  name: string,
  o: { up?: boolean; running?: string[]; maxHeldBytes?: number; path?: string } = {},
) {
  const sent: AgentFrame[] = [];
  let up = o.up ?? true;
  const storage: string[] = [];
  const box = createJobOutbox({
    clock,
    path: o.path ?? join(dir, `${name}.json`),
    send: (f) => up && (sent.push(f), true),
    running: () => o.running ?? [],
    log: () => undefined,
    ...(o.maxHeldBytes ? { maxHeldBytes: o.maxHeldBytes } : {}),
    storage: {
      failed: (_err, what) => void storage.push(`failed ${what}`),
      ok: () => void storage.push('ok'),
    },
  });
  return { box, sent, storage, setUp: (v: boolean) => void (up = v) };
}
const started = (id: string): AgentFrame & { t: 'job.started' } => ({
  t: 'job.started',
  job_id: id,
  at: 1,
  type: 'system.probe',
  params: {},
});

describe('job outbox', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('online, frames go straight to the link; offline they wait and follow the next welcome, in order', () => {
    const { box, sent, setUp } = outbox('order');
    box.online();
    box.emit(started('a'));
    assert.equal(sent.at(-1)?.t, 'job.started');
    setUp(false);
    box.offline();
    box.emit({ t: 'job.log', job_id: 'a', seq: 0, stream: 'stdout', data: 'one' });
    box.emit({ t: 'job.finished', job_id: 'a', state: 'succeeded', exit_code: 0 });
    setUp(true);
    box.online();
    assert.deepEqual(
      sent.slice(-3).map((f) => f.t),
      ['job.log', 'job.finished', 'jobs.report'],
    );
  });

  test('output held while offline is bounded, with a note where it was cut', () => {
    const { box, sent, setUp } = outbox('bounded', { up: false, maxHeldBytes: 10 });
    box.emit(started('b'));
    for (let seq = 0; seq < 5; seq++)
      box.emit({ t: 'job.log', job_id: 'b', seq, stream: 'stdout', data: '12345' });
    setUp(true);
    box.online();
    const logs = sent.filter((f) => f.t === 'job.log');
    assert.equal(logs.length, 3);
    assert.match(logs[2]!.t === 'job.log' ? logs[2]!.data : '', /dropped/);
  });

  test('a job running when the agent stopped is reported lost after the restart; an acknowledged end is forgotten', () => {
    const first = outbox('restart');
    first.box.emit(started('c'));
    const { box, sent } = outbox('restart');
    assert.equal(box.knows('c'), true, 'a start sent again after a restart does not run it twice');
    box.online();
    const end = sent.find((f) => f.t === 'job.finished');
    assert.ok(end?.t === 'job.finished' && end.state === 'lost');
    box.ack('c');
    assert.equal(outbox('restart').box.knows('c'), false);
  });

  test('a journal that cannot be written is reported, and jobs go on; an unreadable one starts afresh', () => {
    const { box, sent, storage } = outbox('unwritable', { path: join(dir, 'missing-dir', 'journal.json') });
    box.online();
    box.emit(started('d'));
    assert.deepEqual(storage, ['failed the job journal']);
    assert.equal(sent.at(-1)?.t, 'job.started', 'the frame still goes to the server');
    writeFileSync(join(dir, 'garbage.json'), '[{"job_id": 1}]');
    assert.equal(outbox('garbage').box.knows('1'), false);
  });
});
