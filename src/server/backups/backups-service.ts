import { Cron } from 'croner';
import type { BackupHealthView } from '../../protocol/api/views.ts';
import type { Clock } from '../clock.ts';
import type { BackupStatusTable, JobsTable } from '../db/schema.ts';
import type { Store } from '../repos/store.ts';

const HOUR = 3600_000;
/** Runs of a schedule looked at to find its longest gap (a weekday-only schedule waits longer over a weekend). */
const RUNS_LOOKED_AT = 8;

/** The longest gap between the next runs of a cron schedule, in ms. */
export function scheduleInterval(cron: string, timezone: string, from: number): number {
  const runs = new Cron(cron, { timezone, paused: true }).nextRuns(RUNS_LOOKED_AT + 1, new Date(from));
  let longest = 0;
  for (let i = 1; i < runs.length; i++)
    longest = Math.max(longest, runs[i]!.getTime() - runs[i - 1]!.getTime());
  return longest;
}

/** A group's row before anything happened to it. */
const blankStatus = (nodeId: string, groupId: string, expectedSince: number): BackupStatusTable => ({
  node_id: nodeId,
  source_group_id: groupId,
  expected_since: expectedSince,
  max_age_ms: null,
  due_at: null,
  last_success_at: null,
  last_success_job: null,
  snapshot_id: null,
  data_added: null,
  files_new: null,
  files_changed: null,
  files_total: null,
  bytes_total: null,
  duration_ms: null,
  last_failure_at: null,
  last_failure_job: null,
  last_failure_reason: null,
});

/** What a finished backup job reported (the agent's `result.backup`). */
interface BackupSummary {
  snapshot_id?: string;
  files_new?: number;
  files_changed?: number;
  total_files_processed?: number;
  total_bytes_processed?: number;
  data_added?: number;
  total_duration?: number;
}

/**
 * Backup health: per node and source group, the last success (with what it added) and the last failure, and when
 * the group falls overdue. A group is expected to back up when it has an enabled backup schedule (within the
 * schedule's longest gap plus a grace period: 26 h for a daily one by default) or an explicit
 * `overdue_after_hours`; otherwise nothing is expected of it and it is never overdue.
 */
