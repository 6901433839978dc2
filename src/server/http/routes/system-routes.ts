import { errorBody } from '../../../protocol/api/errors.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiErrorBody } from '../../../protocol/errors.ts';
import type { OpenDatabase } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Registry } from 'prom-client';

/** Equal secrets, compared in constant time. */
function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

const text = (description: string, type = 'text/plain') => ({
  description,
  content: { [type]: { schema: z.string() } },
});

/** Liveness, readiness, metrics and the CA certificate: what operators and their tools probe. */
export function systemRoutes(deps: {
  database: OpenDatabase;
  registry: Registry;
  caPem: string | null;
  /** In a cluster: what is wrong with NATS, or null when it answers. */
  natsProblem?: (() => Promise<string | null>) | null;
  /**
   * Who may read /metrics (it names every node): `public` for anyone, else a bearer token equal to `token` (when
   * set) or any signed-in user or API key.
   */
  metrics?: { public: boolean; token: string | null };
}): FastifyPluginAsyncZod {
  const { database } = deps;
  const tags = ['server'];
  const ok = z.object({ status: z.literal('ok') });
  const ready = z.object({
    status: z.literal('ready'),
    database: z.literal('ok'),
    nats: z.literal('ok').optional().describe('in a cluster: NATS, between replicas, answers'),
  });
  return async (app) => {
    app.get(
      '/healthz',
      { schema: { summary: 'The process answers', tags, response: { 200: ok } } },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          summary:
            'The server can serve: its database answers and takes writes (and NATS answers, in a cluster)',
          tags,
          response: { 200: ready, 503: apiErrorBody },
        },
      },
      async (_req, reply) => {
        const down = await database.problem();
        if (down)
          return reply
            .code(503)
            .send(
              errorBody(
                'UNAVAILABLE',
                `the database does not answer (${down}); the server keeps its links and recovers by itself when it is back`,
              ),
            );
        // Reads may work while writes fail (a full disk): then the server is not ready until a write goes through.
        const failing = database.health.failing();
        if (failing && !(await database.probeWrite()))
          return reply
            .code(503)
            .send(
              errorBody(
                'UNAVAILABLE',
                `the database does not take writes (${failing}); free space or fix the storage, the server recovers by itself`,
              ),
            );
        if (deps.natsProblem) {
          const problem = await deps.natsProblem();
          if (problem)
            return reply
              .code(503)
              .send(
                errorBody(
                  'UNAVAILABLE',
                  `${problem}; this replica cannot reach the others' links until it does`,
                ),
              );
          return { status: 'ready' as const, database: 'ok' as const, nats: 'ok' as const };
        }
        return { status: 'ready' as const, database: 'ok' as const };
      },
    );
    app.get(
      '/metrics',
      {
        schema: {
          summary:
            'Prometheus metrics: a bearer token (--metrics-token-file) or an API key, unless the server runs with --metrics-public',
          tags,
          response: { 200: text('metrics', 'text/plain'), 401: apiErrorBody },
        },
      },
      async (req, reply) => {
        const m = deps.metrics ?? { public: true, token: null };
        const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
        const tokenOk = m.token !== null && bearer !== null && sameSecret(bearer, m.token);
        if (!m.public && !tokenOk && !req.principal)
          return reply
            .code(401)
            .send(
              errorBody(
                'UNAUTHENTICATED',
                '/metrics needs the metrics token (Authorization: Bearer, set with --metrics-token-file or MUSTER_METRICS_TOKEN) or an API key; or start the server with --metrics-public',
              ),
            );
        return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
      },
    );
    app.get(
      '/ca.pem',
      {
        schema: {
          summary: "The server's own CA certificate",
          tags,
          response: { 200: text('PEM', 'application/x-pem-file'), 404: apiErrorBody },
        },
      },
      async (_req, reply) => {
        if (!deps.caPem) throw new AppError('NOT_FOUND', 'this server does not manage its own CA');
        return reply.type('application/x-pem-file').send(deps.caPem);
      },
    );
  };
}
