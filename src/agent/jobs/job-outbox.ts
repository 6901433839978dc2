import { systemClock, type AgentClock } from '../clock.ts';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { AgentFrame, JobFrame } from '../../protocol/link-frames.ts';

/** What the agent remembers of a job until the server confirms it stored the end. */
const journalEntry = z.object({
  job_id: z.string(),
  type: z.string(),
  params: z.record(z.string(), z.unknown()),
  schedule_id: z.string().optional(),
  scheduled_for: z.number().optional(),
  started_at: z.number(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'lost']),
  exit_code: z.number().nullable(),
  error: z.string().optional(),
  finished_at: z.number().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
});
export type JournalEntry = z.infer<typeof journalEntry>;

/** Output held back while the server is unreachable, across all jobs. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024;
/** Unacknowledged jobs kept in the journal; the oldest finished ones go first. */
export const MAX_JOURNAL_ENTRIES = 500;

/**
 * Every job frame goes through here. Online, frames go straight to the link; offline, they wait
 * in order (output bounded by MAX_HELD_BYTES, starts and ends always kept) and are sent after the
 * next welcome, followed by a `jobs.report`. A small journal on disk remembers each job until the
 * server acknowledges its end, so runs survive an agent restart: a job that was running when the
 * agent stopped is reported as lost.
 */
export function createJobOutbox(o: {
  /** Time (the machine's unless a test gives another). */
  clock?: AgentClock;
  path: string;
  /** Send on the link; false when it is not up. */
  send: (frame: AgentFrame) => boolean;
  running: () => string[];
  log: (level: 'info' | 'warn', msg: string) => void;
  maxHeldBytes?: number;
  /** Told whether the journal could be written (a full disk must not crash the agent). */
  storage?: { failed(err: unknown, what: string): void; ok(): void };
}) {
  const clock = o.clock ?? systemClock;
  const maxHeld = o.maxHeldBytes ?? MAX_HELD_BYTES;
  const journal = new Map<string, JournalEntry>();
  const held: JobFrame[] = [];
  let heldBytes = 0;
  const dropped = new Map<string, number>();
  let online = false;

  /** Write the journal; when the disk refuses, keep it in memory, say so, and write it whole on the next save. */
  function save() {
    const tmp = `${o.path}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify([...journal.values()]), { mode: 0o600 });
      renameSync(tmp, o.path);
      o.storage?.ok();
    } catch (err) {
      rmSync(tmp, { force: true });
      if (!o.storage) throw err;
      o.storage.failed(err, 'the job journal');
    }
  }

  function remember(f: JobFrame) {
    if (f.t === 'job.started') {
      journal.set(f.job_id, {
        job_id: f.job_id,
        type: f.type ?? 'unknown',
        params: f.params ?? {},
        ...(f.schedule_id ? { schedule_id: f.schedule_id } : {}),
        ...(f.scheduled_for !== undefined ? { scheduled_for: f.scheduled_for } : {}),
        started_at: f.at,
        state: 'running',
        exit_code: null,
      });
    } else if (f.t === 'job.finished') {
      const e = journal.get(f.job_id);
      if (!e) return;
      Object.assign(e, {
        state: f.state,
        exit_code: f.exit_code,
        error: f.error,
        finished_at: f.at,
        ...(f.result ? { result: f.result } : {}),
      });
    } else return;
    if (journal.size > MAX_JOURNAL_ENTRIES) {
      const oldest = [...journal.values()].find((e) => e.state !== 'running');
      if (oldest) journal.delete(oldest.job_id);
    }
    save();
  }

  function hold(f: JobFrame) {
    if (f.t === 'job.log') {
      const size = Buffer.byteLength(f.data);
      const lost = dropped.get(f.job_id);
      if (lost !== undefined || heldBytes + size > maxHeld) {
        dropped.set(f.job_id, (lost ?? 0) + size);
        if (lost !== undefined) return;
        // The first dropped chunk's place in the log says what happened.
        f = {
          ...f,
          stream: 'info',
          data: `\n[output beyond ${maxHeld} bytes held while the server was unreachable was dropped]\n`,
        };
      }
      heldBytes += Buffer.byteLength(f.data);
    }
    held.push(f);
  }

  function flush(): boolean {
    while (held.length > 0) {
      const f = held[0]!;
      if (!o.send(f)) return false;
      held.shift();
      if (f.t === 'job.log') heldBytes -= Buffer.byteLength(f.data);
    }
    dropped.clear();
    return true;
  }

  // Jobs from before a restart: a job still running then has ended without a word. Report each.
  if (existsSync(o.path)) {
    let entries: JournalEntry[] = [];
    try {
      entries = z.array(journalEntry).parse(JSON.parse(readFileSync(o.path, 'utf8')));
    } catch {
      o.log('warn', `job journal ${o.path} is unreadable; starting a new one`);
    }
    for (const e of entries) {
      if (e.state === 'running')
        Object.assign(e, {
          state: 'lost',
          error: 'the agent stopped while the job was running; its outcome is unknown',
          finished_at: clock.now(),
        });
      journal.set(e.job_id, e);
    }
    if (entries.length) save();
  }

  function endFrames(e: JournalEntry): JobFrame[] {
    return [
      {
        t: 'job.started',
        job_id: e.job_id,
        at: e.started_at,
        type: e.type,
        params: e.params,
        ...(e.schedule_id ? { schedule_id: e.schedule_id } : {}),
        ...(e.scheduled_for !== undefined ? { scheduled_for: e.scheduled_for } : {}),
      },
      {
        t: 'job.finished',
        job_id: e.job_id,
        state: e.state === 'running' ? 'lost' : e.state,
        exit_code: e.exit_code,
        ...(e.error ? { error: e.error } : {}),
        ...(e.finished_at !== undefined ? { at: e.finished_at } : {}),
        ...(e.result ? { result: e.result } : {}),
      },
    ];
  }

  return {
    emit(f: JobFrame): void {
      remember(f);
      if (online && held.length === 0 && o.send(f)) return;
      hold(f);
    },
    /** The link is up (welcome received): deliver what waited, then say what runs now. */
    online(): void {
      online = true;
      if (held.length) o.log('info', `delivering ${held.length} job frames held while offline`);
      const delivered = new Set(held.filter((f) => f.t === 'job.finished').map((f) => f.job_id));
      if (!flush()) return;
      // Ends the server has not acknowledged (sent just before a link died, or from before a restart).
      for (const e of journal.values())
        if (e.state !== 'running' && !delivered.has(e.job_id))
          for (const f of endFrames(e)) if (!o.send(f)) return;
      o.send({ t: 'jobs.report', running: o.running() });
    },
    offline(): void {
      online = false;
    },
    /** The server stored the job's end. */
    ack(jobId: string): void {
      const e = journal.get(jobId);
      if (e && e.state !== 'running') {
        journal.delete(jobId);
        save();
      }
    },
    /** Whether the agent already ran (or runs) this job: a re-sent start must not run it twice. */
    knows: (jobId: string) => journal.has(jobId),
    heldBytes: () => heldBytes,
    /** Write the journal again (after the disk had no room). */
    save,
  };
}
export type JobOutbox = ReturnType<typeof createJobOutbox>;