export function createBackupsService(deps: { store: Store; clock: Clock; graceHours: number }) {
  const { store, clock } = deps;

  const dueAt = (row: Pick<BackupStatusTable, 'max_age_ms' | 'last_success_at' | 'expected_since'>) =>
    row.max_age_ms === null ? null : (row.last_success_at ?? row.expected_since) + row.max_age_ms;

  /** Bring a node's expectations in line with its groups and schedules, and its soonest due time. */
  async function refresh(nodeId: string) {
    const now = clock.now();
    await store.transaction(async (r) => {
      const [groups, schedules, rows] = await Promise.all([
        r.schedules.listGroups(nodeId),
        r.schedules.listSchedules(nodeId),
        r.backups.listFor(nodeId),
      ]);
      const byGroup = new Map(rows.map((row) => [row.source_group_id, row]));
      for (const g of groups) {
        const gaps = schedules
          .filter((s) => s.source_group_id === g.id && s.action === 'backup' && s.enabled === 1)
          .map((s) => scheduleInterval(s.cron, s.timezone, now));
        const maxAge =
          g.overdue_after_hours !== null
            ? Math.round(g.overdue_after_hours * HOUR)
            : gaps.length
              ? Math.min(...gaps) + deps.graceHours * HOUR
              : null;
        const row = byGroup.get(g.id);
        if (!row) {
          const fresh = { ...blankStatus(nodeId, g.id, g.created_at), max_age_ms: maxAge };
          await r.backups.insert({ ...fresh, due_at: dueAt(fresh) });
        } else if (row.max_age_ms !== maxAge) {
          // Newly expected: the clock starts now, not at the group's creation long ago.
          const expectedSince = row.max_age_ms === null ? now : row.expected_since;
          const next = { ...row, max_age_ms: maxAge, expected_since: expectedSince };
          await r.backups.update(nodeId, g.id, {
            max_age_ms: maxAge,
            expected_since: expectedSince,
            due_at: dueAt(next),
          });
        }
      }
      await r.backups.deleteExcept(
        nodeId,
        groups.map((g) => g.id),
      );
      await r.backups.setNodeDue(nodeId);
    });
  }

  /** A backup job ended: its group's last success or last failure, and when it is next due. */
  async function recordBackup(job: JobsTable) {
    const params = JSON.parse(job.params) as { source_group_id?: string };
    const groupId = params.source_group_id ?? '';
    const at = job.finished_at ?? clock.now();
    await store.transaction(async (r) => {
      let row = await r.backups.find(job.node_id, groupId);
      if (!row) {
        if (groupId !== '' && !(await r.schedules.findGroup(job.node_id, groupId))) return; // the group is gone
        row = blankStatus(job.node_id, groupId, at);
        await r.backups.insert(row);
      }
      if (job.state === 'succeeded') {
        const result = job.result ? (JSON.parse(job.result) as { backup?: BackupSummary }) : {};
        const b = result.backup ?? {};
        await r.backups.update(job.node_id, groupId, {
          last_success_at: at,
          last_success_job: job.id,
          snapshot_id: b.snapshot_id ?? null,
          data_added: b.data_added ?? null,
          files_new: b.files_new ?? null,
          files_changed: b.files_changed ?? null,
          files_total: b.total_files_processed ?? null,
          bytes_total: b.total_bytes_processed ?? null,
          duration_ms:
            b.total_duration !== undefined
              ? Math.round(b.total_duration * 1000)
              : job.started_at !== null
                ? at - job.started_at
                : null,
          due_at: dueAt({ ...row, last_success_at: at }),
        });
      } else if (job.state === 'failed' || job.state === 'lost') {
        await r.backups.update(job.node_id, groupId, {
          last_failure_at: at,
          last_failure_job: job.id,
          last_failure_reason: job.error ?? job.state,
        });
      }
      await r.backups.setNodeDue(job.node_id);
    });
  }

  return {
    refresh,
    recordBackup,

    /** How the node's backups stand, per group (with its name), and its last repository check. */
    async health(nodeId: string): Promise<BackupHealthView> {
      const now = clock.now();
      const [rows, groups, check] = await Promise.all([
        store.repos.backups.listFor(nodeId),
        store.repos.schedules.listGroups(nodeId),
        store.repos.jobs.lastFinished(nodeId, 'restic.check'),
      ]);
      const names = new Map(groups.map((g) => [g.id, g.name]));
      const present = rows
        .map((b) => ({
          source_group_id: b.source_group_id || null,
          source_group: b.source_group_id ? (names.get(b.source_group_id) ?? b.source_group_id) : null,
          last_success_at: b.last_success_at,
          last_success_job: b.last_success_job,
          snapshot_id: b.snapshot_id,
          data_added: b.data_added,
          files_new: b.files_new,
          files_changed: b.files_changed,
          files_total: b.files_total,
          bytes_total: b.bytes_total,
          duration_ms: b.duration_ms,
          last_failure_at: b.last_failure_at,
          last_failure_job: b.last_failure_job,
          last_failure_reason: b.last_failure_reason,
          max_age_ms: b.max_age_ms,
          due_at: b.due_at,
          overdue: b.due_at !== null && b.due_at <= now,
        }))
        .sort((a, b) => (a.source_group ?? '').localeCompare(b.source_group ?? ''));
      return {
        overdue: present.some((g) => g.overdue),
        groups: present,
        last_check: check
          ? { job_id: check.id, state: check.state, finished_at: check.finished_at!, error: check.error }
          : null,
      };
    },

    /** Every group's last success and whether it is overdue, for the metrics scrape. */
    async all() {
      const now = clock.now();
      return (await store.repos.backups.all()).map((b) => ({
        node_id: b.node_id,
        hostname: b.hostname,
        source_group: b.source_group_id ? (b.group_name ?? b.source_group_id) : '',
        last_success_at: b.last_success_at,
        overdue: b.due_at !== null && Number(b.due_at) <= now,
      }));
    },
  };
}
export type BackupsService = ReturnType<typeof createBackupsService>;
