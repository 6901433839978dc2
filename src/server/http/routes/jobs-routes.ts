import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jobDetailView, jobView } from '../../../protocol/api/views.ts';
import { jobRequest } from '../../../protocol/jobs.ts';
import type { MusterEvent } from '../../../protocol/api/events.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { EventStreams } from '../../events/event-streams.ts';
import { presentJob, type JobsService } from '../../jobs/jobs-service.ts';
import type { NodesService } from '../../nodes/nodes-service.ts';
import type { AgentUpdates } from '../../operations/agent-updates.ts';
import type { JobOperations } from '../../operations/job-operations.ts';
import { roleAtLeast } from '../../auth/auth-types.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { eventStream, idParams, routeOptions } from '../route-schema.ts';

const ENDED = (state: string) => state !== 'queued' && state !== 'running';

/** Job output (shell output included) is for operators on the job's node; a viewer sees the job's state. */
const mayReadOutput = (req: FastifyRequest) => {
  const role = req.scopedRole ?? req.principal?.role ?? null;
  return role !== null && roleAtLeast(role, 'operator');
};
const withheldFrom = <J extends { log: string; log_lines: unknown[] }>(req: FastifyRequest, job: J) =>
  mayReadOutput(req) ? job : { ...job, log: '', log_lines: [], output_withheld: true };

/** Jobs of a host, one job with its full output (and its live stream), cancel, and the repository probe. */
export function jobsRoutes(deps: {
  jobs: JobsService;
  jobOps: JobOperations;
  agentUpdates: AgentUpdates;
  nodes: NodesService;
  guard: AuthGuard;
  bus: EventBus;
  streams: EventStreams;
}): FastifyPluginAsyncZod {
  const { jobs, jobOps, agentUpdates, nodes } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['jobs'];
  return async (app) => {
    app.get(
      '/api/hosts/:id/jobs',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "A host's jobs, newest first (500 at most)",
        tags,
        schema: { params: idParams, response: { 200: z.array(jobView) } },
        errors: [404],
      }),
      async (req) => {
        await nodes.getHost(req.params.id);
        return jobs.listForNode(req.params.id);
      },
    );

    app.post(
      '/api/hosts/:id/jobs',
      route({
        access: 'operator',
        scope: 'node',
        summary: 'Run a job on a host (it waits up to a day if the host is offline)',
        tags,
        schema: { params: idParams, body: jobRequest, response: { 201: jobView } },
        errors: [403, 404],
      }),
      async (req, reply) => {
        const job = await jobOps.createJob(actorOf(req), req.params.id, req.body.type, req.body.params);
        return reply.code(201).send(presentJob(job));
      },
    );

    const updateBody = z
      .object({
        force: z
          .boolean()
          .optional()
          .describe('update even an agent that reports the same version (to replace its executable)'),
      })
      .default({});
    app.post(
      '/api/hosts/:id/agent-update',
      route({
        access: 'operator',
        scope: 'node',
        summary:
          "Update the host's agent to the executable this server serves (an agent.update job: download, checksum, trial link, swap, restart; the old one stays if the new one does not come online)",
        tags,
        schema: { params: idParams, body: updateBody, response: { 201: jobView } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        const job = await agentUpdates.updateNode(actorOf(req), req.params.id, req.body.force ?? false);
        return reply.code(201).send(presentJob(job));
      },
    );

    app.post(
      '/api/rooms/:id/agent-update',
      route({
        access: 'operator',
        scope: 'room',
        summary:
          'Update the agents of every node in a room: an agent.update job each; nodes that cannot be updated (Netdata agents, no executable for their platform, already current) are listed with the reason',
        tags,
        schema: {
          params: idParams,
          body: updateBody,
          response: {
            200: z.object({
              jobs: z.array(z.object({ host_id: z.string(), hostname: z.string(), job_id: z.string() })),
              skipped: z.array(z.object({ host_id: z.string(), hostname: z.string(), reason: z.string() })),
            }),
          },
        },
        errors: [404],
      }),
      async (req) => agentUpdates.updateRoom(actorOf(req), req.params.id, req.body.force ?? false),
    );

    app.get(
      '/api/jobs/:id',
      route({
        access: 'viewer',
        scope: 'job',
        summary:
          "One job with its output (the output only for an operator on the job's node; a viewer sees its state)",
        tags,
        schema: { params: idParams, response: { 200: jobDetailView } },
        errors: [404],
      }),
      async (req) => withheldFrom(req, await jobs.get(req.params.id)),
    );

    app.post(
      '/api/jobs/:id/cancel',
      route({
        access: 'operator',
        scope: 'job',
        summary: 'Cancel: a queued job never starts, a running one is killed on the host',
        tags,
        schema: {
          params: idParams,
          response: { 202: z.object({ job_id: z.string(), cancelling: z.literal(true) }) },
        },
        errors: [404, 409, 503],
      }),
      async (req, reply) => {
        await jobs.cancel(actorOf(req), req.params.id);
        return reply.code(202).send({ job_id: req.params.id, cancelling: true });
      },
    );

    app.get(
      '/api/jobs/:id/stream',
      route({
        access: 'viewer',
        scope: 'job',
        summary:
          "Server-sent events: the stored output, then new output (log) and state changes (state); the output only for an operator on the job's node",
        tags,
        schema: { params: idParams, response: { 200: eventStream } },
        errors: [404, 429],
      }),
      async (req, reply) => {
        const { id } = req.params;
        // Listen before reading what is stored, so that nothing published in between is lost.
        const early: MusterEvent[] = [];
        let live: ((e: MusterEvent) => void) | null = null;
        const unsubscribe = deps.bus.subscribe((e) => (live ? live(e) : early.push(e)));
        let job;
        try {
          await deps.bus.heard();
          job = await jobs.get(id);
        } catch (err) {
          unsubscribe();
          throw err;
        }
        const stream = deps.streams.open(req, reply, actorOf(req).userId);
        stream.onEnd(unsubscribe);
        const seesOutput = mayReadOutput(req);
        let lastSeq = -1;
        for (const l of seesOutput ? job.log_lines : []) {
          stream.send('log', { seq: l.seq, stream: l.stream, data: l.data });
          lastSeq = l.seq;
        }
        stream.send('state', { state: job.state, exit_code: job.exit_code, error: job.error });
        let ended = ENDED(job.state);
        if (ended) return stream.end();
        const handle = (e: MusterEvent) => {
          if (ended) return;
          if (e.type === 'job.log' && e.job_id === id && e.seq > lastSeq) {
            if (!seesOutput) return;
            lastSeq = e.seq;
            stream.send('log', { seq: e.seq, stream: e.stream, data: e.data });
          } else if (e.type === 'job.state' && e.job_id === id) {
            stream.send('state', { state: e.state, exit_code: e.exit_code, error: e.error });
            if (ENDED(e.state)) {
              ended = true;
              stream.end();
            }
          }
        };
        for (const e of early) handle(e);
        live = handle;
      },
    );

    app.post(
      '/api/hosts/:id/repo/probe',
      route({
        access: 'operator',
        scope: 'node',
        summary: "Initialise (or detect) the host's backup repository again",
        tags,
        schema: {
          params: idParams,
          response: { 202: z.object({ job_id: z.string(), repo_status: z.literal('initializing') }) },
        },
        errors: [404, 409],
      }),
      async (req, reply) => {
        const jobId = await jobOps.probeRepository(actorOf(req), req.params.id);
        return reply.code(202).send({ job_id: jobId, repo_status: 'initializing' as const });
      },
    );
  };
}
