import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BACKUP_STATES,
  backupPlanView,
  effectivePlanView,
  fleetBackupsView,
  planCreateBody,
  planOverridesBody,
  planPatchBody,
  repositoryStatsView,
  type FleetBackupsView,
} from '../../../protocol/api/backup-plans.ts';
import { jobView } from '../../../protocol/api/views.ts';
import { snapshotRef } from '../../../protocol/jobs.ts';
import { LINK_METHODS } from '../../../protocol/link-methods.ts';
import type { BackupPlansService } from '../../backups/backup-plans-service.ts';
import type { BackupPlanOperations } from '../../operations/backup-plan-operations.ts';
import { presentJob } from '../../jobs/jobs-service.ts';
import { roleInRoom, seesSpace } from '../../auth/grants.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, pathId, routeOptions, sendNoContent } from '../route-schema.ts';

const absolute = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine((p) => ![...p].some((c) => c.charCodeAt(0) < 0x20), 'must not contain NUL or control characters');

/** A CSV field: quoted when it holds a comma, quote or line break; a leading =+-@ cannot start a formula. */
function csvField(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());
function fleetCsv(v: FleetBackupsView): string {
  const head = [
    'hostname',
    'node_id',
    'status',
    'plan',
    'state',
    'last_success',
    'data_added',
    'bytes_total',
    'duration_ms',
    'last_failure',
    'last_failure_reason',
    'next_run',
    'repository',
    'repository_size',
  ];
  const rows = v.nodes.map((r) =>
    [
      r.hostname,
      r.node_id,
      r.status,
      r.plan,
      r.state,
      iso(r.last_success_at),
      r.data_added,
      r.bytes_total,
      r.duration_ms,
      iso(r.last_failure_at),
      r.last_failure_reason,
      iso(r.next_run_at),
      r.repository,
      r.repository_size,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[head.join(','), ...rows].join('\r\n')}\r\n`;
}

/**
 * Backup plans (a room's or a space's), a node's effective plan and its overrides, the fleet's backup table, and
 * what a repository holds beyond its snapshot list: statistics, diffs, searches, downloads, forgetting one snapshot.
 */
export function backupPlansRoutes(deps: {
  plans: BackupPlansService;
  planOps: BackupPlanOperations;
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { plans, planOps } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['backups'];
  return async (app) => {
    app.get(
      '/api/backup-plans',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Backup plans, oldest first',
        tags,
        schema: {
          querystring: z.object({
            space_id: z.string().max(100).optional(),
            room_id: z.string().max(100).optional(),
          }),
          response: { 200: z.array(backupPlanView) },
        },
      }),
      async (req) => {
        const g = req.principal!.grants;
        return (
          await plans.list({
            ...(req.query.space_id ? { space_id: req.query.space_id } : {}),
            ...(req.query.room_id ? { room_id: req.query.room_id } : {}),
          })
        ).filter((p) =>
          p.room_id ? roleInRoom(g, p.room_id, p.space_id) !== null : seesSpace(g, p.space_id),
        );
      },
    );
    app.post(
      '/api/backup-plans',
      route({
        // A plan chooses where every node of its room sends its backups: the admin's, like a node's repository.
        access: 'admin',
        summary: 'Create a backup plan for a room or a space; its nodes get it at once',
        tags,
        schema: { body: planCreateBody, response: { 201: backupPlanView } },
        errors: [404],
      }),
      async (req, reply) => reply.code(201).send(await planOps.createPlan(actorOf(req), req.body)),
    );
    app.get(
      '/api/backup-plans/:id',
      route({
        access: 'viewer',
        scope: 'plan',
        summary: 'One backup plan',
        tags,
        schema: { params: idParams, response: { 200: backupPlanView } },
        errors: [404],
      }),
      async (req) => plans.get(req.params.id),
    );
    app.patch(
      '/api/backup-plans/:id',
      route({
        access: 'admin',
        summary: 'Change a backup plan; its nodes get the change at once (secrets stay unless given)',
        tags,
        schema: { params: idParams, body: planPatchBody, response: { 200: backupPlanView } },
        errors: [404],
      }),
      async (req) => planOps.updatePlan(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/api/backup-plans/:id',
      route({
        access: 'admin',
        summary: "Delete a backup plan: its nodes' plan groups and schedules go (repositories and data stay)",
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await planOps.deletePlan(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );
    app.post(
      '/api/backup-plans/:id/run',
      route({
        access: 'operator',
        scope: 'plan',
        summary: 'Back up every node of the plan now, a few at a time; the jobs created',
        tags,
        schema: {
          params: idParams,
          response: {
            202: z.object({
              jobs: z.array(jobView),
              skipped: z.array(z.object({ node_id: z.string(), reason: z.string() })),
              concurrency: z.number().describe('how many of the jobs run at once'),
            }),
          },
        },
        errors: [404],
      }),
      async (req, reply) => reply.code(202).send(await planOps.runPlan(actorOf(req), req.params.id)),
    );
    app.get(
      '/api/nodes/:id/backup-plan',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "The node's effective backup plan, with where each field comes from",
        tags,
        schema: { params: idParams, response: { 200: effectivePlanView } },
        errors: [404],
      }),
      async (req) => planOps.effective(req.params.id),
    );
    app.put(
      '/api/nodes/:id/backup-plan',
      route({
        access: 'operator',
        scope: 'node',
        summary: "Set the node's overrides of its backup plan (null: follow the plan)",
        tags,
        schema: { params: idParams, body: planOverridesBody, response: { 200: effectivePlanView } },
        errors: [404, 409],
      }),
      async (req) => planOps.setOverrides(actorOf(req), req.params.id, req.body.overrides),
    );
    app.get(
      '/api/backups',
      route({
        access: 'viewer',
        scope: 'any',
        summary:
          "The fleet's backups: every node with its plan, last success and failure, next run, size (CSV with format=csv)",
        tags,
        schema: {
          querystring: z.object({
            room_id: z.string().max(100).optional(),
            plan_id: z.string().max(100).optional(),
            state: z.enum(BACKUP_STATES).optional(),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: { 200: fleetBackupsView },
        },
      }),
      async (req, reply) => {
        const view = await planOps.fleet({
          ...(req.query.room_id ? { room_id: req.query.room_id } : {}),
          ...(req.query.plan_id ? { plan_id: req.query.plan_id } : {}),
          ...(req.query.state ? { state: req.query.state } : {}),
          visible: await deps.guard.access.visibleNodes(req.principal!.grants),
        });
        if (req.query.format !== 'csv') return view;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="backups.csv"')
          .send(fleetCsv(view) as never);
      },
    );
    app.get(
      '/api/hosts/:id/repository/stats',
      route({
        access: 'viewer',
        scope: 'node',
        summary:
          "The host's repository: sizes, deduplication, snapshots, locks, last check (the last reading when offline)",
        tags,
        schema: { params: idParams, response: { 200: repositoryStatsView } },
        errors: [404, 409, 503, 504],
      }),
      async (req) => planOps.stats(req.params.id),
    );
    app.get(
      '/api/hosts/:id/snapshots/diff',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'What changed between two snapshots (restic diff)',
        tags,
        schema: {
          params: idParams,
          querystring: z.object({ from: snapshotRef, to: snapshotRef }),
          response: { 200: LINK_METHODS['backup.diff'].result },
        },
        errors: [404, 409, 503, 504],
      }),
      async (req) => planOps.diff(req.params.id, req.query.from, req.query.to),
    );
    app.get(
      '/api/hosts/:id/snapshots/find',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Where files matching a pattern are, across snapshots (restic find)',
        tags,
        schema: {
          params: idParams,
          querystring: z.object({
            pattern: LINK_METHODS['backup.find'].params.shape.pattern,
            snapshot: snapshotRef.optional(),
          }),
          response: { 200: LINK_METHODS['backup.find'].result },
        },
        errors: [404, 409, 503, 504],
      }),
      async (req) => planOps.find(req.params.id, req.query.pattern, req.query.snapshot),
    );
    app.get(
      '/api/hosts/:id/snapshots/:snapshot/download',
      route({
        access: 'operator',
        scope: 'node',
        summary:
          'Download a file (format=raw) or a directory (tar or zip) from a snapshot, streamed through the link',
        tags,
        schema: {
          params: z.object({ id: pathId, snapshot: snapshotRef }),
          querystring: z.object({ path: absolute, format: z.enum(['raw', 'tar', 'zip']).default('tar') }),
          response: {
            200: {
              description: 'the file as it is (raw), or the directory as a tar or zip archive',
              content: { 'application/octet-stream': { schema: z.string() } },
            },
          },
        },
        errors: [404, 409, 413, 503, 504],
      }),
      async (req, reply) => {
        const { path, format } = req.query;
        const d = await planOps.download(actorOf(req), req.params.id, req.params.snapshot, path, format);
        const base = path.split('/').filter(Boolean).pop() ?? 'snapshot';
        const name = format === 'raw' ? base : `${base}.${format}`;
        return reply
          .type(
            format === 'zip'
              ? 'application/zip'
              : format === 'tar'
                ? 'application/x-tar'
                : 'application/octet-stream',
          )
          .header('content-length', String(d.size))
          .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
          .send(Readable.from(d.parts) as never);
      },
    );
    app.delete(
      '/api/hosts/:id/snapshots/:snapshot',
      route({
        access: 'admin',
        scope: 'node',
        summary: 'Forget one snapshot (its data is freed at the next prune)',
        tags,
        schema: {
          params: z.object({ id: pathId, snapshot: snapshotRef }),
          response: { 202: z.object({ job: jobView }) },
        },
        errors: [404, 409],
      }),
      async (req, reply) =>
        reply.code(202).send({
          job: presentJob(await planOps.forgetSnapshot(actorOf(req), req.params.id, req.params.snapshot)),
        }),
    );
  };
}
