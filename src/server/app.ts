import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { MAX_FRAME_BYTES } from '../protocol/link-frames.ts';
import { createAuditService } from './audit/audit-service.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { createAuthGuard } from './auth/auth-guard.ts';
import { createApiKeyService } from './auth/api-keys.ts';
import { createAuthRepo } from './auth/auth-repo.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { createAuthService } from './auth/auth-service.ts';
import { claimRoutes, isAgentApiPath, sendAgentApiError } from './claiming/claim-routes.ts';
import { createClaimService } from './claiming/claim-service.ts';
import { createLinkAuthService } from './claiming/link-auth-service.ts';
import type { Clock } from './clock.ts';
import type { Sealer } from './crypto.ts';
import type { OpenDatabase } from './db/database.ts';
import { AppError, ClaimError } from './errors.ts';
import { createEventBus } from './events/event-bus.ts';
import { eventsRoutes } from './events/events-routes.ts';
import { createEventStreams } from './events/event-streams.ts';
import { refuseCrossSite, securityHeaders } from './http-guards.ts';
import { createLinkHub, type Timers } from './link/link-hub.ts';
import { linkRoutes } from './link/link-routes.ts';
import { createNodesRepo } from './nodes/nodes-repo.ts';
import { nodesRoutes } from './nodes/nodes-routes.ts';
import { hostsRoutes } from './nodes/hosts-routes.ts';
import { installRoutes } from './install/install-routes.ts';
import { createJobsService } from './jobs/jobs-service.ts';
import { createWebPage, webRoutes } from './web/web-routes.ts';
import { schedulesRoutes } from './jobs/schedules-routes.ts';
import { createSchedulesService } from './jobs/schedules-service.ts';
import { jobsRoutes } from './jobs/jobs-routes.ts';
import { createNodesService } from './nodes/nodes-service.ts';
import { createSpacesRepo } from './spaces/spaces-repo.ts';
import { spacesRoutes } from './spaces/spaces-routes.ts';
import { createSpacesService } from './spaces/spaces-service.ts';
import { createTokensRepo } from './tokens/tokens-repo.ts';
import { registerRateLimits, type RateLimits } from './rate-limits.ts';
import { createTokensService } from './tokens/tokens-service.ts';
import { createEnrollmentService } from './tokens/enrollment-service.ts';
import { enrollmentRoutes } from './tokens/enrollment-routes.ts';
import { createEnrollService } from './claiming/enroll-service.ts';

export interface AppDeps {
  database: OpenDatabase;
  clock: Clock;
  timers: Timers;
  log: Logger;
  sealer: Sealer;
  /** TLS key and chain; null serves plain HTTP (behind a TLS-terminating proxy). */
  https: { key: string; cert: string } | null;
  /** CA certificate served at /ca.pem, when there is one. */
  caPem: string | null;
  /** SHA-256 pin of the CA key (hex), handed to enrolling agents. */
  caPin: string | null;
  publicUrl: string | null;
  /** Built web UI (default: dist/web of this checkout). */
  webRoot?: string;
  heartbeatIntervalMs: number;
  /** Minutes after which a node claimed but never connected is shown as stuck (default 60). */
  pendingTimeoutMinutes?: number;
  trustProxy: boolean;
  rateLimits: RateLimits;
}

