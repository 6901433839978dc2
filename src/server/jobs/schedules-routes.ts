import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalOf, type AuthGuard } from '../auth/auth-guard.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import { backupPath, retentionPolicy, SCHEDULE_ACTIONS, scheduleJob } from '../../protocol/schedules.ts';
import { presentJob, type JobsService } from './jobs-service.ts';
import type { SchedulesService } from './schedules-service.ts';

const hostParams = z.object({ id: pathId });
const itemParams = hostParams.extend({ item: pathId });
const groupBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    paths: z.array(backupPath).min(1).max(100),
    excludes: z.array(z.string().min(1).max(4096)).max(200).default([]),
    retention: retentionPolicy.default({}),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore, at most 64')
      .optional(),
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

/** Source groups and schedules of a host (JSON routes), and "run now". Changes reach the agent at once. */
export function schedulesRoutes(deps: {
  schedules: SchedulesService;
  jobs: JobsService;
  nodes: NodesService;
  guard: AuthGuard;
  audit: AuditService;
  /** Send the host's new configuration over its link, if it is connected. */
  pushConfig: (nodeId: string) => Promise<void>;
}) {
  const { schedules, jobs, nodes, guard, audit } = deps;

  async function liveHost(id: string) {
    const n = await nodes.get(id);
    if (n.status === 'removed') throw new AppError('NOT_FOUND', `host ${id} was removed`);
  }

  async function changed(req: FastifyRequest, nodeId: string, action: string, targetId: string) {
    await audit.record({
      actorType: 'user',
      actorId: principalOf(req).userId,
      action,
      targetType: action.startsWith('schedule') ? 'schedule' : 'source_group',
      targetId,
      sourceIp: req.ip,
      detail: { host_id: nodeId },
    });
    await deps.pushConfig(nodeId);
  }

  return async (app: FastifyInstance) => {
    const viewer = { preHandler: guard.require('viewer') };
    const operator = { preHandler: guard.require('operator') };

    app.get('/api/hosts/:id/source-groups', viewer, async (req) => {
      const { id } = parseOr400(hostParams, req.params, 'path');
      await liveHost(id);
      return schedules.listGroups(id);
    });
    app.post('/api/hosts/:id/source-groups', operator, async (req, reply) => {
      const { id } = parseOr400(hostParams, req.params, 'path');
      const body = parseOr400(groupBody, req.body);
      await liveHost(id);
      const g = await schedules.createGroup(id, body);
      await changed(req, id, 'source_group.created', g.id);
      return reply.code(201).send(g);
    });
    app.get('/api/hosts/:id/source-groups/:item', viewer, async (req) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      return schedules.group(id, item);
    });
    app.patch('/api/hosts/:id/source-groups/:item', operator, async (req) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      const body = parseOr400(groupBody.partial(), req.body);
      const g = await schedules.updateGroup(id, item, body);
      await changed(req, id, 'source_group.updated', item);
      return g;
    });
    app.delete('/api/hosts/:id/source-groups/:item', operator, async (req, reply) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      await schedules.deleteGroup(id, item);
      await changed(req, id, 'source_group.deleted', item);
      return reply.code(204).send();
    });
    app.post('/api/hosts/:id/source-groups/:item/backup', operator, async (req, reply) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      await liveHost(id);
      const job = scheduleJob('backup', await schedules.group(id, item));
      const created = await jobs.create(id, job.type, job.params, principalOf(req).username);
      return reply.code(202).send(presentJob(created));
    });

    app.get('/api/hosts/:id/schedules', viewer, async (req) => {
      const { id } = parseOr400(hostParams, req.params, 'path');
      await liveHost(id);
      return schedules.listSchedules(id);
    });
    app.post('/api/hosts/:id/schedules', operator, async (req, reply) => {
      const { id } = parseOr400(hostParams, req.params, 'path');
      const body = parseOr400(scheduleBody, req.body);
      await liveHost(id);
      const s = await schedules.createSchedule(id, body);
      await changed(req, id, 'schedule.created', s.id);
      return reply.code(201).send(s);
    });
    app.get('/api/hosts/:id/schedules/:item', viewer, async (req) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      return schedules.schedule(id, item);
    });
    app.patch('/api/hosts/:id/schedules/:item', operator, async (req) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      const body = parseOr400(scheduleBody.partial(), req.body);
      const s = await schedules.updateSchedule(id, item, body);
      await changed(req, id, 'schedule.updated', item);
      return s;
    });
    app.delete('/api/hosts/:id/schedules/:item', operator, async (req, reply) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      await schedules.deleteSchedule(id, item);
      await changed(req, id, 'schedule.deleted', item);
      return reply.code(204).send();
    });
    /** Run a schedule's job now, through the server (it waits if the host is offline). */
    app.post('/api/hosts/:id/schedules/:item/run', operator, async (req, reply) => {
      const { id, item } = parseOr400(itemParams, req.params, 'path');
      await liveHost(id);
      const s = await schedules.schedule(id, item);
      const job = scheduleJob(s.action, await schedules.group(id, s.source_group_id));
      const created = await jobs.create(id, job.type, job.params, principalOf(req).username, undefined, s.id);
      return reply.code(202).send(presentJob(created));
    });
  };
}
