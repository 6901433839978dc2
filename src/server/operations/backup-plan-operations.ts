import { Cron } from 'croner';
import type { z } from 'zod';
import type {
  BACKUP_STATES,
  FleetBackupsView,
  PlanCreateBody,
  PlanFields,
  planPatchBody,
  RepositoryStatsView,
} from '../../protocol/api/backup-plans.ts';
import type { JobView } from '../../protocol/api/views.ts';
import { scheduleJob } from '../../protocol/jobs.ts';
import { DOWNLOAD_PART_BYTES, repositoryStats } from '../../protocol/link-methods.ts';
import { SYSTEM, type Actor } from '../actor.ts';
import type { BackupsService } from '../backups/backups-service.ts';
import { sharedTemplate, type BackupPlansService } from '../backups/backup-plans-service.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { presentJob, type JobsService } from '../jobs/jobs-service.ts';
import type { LinkPort } from '../link/link-port.ts';
import type { NodeRepositories } from '../nodes/node-repositories.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { Store } from '../repos/store.ts';
import { presentGroup } from '../schedules/schedules-service.ts';
import type { HostConfig } from './host-config.ts';
import type { JobOperations } from './job-operations.ts';
import { REPOSITORY_QUERY_TIMEOUT_MS } from './repository-operations.ts';

/** How many nodes of a plan back up at once on "run now"; the rest wait their turn on the server. */
export const PLAN_RUN_CONCURRENCY = 8;
/** How often a plan's run looks at its jobs to start the next ones. */
const RUN_POLL_MS = 1000;

type State = (typeof BACKUP_STATES)[number];

/**
 * What backup plans do to the fleet: a plan's change reaches every node it touches (its rows, its configuration
 * pushed, a new repository initialised), "run now" backs up a plan's nodes a few at a time, and the fleet's backup
 * table, repository statistics, snapshot diffs, searches and downloads.
 */