/** Build the server without listening: every route, service and the link hub. */
export async function buildApp(deps: AppDeps) {
  const { database, clock, timers, log, sealer } = deps;
  const db = database.db;
  const app = Fastify({
    loggerInstance: log,
    trustProxy: deps.trustProxy,
    bodyLimit: 1024 * 1024,
    // Ids in paths are validated by the routes (with the documented error bodies), not cut off by the router.
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: (err, req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const message = tooLong ? 'a path segment is longer than 500 characters' : 'the URL is malformed';
      const r = reply as FastifyReply;
      if (isAgentApiPath(req.url)) void sendAgentApiError(req, r, new ClaimError('ErrBadRequest', message));
      else void r.code(tooLong ? 414 : 400).send({ code: tooLong ? 'uri_too_long' : 'bad_url', message });
    },
    ...(deps.https ? { https: { key: deps.https.key, cert: deps.https.cert } } : {}),
  }) as unknown as FastifyInstance;

  /** Every route the server answers (method and path), for the role matrix and the API reference. */
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });

  const bus = createEventBus();
  const streams = createEventStreams();
  const audit = createAuditService({ db, clock });
  const auth = createAuthService({ repo: createAuthRepo(db), clock });
  const apiKeys = createApiKeyService({ db, clock });
  const guard = createAuthGuard(auth, apiKeys);
  const nodesRepo = createNodesRepo(db);
  const nodes = createNodesService({
    repo: nodesRepo,
    clock,
    bus,
    sealer,
    pendingTimeoutMs: (deps.pendingTimeoutMinutes ?? 60) * 60_000,
  });
  const spaces = createSpacesService({ repo: createSpacesRepo(db), nodes: nodesRepo, clock });
  const tokens = createTokensService({ repo: createTokensRepo(db), sealer, clock });
  const claims = createClaimService({ db, clock, audit, bus });
  const enrollment = createEnrollmentService({ db, sealer, clock });
  const enroll = createEnrollService({ db, clock, audit, bus, caPin: deps.caPin });
  const linkAuth = createLinkAuthService({
    nodes: nodesRepo,
    clock,
    challengeKey: sealer.subkey('link-challenge'),
  });
  const hub = createLinkHub({
    nodes,
    clock,
    timers,
    log: log.child({ part: 'link' }),
    heartbeatIntervalMs: deps.heartbeatIntervalMs,
    configFor: (id) => configFor(id),
    async onOnline(nodeId) {
      const row = await nodes.findRow(nodeId);
      if (row?.repo_status === 'unknown') await startRepoInit(nodeId, null);
    },
    async onAgentFrame(nodeId, frame) {
      if (frame.t === 'reply') {
        if (!frame.ok)
          await jobs.rejectStart(nodeId, frame.id, frame.error?.message ?? 'the agent refused the job');
        return;
      }
      if (frame.t !== 'hello' && frame.t !== 'heartbeat') await jobs.onFrame(nodeId, frame);
    },
  });

  const jobs = createJobsService({
    db,
    clock,
    send: (nodeId, frame) => hub.send(nodeId, frame),
    bus,
    async onFinished(job) {
      if (job.type === 'restic.init')
        await nodes.setRepoStatus(job.node_id, job.state === 'succeeded' ? 'ready' : 'init_failed');
    },
  });

  const schedules = createSchedulesService({ db, clock });
  /** The configuration a node's agent receives in welcome and config.update. */
  async function configFor(nodeId: string) {
    return { ...(await nodes.linkConfig(nodeId)), schedules: await schedules.specsFor(nodeId) };
  }

  /** Initialise (or detect) the host's repository with a restic.init job; null when it has none. */
  async function startRepoInit(nodeId: string, by: string | null): Promise<string | null> {
    if (!(await nodes.hasRepository(nodeId))) return null;
    await nodes.setRepoStatus(nodeId, 'initializing');
    return (await jobs.create(nodeId, 'restic.init', {}, by)).id;
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'muster_' });
  new Gauge({
    name: 'muster_links_connected',
    help: 'Agent links currently connected',
    registers: [registry],
    collect() {
      this.set(hub.count());
    },
  });

  app.setErrorHandler((err, req, reply) => {
    if (isAgentApiPath(req.url)) return sendAgentApiError(req, reply, err);
    if (err instanceof AppError) {
      if (err.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.status).send({ code: err.code.toLowerCase(), message: err.message });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : 'validation_failed';
      return reply.code(status).send({ code, message: err instanceof Error ? err.message : 'bad request' });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({
      code: 'internal',
      message: `internal error; quote request ${req.id} when reporting it`,
      request_id: req.id,
    });
  });
  const webPage = createWebPage(deps.webRoot);
  app.setNotFoundHandler((req, reply) => {
    if (isAgentApiPath(req.url))
      return sendAgentApiError(
        req,
        reply,
        new ClaimError('ErrNotFound', `no agent endpoint ${req.method} ${req.url.split('?')[0]}`),
      );
    if (webPage(req, reply)) return reply;
    return reply
      .code(404)
      .send({ code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  const sweeper = timers.setInterval(() => hub.sweep(), deps.heartbeatIntervalMs);
  // While writes fail, try one every few seconds, so recovery is noticed (and logged) without traffic.
  const storageProbe = timers.setInterval(() => {
    if (database.health.failing()) void database.probeWrite();
  }, 5000);
  const sessionSweeper = timers.setInterval(
    () => void auth.sweepSessions().catch(() => undefined),
    60 * 60 * 1000,
  );
  // Before the websocket plugin's own preClose, so agents hear why the link ends and when to come back.
  app.addHook('preClose', async () => {
    timers.clearInterval(sweeper);
    timers.clearInterval(storageProbe);
    timers.clearInterval(sessionSweeper);
    streams.closeAll();
    await hub.shutdown();
  });

  await app.register(cookie);
  await registerRateLimits(app);
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => guard.resolve(req));
  app.addHook(
    'onRequest',
    refuseCrossSite((req) => [
      `${req.protocol}://${req.host}`,
      ...(deps.publicUrl ? [new URL(deps.publicUrl).origin] : []),
    ]),
  );
  app.addHook('onSend', securityHeaders(deps.https !== null));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(db);
    } catch {
      return reply.code(503).send({ code: 'unavailable', message: 'the database does not answer' });
    }
    // Reads may work while writes fail (a full disk): then the server is not ready until a write goes through.
    const failing = database.health.failing();
    if (failing && !(await database.probeWrite()))
      return reply.code(503).send({
        code: 'unavailable',
        message: `the database does not take writes (${failing}); free space or fix the storage, the server recovers by itself`,
      });
    return { status: 'ready' };
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/ca.pem', async (_req, reply) => {
    if (!deps.caPem) throw new AppError('NOT_FOUND', 'this server does not manage its own CA');
    return reply.type('application/x-pem-file').send(deps.caPem);
  });

  await app.register(
    authRoutes({
      auth,
      apiKeys,
      guard,
      audit,
      secureCookies: deps.https !== null,
      loginPerMinute: deps.rateLimits.login,
    }),
  );
  await app.register(spacesRoutes({ spaces, tokens, guard, audit }));
  await app.register(nodesRoutes({ nodes, spaces, hub, guard, audit }));
  await app.register(eventsRoutes({ bus, guard, streams }));
  await app.register(auditRoutes({ audit, guard }));
  await app.register(hostsRoutes({ nodes, guard }));
  await app.register(installRoutes({ publicUrl: deps.publicUrl, caPin: deps.caPin }));
  await app.register(jobsRoutes({ jobs, nodes, guard, bus, streams, startRepoInit }));
  await app.register(
    schedulesRoutes({
      schedules,
      jobs,
      nodes,
      guard,
      audit,
      async pushConfig(nodeId) {
        hub.send(nodeId, { t: 'config.update', config: await configFor(nodeId) });
      },
    }),
  );
  await app.register(
    enrollmentRoutes({ enrollment, enroll, spaces, guard, audit, enrollPerMinute: deps.rateLimits.claim }),
  );
  await app.register(
    claimRoutes({
      claims,
      linkAuth,
      publicUrl: deps.publicUrl,
      limits: deps.rateLimits,
      async unclaim(nodeId, sourceIp) {
        await nodes.remove(nodeId, 'its agent (unclaimed)');
        hub.disconnect(nodeId, 'this node was unclaimed', true);
        await audit.record({
          actorType: 'node',
          actorId: nodeId,
          action: 'node.unclaimed',
          targetType: 'node',
          targetId: nodeId,
          sourceIp,
        });
      },
    }),
  );
  await app.register(webRoutes({ guard, publicUrl: deps.publicUrl, caPin: deps.caPin, root: deps.webRoot }));
  await app.register(linkRoutes({ hub, linkAuth, perMinute: deps.rateLimits.linkAuth }));

  const services = {
    jobs,
    schedules,
    auth,
    audit,
    nodes,
    spaces,
    tokens,
    enrollment,
    enroll,
    claims,
    linkAuth,
    hub,
    bus,
    registry,
    routes,
  };
  return { app, services };
}
export type BuiltApp = Awaited<ReturnType<typeof buildApp>>;
export type Services = BuiltApp['services'];
