import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jobView, scheduleView, sourceGroupView } from '../../../protocol/api/views.ts';
import { backupOptions, backupPath, retentionPolicy, SCHEDULE_ACTIONS } from '../../../protocol/schedules.ts';
import { presentJob } from '../../jobs/jobs-service.ts';
import type { NodesService } from '../../nodes/nodes-service.ts';
import type { HostConfig } from '../../operations/host-config.ts';
import type { JobOperations } from '../../operations/job-operations.ts';
import type { SchedulesService } from '../../schedules/schedules-service.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, itemParams, noContent, patchBody, routeOptions, sendNoContent } from '../route-schema.ts';

const groupBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    paths: z.array(backupPath).min(1).max(100),
    excludes: z.array(z.string().min(1).max(4096)).max(200).default([]),
    retention: retentionPolicy.default({}),
    options: backupOptions.strict().default({}),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore, at most 64')
      .optional(),
    overdue_after_hours: z
      .number()
      .positive()
      .max(24 * 366)
      .nullable()
      .optional()
      .describe(
        "how old the last successful backup may grow before the node shows as overdue; default: the backup schedule's longest gap plus grace",
      ),
  })
  .strict();
const scheduleBody = z
  .object({
    source_group_id: z.string().min(1).max(100),
    action: z.enum(SCHEDULE_ACTIONS).default('backup'),
    cron: z.string().trim().min(1).max(100),
    timezone: z.string().min(1).max(100).default('UTC'),
    enabled: z.boolean().default(true),
  })
  .strict();

/** Source groups and schedules of a host, and "run now". Changes reach the host's agent at once. */
export function schedulesRoutes(deps: {
  schedules: SchedulesService;
  hostConfig: HostConfig;
  jobOps: JobOperations;
  nodes: NodesService;
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { schedules, hostConfig, jobOps, nodes } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['backups'];
  return async (app) => {
    app.get(
      '/api/hosts/:id/source-groups',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "A host's source groups",
        tags,
        schema: { params: idParams, response: { 200: z.array(sourceGroupView) } },
        errors: [404],
      }),
      async (req) => {
        await nodes.getHost(req.params.id);
        return schedules.listGroups(req.params.id);
      },
    );
    app.post(
      '/api/hosts/:id/source-groups',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Add a source group',
        tags,
        schema: { params: idParams, body: groupBody, response: { 201: sourceGroupView } },
        errors: [404, 409],
      }),
      async (req, reply) =>
        reply.code(201).send(await hostConfig.createGroup(actorOf(req), req.params.id, req.body)),
    );
    app.get(
      '/api/hosts/:id/source-groups/:item',
      route({
        access: 'viewer',
        scope: 'node',
        summary: 'One source group',
        tags,
        schema: { params: itemParams, response: { 200: sourceGroupView } },
        errors: [404],
      }),
      async (req) => schedules.group(req.params.id, req.params.item),
    );
    app.patch(
      '/api/hosts/:id/source-groups/:item',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Change a source group',
        tags,
        schema: { params: itemParams, body: patchBody(groupBody), response: { 200: sourceGroupView } },
        errors: [404, 409],
      }),
      async (req) => hostConfig.updateGroup(actorOf(req), req.params.id, req.params.item, req.body),
    );
    app.delete(
      '/api/hosts/:id/source-groups/:item',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Delete a source group no schedule uses',
        tags,
        schema: { params: itemParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await hostConfig.deleteGroup(actorOf(req), req.params.id, req.params.item);
        return sendNoContent(reply);
      },
    );
    app.post(
      '/api/hosts/:id/source-groups/:item/backup',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Back up a source group now',
        tags,
        schema: { params: itemParams, response: { 202: jobView } },
        errors: [404],
      }),
      async (req, reply) => {
        const job = await jobOps.backupGroupNow(actorOf(req), req.params.id, req.params.item);
        return reply.code(202).send(presentJob(job));
      },
    );

    app.get(
      '/api/hosts/:id/schedules',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "A host's schedules, with their next runs",
        tags,
        schema: { params: idParams, response: { 200: z.array(scheduleView) } },
        errors: [404],
      }),
      async (req) => {
        return hostConfig.listSchedules(req.params.id);
      },
    );
    app.post(
      '/api/hosts/:id/schedules',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Add a schedule (cron in a time zone)',
        tags,
        schema: { params: idParams, body: scheduleBody, response: { 201: scheduleView } },
        errors: [404],
      }),
      async (req, reply) =>
        reply.code(201).send(await hostConfig.createSchedule(actorOf(req), req.params.id, req.body)),
    );
    app.get(
      '/api/hosts/:id/schedules/:item',
      route({
        access: 'viewer',
        scope: 'node',
        summary: 'One schedule',
        tags,
        schema: { params: itemParams, response: { 200: scheduleView } },
        errors: [404],
      }),
      async (req) => schedules.schedule(req.params.id, req.params.item),
    );
    app.patch(
      '/api/hosts/:id/schedules/:item',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Change a schedule',
        tags,
        schema: { params: itemParams, body: patchBody(scheduleBody), response: { 200: scheduleView } },
        errors: [404],
      }),
      async (req) => hostConfig.updateSchedule(actorOf(req), req.params.id, req.params.item, req.body),
    );
    app.delete(
      '/api/hosts/:id/schedules/:item',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Delete a schedule',
        tags,
        schema: { params: itemParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await hostConfig.deleteSchedule(actorOf(req), req.params.id, req.params.item);
        return sendNoContent(reply);
      },
    );
    app.post(
      '/api/hosts/:id/schedules/:item/run',
      route({
        access: 'operator',
        scope: 'node',
        summary: "Run a schedule's job now (it waits if the host is offline)",
        tags,
        schema: { params: itemParams, response: { 202: jobView } },
        errors: [404],
      }),
      async (req, reply) => {
        const job = await jobOps.runScheduleNow(actorOf(req), req.params.id, req.params.item);
        return reply.code(202).send(presentJob(job));
      },
    );
  };
}
