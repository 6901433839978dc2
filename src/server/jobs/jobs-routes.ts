import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { principalOf, type AuthGuard } from '../auth/auth-guard.ts';
import { AppError } from '../errors.ts';
import { parseOr400, pathId } from '../http-validate.ts';
import type { NodesService } from '../nodes/nodes-service.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { EventStreams } from '../events/event-streams.ts';
import { JOB_TYPES, presentJob, type JobsService } from './jobs-service.ts';

const idParams = z.object({ id: pathId });
const createJobBody = z.object({
  type: z.enum(JOB_TYPES),
  params: z.record(z.string(), z.unknown()).default({}),
});

/** Jobs of a host, one job with its full output, and the repository probe. */
export function jobsRoutes(deps: {
  jobs: JobsService;
  nodes: NodesService;
  guard: AuthGuard;
  bus: EventBus;
  streams: EventStreams;
  startRepoInit: (nodeId: string, by: string) => Promise<string | null>;
}) {
  const { jobs, nodes, guard } = deps;

  async function liveHost(id: string) {
    const n = await nodes.get(id);
    if (n.status === 'removed') throw new AppError('NOT_FOUND', `host ${id} was removed`);
    return n;
  }

  return async (app: FastifyInstance) => {
    app.get('/api/hosts/:id/jobs', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      await liveHost(id);
      return jobs.listForNode(id);
    });

    app.post('/api/hosts/:id/jobs', { preHandler: guard.require('operator') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const body = parseOr400(createJobBody, req.body);
      await liveHost(id);
      const job = await jobs.create(id, body.type, body.params, principalOf(req).username);
      return reply.code(201).send(presentJob(job));
    });

    app.get('/api/jobs/:id', { preHandler: guard.require('viewer') }, async (req) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      return jobs.get(id);
    });

    app.post('/api/jobs/:id/cancel', { preHandler: guard.require('operator') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      await jobs.cancel(id);
      return reply.code(202).send({ job_id: id, cancelling: true });
    });

    /** Server-sent events: the stored output first, then new output and state changes until the job ends. */
    app.get('/api/jobs/:id/stream', { preHandler: guard.require('viewer') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      const job = await jobs.get(id);
      const stream = deps.streams.open(req, reply);
      let lastSeq = -1;
      for (const l of job.log_lines) {
        stream.send('log', { seq: l.seq, stream: l.stream, data: l.data });
        lastSeq = l.seq;
      }
      stream.send('state', { state: job.state, exit_code: job.exit_code, error: job.error });
      if (!['queued', 'running'].includes(job.state)) return stream.end();
      stream.onEnd(
        deps.bus.subscribe((e) => {
          if (e.type === 'job.log' && e.job_id === id && e.seq > lastSeq) {
            lastSeq = e.seq;
            stream.send('log', { seq: e.seq, stream: e.stream, data: e.data });
          } else if (e.type === 'job.state' && e.job_id === id) {
            stream.send('state', { state: e.state, exit_code: e.exit_code, error: e.error });
            if (!['queued', 'running'].includes(e.state)) stream.end();
          }
        }),
      );
    });

    app.post('/api/hosts/:id/repo/probe', { preHandler: guard.require('operator') }, async (req, reply) => {
      const { id } = parseOr400(idParams, req.params, 'path');
      await liveHost(id);
      const jobId = await deps.startRepoInit(id, principalOf(req).username);
      if (!jobId) throw new AppError('CONFLICT', 'this host has no backup repository configured');
      return reply.code(202).send({ job_id: jobId, repo_status: 'initializing' });
    });
  };
}
