import { randomUUID } from 'node:crypto';
import { scheduleJob } from '../../protocol/jobs.ts';
import type { ScheduleSpec } from '../../protocol/schedules.ts';
import type { JobRunner } from './job-runner.ts';

/**
 * What happens when a schedule fires on the agent: its job starts with a fresh id, unless the previous run of the
 * same schedule is still going (then this run is skipped, and said so).
 */
export function createScheduleFiring(deps: {
  runner: JobRunner;
  log: (level: 'info' | 'warn', msg: string) => void;
}) {
  const bySchedule = new Map<string, string>();
  return (spec: ScheduleSpec, scheduledFor: number) => {
    const busy = bySchedule.get(spec.id);
    if (busy && deps.runner.running().includes(busy)) {
      deps.log(
        'warn',
        `schedule ${spec.id}: the previous run (job ${busy}) is still going; skipped this one`,
      );
      return;
    }
    const jobId = randomUUID();
    bySchedule.set(spec.id, jobId);
    const r = deps.runner.start({
      job_id: jobId,
      ...scheduleJob(spec.action, spec.group),
      schedule_id: spec.id,
      scheduled_for: scheduledFor,
    });
    if (!r.ok) deps.log('warn', `schedule ${spec.id}: ${r.message}`);
    else deps.log('info', `schedule ${spec.id} started job ${jobId}`);
  };
}