export function createBackupPlanOperations(deps: {
  store: Store;
  clock: Clock;
  plans: BackupPlansService;
  nodes: NodesService;
  repositories: NodeRepositories;
  hostConfig: HostConfig;
  jobOps: JobOperations;
  jobs: JobsService;
  backups: Pick<BackupsService, 'refresh'>;
  link: LinkPort;
  downloadMaxBytes: number;
}) {
  const { store, clock, plans, nodes, link } = deps;

  /** Wait (up to a minute) for a job to end. */
  async function settled(jobId: string) {
    for (let i = 0; i < 600; i++) {
      const state = await deps.jobs.stateOf(jobId);
      if (state !== 'queued' && state !== 'running') return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Apply plans to these nodes, a few at a time; push what changed, initialise new repositories. Nodes that share
   * one repository go one by one, each initialisation ending before the next starts: two restic inits of one
   * repository at once would leave it with two master keys.
   */
  async function applyTo(actor: Actor, nodeIds: string[], shared = false) {
    const queue = [...nodeIds];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const r = await plans.apply(actor, id);
        if (!r.changed) continue;
        await deps.backups.refresh(id);
        const node = await store.repos.nodes.findNode(id);
        if (node?.status !== 'online') continue;
        await deps.hostConfig.push(id);
        if (!r.repository) continue;
        const jobId = await deps.jobOps.probeRepository(SYSTEM, id).catch(() => null);
        if (shared && jobId) await settled(jobId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(shared ? 1 : 8, queue.length) }, worker));
  }
  const sharedPlan = (row: { spec: string }) =>
    sharedTemplate((JSON.parse(row.spec) as { template: string }).template);

  /** Start held jobs a few at a time, each when one before it ends. */
  function runBounded(ids: string[]) {
    const waiting = [...ids];
    const active = new Set<string>();
    const tick = async () => {
      for (const id of [...active]) {
        const state = await deps.jobs.stateOf(id);
        if (state !== 'queued' && state !== 'running') active.delete(id);
      }
      while (active.size < PLAN_RUN_CONCURRENCY && waiting.length) {
        const id = waiting.shift()!;
        active.add(id);
        await deps.jobs.startHeld(id);
      }
      if (active.size || waiting.length)
        setTimeout(() => void tick().catch(() => undefined), RUN_POLL_MS).unref();
    };
    void tick().catch(() => undefined);
  }

  /** The next time any of the node's backup schedules fires (a plan's nodes share one cron: parsed once). */
  const crons = new Map<string, Cron>();
  const cronOf = (cron: string, timezone: string) => {
    const key = `${timezone} ${cron}`;
    let c = crons.get(key);
    if (!c) {
      if (crons.size > 1000) crons.clear();
      c = new Cron(cron, { timezone, paused: true });
      crons.set(key, c);
    }
    return c;
  };
  const nextRun = (s: { cron: string; timezone: string; delay_seconds: number }[], now: number) => {
    let soonest: number | null = null;
    for (const x of s) {
      const next = cronOf(x.cron, x.timezone).nextRun(new Date(now - x.delay_seconds * 1000));
      if (next) {
        const t = next.getTime() + x.delay_seconds * 1000;
        if (soonest === null || t < soonest) soonest = t;
      }
    }
    return soonest;
  };

  return {
    applyTo,
    /**
     * Start the copies that fell due (the server keeps copy schedules: a node's copy depends on its backups, and a
     * shared repository is copied once): one restic.copy job per node of the plan (the first node only, for a shared
     * repository), a few at a time. Once per due time across replicas. The number of jobs started.
     */
    async fireCopies(now = clock.now()) {
      let started = 0;
      for (const { row, copy, shared } of await plans.copying()) {
        const from = row.copy_fired_at ?? row.created_at;
        const next = cronOf(copy.cron, copy.timezone).nextRun(new Date(from));
        if (!next || next.getTime() > now) continue;
        if (!(await plans.claimCopyRun(row.id, row.copy_fired_at, now))) continue;
        const following = (await plans.nodesFollowing(row.id)).sort();
        const ids: string[] = [];
        for (const nodeId of shared ? following.slice(0, 1) : following) {
          if (!(await deps.repositories.hasRepository(nodeId))) continue;
          const job = await deps.jobs.create(
            SYSTEM,
            nodeId,
            'restic.copy',
            { source_group_id: `plan-${row.id}-${nodeId}` },
            { hold: true, audited: false },
          );
          ids.push(job.id);
        }
        runBounded(ids);
        started += ids.length;
      }
      return started;
    },
    /** A node joined or left a room: it follows the plan it should now. */
    membershipChanged: (actor: Actor, nodeId: string) => applyTo(actor, [nodeId]),
    /** A room with plans cannot go: its nodes' backups would stop without anyone deciding it. */
    async roomDeletable(roomId: string) {
      const attached = (await store.repos.backupPlans.list()).filter((p) => p.room_id === roomId);
      if (attached.length)
        throw new AppError(
          'ROOM_HAS_PLANS',
          `backup plan(s) ${attached.map((p) => `"${p.name}"`).join(', ')} belong to this room; delete them or attach them elsewhere first`,
        );
    },

    async createPlan(actor: Actor, body: PlanCreateBody) {
      const row = await plans.create(actor, body);
      await applyTo(actor, await plans.nodesTouchedBy(row), sharedPlan(row));
      return plans.get(row.id);
    },
    async updatePlan(actor: Actor, id: string, patch: z.infer<typeof planPatchBody>) {
      const row = await plans.update(actor, id, patch);
      await applyTo(actor, await plans.nodesTouchedBy(row), sharedPlan(row));
      return plans.get(id);
    },
    async deletePlan(actor: Actor, id: string) {
      const row = await plans.planOrThrow(id);
      const touched = await plans.nodesTouchedBy(row);
      await plans.delete(actor, id);
      await applyTo(actor, touched);
    },
    async setOverrides(actor: Actor, nodeId: string, overrides: Partial<PlanFields> | null) {
      const node = await nodes.getAgentHost(nodeId);
      await plans.setOverrides(actor, nodeId, overrides);
      await applyTo(actor, [nodeId]);
      return plans.effectiveFor((await store.repos.nodes.findNode(node.id))!);
    },
    async effective(nodeId: string) {
      await nodes.getHost(nodeId);
      return plans.effectiveFor((await store.repos.nodes.findNode(nodeId))!);
    },

    /**
     * "Run now" for every node of a plan: one backup job each, created at once (the answer lists them) and
     * started PLAN_RUN_CONCURRENCY at a time; a node without a repository is skipped with the reason.
     */
    async runPlan(actor: Actor, id: string) {
      const plan = await plans.planOrThrow(id);
      const created: JobView[] = [];
      const skipped: { node_id: string; reason: string }[] = [];
      for (const nodeId of await plans.nodesFollowing(id)) {
        const group = (await store.repos.backupPlans.managedGroups(nodeId)).find((g) => g.plan_id === id);
        if (!group) continue;
        if (!(await deps.repositories.hasRepository(nodeId))) {
          skipped.push({ node_id: nodeId, reason: 'the node has no backup repository' });
          continue;
        }
        const job = scheduleJob('backup', presentGroup(group));
        created.push(
          presentJob(
            await deps.jobs.create(actor, nodeId, job.type, job.params, {
              hold: true,
              audited: false,
              scheduleId: `${group.id}-backup`,
            }),
          ),
        );
      }
      await store.repos.audit.record(
        actor,
        'backup_plan.run',
        { type: 'backup_plan', id },
        {
          name: plan.name,
          jobs: created.length,
        },
      );
      runBounded(created.map((j) => j.id));
      return { jobs: created, skipped, concurrency: PLAN_RUN_CONCURRENCY };
    },

    /** The fleet's backups: every node with its plan, last success and failure, next run and repository size. */
    async fleet(filter: {
      room_id?: string;
      plan_id?: string;
      state?: State;
      /** Only these nodes (a principal's part of the fleet); absent or null: every node. */
      visible?: ReadonlySet<string> | null;
    }): Promise<FleetBackupsView> {
      const now = clock.now();
      const data = await store.repos.backupPlans.fleet();
      const inRoom = filter.room_id
        ? new Set(
            await store.repos.backupPlans.nodesIn(
              (await store.repos.spaces.findRoom(filter.room_id))?.space_id ?? '',
              filter.room_id,
            ),
          )
        : null;
      const planNames = new Map((await store.repos.backupPlans.list()).map((p) => [p.id, p.name]));
      const rows: FleetBackupsView['nodes'] = [];
      const byNode = <T extends { node_id: string }>(rows: T[]) => {
        const map = new Map<string, T[]>();
        for (const r of rows) map.set(r.node_id, [...(map.get(r.node_id) ?? []), r]);
        return map;
      };
      const statusOf = byNode(data.status);
      const groupsOf = byNode(data.groups);
      const schedulesOf = byNode(data.schedules);
      for (const n of data.nodes) {
        if (n.agent_kind === 'netdata') continue;
        if (inRoom && !inRoom.has(n.id)) continue;
        if (filter.visible && !filter.visible.has(n.id)) continue;
        const status = statusOf.get(n.id) ?? [];
        const planId = (groupsOf.get(n.id) ?? []).find((g) => g.plan_id !== null)?.plan_id ?? null;
        if (filter.plan_id && planId !== filter.plan_id) continue;
        const lastSuccess = status.reduce<(typeof status)[number] | null>(
          (best, b) =>
            b.last_success_at !== null &&
            (best === null || Number(b.last_success_at) > Number(best.last_success_at))
              ? b
              : best,
          null,
        );
        const lastFailure = status.reduce<(typeof status)[number] | null>(
          (best, b) =>
            b.last_failure_at !== null &&
            (best === null || Number(b.last_failure_at) > Number(best.last_failure_at))
              ? b
              : best,
          null,
        );
        // Failing: a group whose last run failed after its last success. Overdue: a group past its due time.
        const failing = status.some(
          (b) => b.last_failure_at !== null && Number(b.last_failure_at) > Number(b.last_success_at ?? 0),
        );
        const overdue = status.some((b) => b.due_at !== null && Number(b.due_at) <= now);
        const state: State =
          status.length === 0
            ? 'unprotected'
            : failing
              ? 'failing'
              : overdue
                ? 'overdue'
                : lastSuccess
                  ? 'ok'
                  : 'never';
        if (filter.state && state !== filter.state) continue;
        const stats = n.repo_stats ? (JSON.parse(n.repo_stats) as { raw_size?: number | null }) : null;
        const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
        rows.push({
          node_id: n.id,
          hostname: n.hostname,
          status: n.status,
          plan_id: planId,
          plan: planId ? (planNames.get(planId) ?? null) : null,
          state,
          last_success_at: num(lastSuccess?.last_success_at),
          data_added: num(lastSuccess?.data_added),
          bytes_total: num(lastSuccess?.bytes_total),
          duration_ms: num(lastSuccess?.duration_ms),
          last_failure_at: num(lastFailure?.last_failure_at),
          last_failure_reason: lastFailure?.last_failure_reason ?? null,
          next_run_at: nextRun(schedulesOf.get(n.id) ?? [], now),
          repository: n.repo_location,
          repository_size: stats?.raw_size ?? null,
        });
      }
      return {
        totals: {
          nodes: rows.length,
          protected: rows.filter((r) => r.state === 'ok').length,
          bytes_protected: rows
            .filter((r) => r.state !== 'unprotected')
            .reduce((sum, r) => sum + (r.bytes_total ?? 0), 0),
          failing: rows.filter((r) => r.state === 'failing').length,
          overdue: rows.filter((r) => r.state === 'overdue').length,
        },
        nodes: rows,
      };
    },

    /** The repository's statistics, asked of the agent (and kept); the last reading when the node is offline. */
    async stats(hostId: string): Promise<RepositoryStatsView> {
      const node = await nodes.getAgentHost(hostId);
      await deps.repositories.requireRepository(hostId, 'set');
      const check = await store.repos.jobs.lastFinished(hostId, 'restic.check');
      const lastCheck = check
        ? { job_id: check.id, state: check.state, finished_at: Number(check.finished_at), error: check.error }
        : null;
      const row = await store.repos.nodes.findNode(hostId);
      const kept = row?.repo_stats ? (JSON.parse(row.repo_stats) as RepositoryStatsView) : null;
      if (node.status !== 'online') {
        if (!kept)
          throw new AppError('NODE_OFFLINE', 'the node is offline and its repository was never measured');
        return { ...kept, last_check: lastCheck, cached: true };
      }
      const s = repositoryStats.parse(
        await link.request(
          hostId,
          'backup.stats',
          { timeout_ms: REPOSITORY_QUERY_TIMEOUT_MS },
          REPOSITORY_QUERY_TIMEOUT_MS + 5000,
        ),
      );
      const view: RepositoryStatsView = {
        ...s,
        dedup_ratio: s.total_size && s.raw_size ? Math.round((s.total_size / s.raw_size) * 100) / 100 : null,
        last_check: lastCheck,
        read_at: clock.now(),
        cached: false,
      };
      await store.repos.nodes.update(hostId, { repo_stats: JSON.stringify(view) });
      return view;
    },

    async diff(hostId: string, from: string, to: string) {
      await nodes.getAgentHost(hostId);
      await deps.repositories.requireRepository(hostId);
      return link.request(
        hostId,
        'backup.diff',
        { from, to, timeout_ms: REPOSITORY_QUERY_TIMEOUT_MS },
        REPOSITORY_QUERY_TIMEOUT_MS + 5000,
      );
    },
    async find(hostId: string, pattern: string, snapshot?: string) {
      await nodes.getAgentHost(hostId);
      await deps.repositories.requireRepository(hostId);
      return link.request(
        hostId,
        'backup.find',
        { pattern, ...(snapshot ? { snapshot } : {}), timeout_ms: REPOSITORY_QUERY_TIMEOUT_MS },
        REPOSITORY_QUERY_TIMEOUT_MS + 5000,
      );
    },
    /** Forget one snapshot (its data goes at the next prune): a restic.forget job naming it; audited. */
    async forgetSnapshot(actor: Actor, hostId: string, snapshot: string) {
      await nodes.getAgentHost(hostId);
      await deps.repositories.requireRepository(hostId);
      const job = await deps.jobs.create(
        actor,
        hostId,
        'restic.forget',
        { snapshot_ids: [snapshot], prune: false },
        { audited: false },
      );
      await store.repos.audit.record(
        actor,
        'snapshot.forgotten',
        { type: 'node', id: hostId },
        {
          snapshot,
          job_id: job.id,
        },
      );
      return job;
    },

    /**
     * A file or directory of a snapshot, for the browser: made ready on the node (restic dump, up to the download
     * limit), then read through the link part by part as the answer is written. Audited.
     */
    async download(
      actor: Actor,
      hostId: string,
      snapshot: string,
      path: string,
      format: 'raw' | 'tar' | 'zip',
    ) {
      await nodes.getAgentHost(hostId);
      await deps.repositories.requireRepository(hostId);
      const opened = await link.request(
        hostId,
        'backup.download.open',
        { snapshot, path, format, max_bytes: deps.downloadMaxBytes, timeout_ms: 10 * 60_000 },
        10 * 60_000 + 5000,
      );
      await store.repos.audit.record(
        actor,
        'snapshot.downloaded',
        { type: 'node', id: hostId },
        {
          snapshot,
          path,
          format,
          size: opened.size,
        },
      );
      const id = opened.download_id;
      async function* parts() {
        let offset = 0;
        try {
          for (;;) {
            const part = await link.request(
              hostId,
              'backup.download.read',
              {
                download_id: id,
                offset,
                length: DOWNLOAD_PART_BYTES,
              },
              60_000,
            );
            const bytes = Buffer.from(part.data, 'base64');
            offset += bytes.length;
            if (bytes.length) yield bytes;
            if (part.eof || bytes.length === 0) return;
          }
        } finally {
          if (offset < opened.size)
            await link
              .request(hostId, 'backup.download.close', { download_id: id }, 10_000)
              .catch(() => undefined);
        }
      }
      return { size: opened.size, parts: parts() };
    },
  };
}
export type BackupPlanOperations = ReturnType<typeof createBackupPlanOperations>;
