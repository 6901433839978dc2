import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { MAX_FRAME_BYTES } from '../protocol/link-frames.ts';
import { createAuditService } from './audit/audit-service.ts';
import { createApiKeyService } from './auth/api-keys.ts';
import { createAuthService } from './auth/auth-service.ts';
import { auditLogger } from './audit/audit-log.ts';
import { createLinkAuthService } from './claiming/link-auth-service.ts';
import type { Clock } from './clock.ts';
import type { Sealer } from './crypto.ts';
import type { OpenDatabase } from './db/database.ts';
import { AppError, ClaimError } from './errors.ts';
import { createBackupsService } from './backups/backups-service.ts';
import { backupsRoutes } from './http/routes/backups-routes.ts';
import { createRepositoryOperations } from './operations/repository-operations.ts';
import type { JobsTable } from './db/schema.ts';
import { createEventBus } from './events/event-bus.ts';
import type { NatsConnection } from '@nats-io/transport-node';
import { createMembership, type Membership } from './cluster/membership.ts';
import { createClusterWire } from './cluster/cluster-wire.ts';
import { createNatsBus } from './cluster/nats-bus.ts';
import { createNatsLink } from './cluster/nats-link.ts';
import { clusterRoutes } from './http/routes/cluster-routes.ts';
import { createEventStreams } from './events/event-streams.ts';
import { createAuthGuard } from './http/auth-guard.ts';
import { refuseCrossSite, securityHeaders } from './http/http-guards.ts';
import { handleError, handleFrameworkError, isAgentApiPath, sendAgentApiError } from './http/http-errors.ts';
import { openApiRoute, registerOpenApi } from './http/openapi.ts';
import { registerRateLimits, type RateLimits } from './http/rate-limits.ts';
import { agentApiRoutes } from './http/routes/agent-api-routes.ts';
import { auditRoutes } from './http/routes/audit-routes.ts';
import { authRoutes } from './http/routes/auth-routes.ts';
import { enrollmentRoutes } from './http/routes/enrollment-routes.ts';
import { eventsRoutes } from './http/routes/events-routes.ts';
import { installRoutes } from './http/routes/install-routes.ts';
import { agentExecutables } from './operations/agent-executables.ts';
import { jobsRoutes } from './http/routes/jobs-routes.ts';
import { nodesRoutes } from './http/routes/nodes-routes.ts';
import { schedulesRoutes } from './http/routes/schedules-routes.ts';
import { spacesRoutes } from './http/routes/spaces-routes.ts';
import { systemRoutes } from './http/routes/system-routes.ts';
import { createWebPage, webRoutes } from './http/routes/web-routes.ts';
import { createJobsService } from './jobs/jobs-service.ts';
import { acceptAclkLink } from './link/aclk-link.ts';
import { createLinkHub, localLink, SWEEP_INTERVAL_MS, type Timers } from './link/link-hub.ts';
import { createNodesService } from './nodes/nodes-service.ts';
import { createClaimNode } from './operations/claim-node.ts';
import { createEnrollNode } from './operations/enroll-node.ts';
import { createHostConfig } from './operations/host-config.ts';
import { createHousekeeping, type Retention } from './operations/housekeeping.ts';
import { createJobOperations } from './operations/job-operations.ts';
import { createAgentUpdates } from './operations/agent-updates.ts';
import { createRemoveNode } from './operations/remove-node.ts';
import { createStore } from './repos/store.ts';
import { createSchedulesService } from './schedules/schedules-service.ts';
import { createSpacesService } from './spaces/spaces-service.ts';
import { createEnrollmentService } from './tokens/enrollment-service.ts';
import { createTokensService } from './tokens/tokens-service.ts';

export interface AppDeps {
  database: OpenDatabase;
  clock: Clock;
  timers: Timers;
  log: Logger;
  sealer: Sealer;
  /** TLS key and chain; null serves plain HTTP (behind a TLS-terminating proxy, or in-process tests). */
  https: { key: string; cert: string } | null;
  /** CA certificate served at /ca.pem, when there is one. */
  caPem: string | null;
  /** SHA-256 pin of the CA key (hex), handed to enrolling agents. */
  caPin: string | null;
  publicUrl: string | null;
  /** Built web UI (default: dist/web of this checkout). */
  webRoot?: string;
  /** Agent executables and manifest.json (default: dist/agent of this checkout). */
  agentDir?: string;
  heartbeatIntervalMs: number;
  /** Heartbeats missed in a row before a node is offline (default 3). */
  missedHeartbeats?: number;
  /** Minutes after which a node claimed but never connected is shown as stuck (default 60). */
  pendingTimeoutMinutes?: number;
  trustProxy: boolean | string[];
  rateLimits: RateLimits;
  /** Who may read /metrics (default: anyone, as for an in-process server in tests). */
  metrics?: { public: boolean; token: string | null };
  /** How long event records are kept (default: link sessions 30 days, audit records 365). */
  retention?: Retention;
  /** Set when this server is one replica of a cluster: PostgreSQL for state, NATS between replicas. */
  cluster?: ClusterDeps | null;
  /** Hours past a backup schedule's longest gap before its group is overdue (default 2: 26 h for a daily one). */
  backupGraceHours?: number;
  /** Told after a user's password changed (see the auth service). */
  onPasswordChanged?: (username: string) => void;
}

export interface ClusterDeps {
  nc: NatsConnection;
  /** Subject prefix of this cluster (one per database), so that clusters may share a NATS server. */
  prefix: string;
  replica: { id: string; name: string };
  leaseMs: number;
}

const DEFAULT_RETENTION: Retention = { linkHistoryDays: 30, auditDays: 365 };

/** What is wrong with the connection to NATS, or null when it answers within two seconds. */
async function natsProblem(nc: NatsConnection): Promise<string | null> {
  if (nc.isClosed()) return 'the connection to NATS is closed';
  try {
    await Promise.race([
      nc.flush(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
    ]);
    return null;
  } catch (err) {
    return `NATS does not answer (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Build the server without listening: services, operations, the link hub and every route. Wiring only. */
export async function buildApp(deps: AppDeps) {
  const { database, clock, timers, log, sealer } = deps;
  const startedAt = clock.now();
  const app = Fastify({
    loggerInstance: log,
    // One access line per request at debug level only (below); the events that matter have lines of their own.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy,
    bodyLimit: 1024 * 1024,
    // Ids in paths are validated by the routes (with the documented error bodies), not cut off by the router.
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: handleFrameworkError,
    ...(deps.https ? { https: { key: deps.https.key, cert: deps.https.cert } } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  if (log.isLevelEnabled('debug'))
    app.addHook('onResponse', (req, reply, done) => {
      req.log.debug(
        { status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        `${req.method} ${req.url.split('?')[0]} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms from ${req.ip}`,
      );
      done();
    });

  /** Every route the server answers (method, path, who may call it), for the role matrix and the API reference. */
  const routes: { method: string; url: string; access: string | undefined }[] = [];
  app.addHook('onRoute', (r) => {
    const access = (r.config as { access?: string } | undefined)?.access;
    for (const method of [r.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: r.url, access });
  });

  // Domain services over one store.
  const store = createStore(database.db, clock, {
    onAudit: auditLogger(log),
    changeMark: database.changeMark,
  });
  const cluster = deps.cluster ?? null;
  // Everything between replicas is sealed under a key only holders of the master key derive (one per cluster).
  const wire = cluster
    ? createClusterWire({
        nc: cluster.nc,
        key: sealer.subkey(`cluster-wire:${cluster.prefix}`),
        replicaId: cluster.replica.id,
        clock,
        log: log.child({ part: 'cluster' }),
      })
    : null;
  const natsLink = wire
    ? createNatsLink({ wire, prefix: cluster!.prefix, log: log.child({ part: 'cluster' }) })
    : null;
  const bus = wire ? createNatsBus(wire, cluster!.prefix) : createEventBus();
  const streams = createEventStreams();
  const audit = createAuditService({ store });
  const auth = createAuthService({ store, clock, onPasswordChanged: deps.onPasswordChanged });
  const apiKeys = createApiKeyService({ store, clock });
  const guard = createAuthGuard(auth, apiKeys);
  const pendingTimeoutMs = (deps.pendingTimeoutMinutes ?? 60) * 60_000;
  const nodes = createNodesService({
    store,
    clock,
    bus,
    sealer,
    pendingTimeoutMs,
    replicaId: cluster?.replica.id ?? null,
    log: log.child({ part: 'link' }),
  });
  const spaces = createSpacesService({ store, clock });
  const tokens = createTokensService({ store, sealer, clock });
  const enrollment = createEnrollmentService({ store, sealer, clock });
  const schedules = createSchedulesService({ store, clock });
  const linkAuth = createLinkAuthService({
    nodes: store.repos.nodes,
    clock,
    challengeKey: sealer.subkey('link-challenge'),
    // Replicas share answered challenges and used link passwords; one process keeps them in memory.
    ...(cluster ? { useOnce: (key: string, until: number) => store.repos.cluster.useOnce(key, until) } : {}),
  });
  const hub = createLinkHub({
    nodes,
    clock,
    timers,
    log: log.child({ part: 'link' }),
    heartbeatIntervalMs: deps.heartbeatIntervalMs,
    missedHeartbeats: deps.missedHeartbeats,
    ...(natsLink ? { peers: natsLink.peers } : {}),
  });
  natsLink?.serveHub(hub);
  /** How services reach agents: this hub, or in a cluster whichever replica holds the node's link. */
  const link = natsLink?.port ?? localLink(hub);
  const registry = new Registry();
  const jobsFinished = new Counter({
    name: 'muster_jobs_finished_total',
    help: 'Jobs that ended, by type and state (succeeded, failed, cancelled, lost)',
    labelNames: ['type', 'state'],
    registers: [registry],
  });
  const backups = createBackupsService({ store, clock, graceHours: deps.backupGraceHours ?? 2 });
  const jobs = createJobsService({
    store,
    clock,
    link,
    bus,
    nodes,
    schedules,
    finished: async (job: JobsTable) => {
      jobsFinished.inc({ type: job.type, state: job.state });
      log[job.state === 'succeeded' ? 'info' : 'warn'](
        { event: 'job.finished', job_id: job.id, node_id: job.node_id, type: job.type, state: job.state },
        `job ${job.state}: ${job.type} on ${job.node_id}${job.error ? `: ${job.error}` : ''}`,
      );
      await repositoryOps.jobFinished(job);
    },
  });

  // Operations: multi-step changes that own their transaction, audit record, events and link messages.
  const claimsTotal = new Counter({
    name: 'muster_claims_total',
    help: "Claims and enrollments, by kind and result (accepted, or the refusal's error key)",
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  /**
   * Count and log each claim or enrollment once, by its outcome: accepted with the node, or refused with the error
   * key, the source address and the host name it gave (never the token).
   */
  async function counted<T>(
    kind: 'claim' | 'enroll',
    who: { ip: string | null; hostname: unknown },
    run: () => Promise<T>,
  ): Promise<T> {
    const host = typeof who.hostname === 'string' ? who.hostname.slice(0, 100) : null;
    try {
      const r = await run();
      claimsTotal.inc({ kind, result: 'accepted' });
      const nodeId = (r as { nodeId?: string }).nodeId ?? (r as { host_id?: string }).host_id;
      log.info(
        { event: `${kind}.accepted`, node_id: nodeId, hostname: host, ip: who.ip },
        `${kind} accepted: ${host ?? nodeId ?? 'node'} from ${who.ip ?? 'unknown address'}`,
      );
      return r;
    } catch (err) {
      const result =
        err instanceof ClaimError ? err.key : err instanceof AppError ? err.code.toLowerCase() : 'error';
      claimsTotal.inc({ kind, result });
      log.warn(
        { event: `${kind}.refused`, error_key: result, hostname: host, ip: who.ip },
        `${kind} refused (${result}): ${err instanceof Error ? err.message : String(err)}; from ${who.ip ?? 'unknown address'}${host ? `, host ${host}` : ''}`,
      );
      throw err;
    }
  }
  const claimCore = createClaimNode({ store, clock, bus });
  const enrollCore = createEnrollNode({ store, clock, bus, caPin: deps.caPin });
  const claimNode: typeof claimCore = {
    ...claimCore,
    claimNode: (...a) =>
      counted('claim', { ip: a[2], hostname: a[1].node?.hostname }, () => claimCore.claimNode(...a)),
  };
  const enrollNode: typeof enrollCore = {
    ...enrollCore,
    enroll: (...a) => counted('enroll', { ip: a[1], hostname: a[0].hostname }, () => enrollCore.enroll(...a)),
  };
  const removeNode = createRemoveNode({ nodes, link });
  const hostConfig = createHostConfig({ nodes, schedules, link, backups });
  const jobOps = createJobOperations({ jobs, nodes, schedules });
  const executables = agentExecutables(deps.agentDir);
  const agentUpdates = createAgentUpdates({ jobs, nodes, spaces, executables });
  const repositoryOps = createRepositoryOperations({ nodes, jobs, schedules, backups, hostConfig, link });
  hub.handle({
    configFor: (id) => hostConfig.configFor(id),
    online: (id) => jobOps.nodeOnline(id),
    frame: (id, frame) => jobOps.agentFrame(id, frame),
  });

  // The event-loop delay monitor samples at this resolution; prom-client's 10 ms default wakes an idle server
  // a hundred times a second.
  collectDefaultMetrics({ register: registry, prefix: 'muster_', eventLoopMonitoringPrecision: 1000 });
  if (wire)
    new Counter({
      name: 'muster_cluster_messages_dropped_total',
      help: 'Messages on the cluster wire dropped unopened, by reason (unsealed, forged, stale, replayed, malformed)',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(wire.dropped())) this.inc({ reason }, n);
      },
    });
  new Gauge({
    name: 'muster_links_connected',
    help: 'Agent links currently connected',
    registers: [registry],
    collect() {
      this.set(hub.count());
    },
  });

  /** A per node and source group gauge of backup health, read from the database at each scrape. */
  const backupGauge = (
    name: string,
    help: string,
    value: (b: { last_success_at: number | null; overdue: boolean }) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['node_id', 'hostname', 'source_group'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const b of await backups.all())
          this.set({ node_id: b.node_id, hostname: b.hostname, source_group: b.source_group }, value(b));
      },
    });
  backupGauge(
    'muster_backup_last_success_timestamp_seconds',
    'When the last successful backup of a node and source group ended (0: never)',
    (b) => (b.last_success_at ?? 0) / 1000,
  );
  backupGauge(
    'muster_backup_overdue',
    '1 when a source group of a node has no successful backup within its expected age',
    (b) => (b.overdue ? 1 : 0),
  );

  app.setErrorHandler(handleError);
  const webPage = createWebPage(deps.webRoot);
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (isAgentApiPath(req.url))
      return sendAgentApiError(
        req,
        reply,
        new ClaimError('ErrNotFound', `no agent endpoint ${req.method} ${path}`),
      );
    if (webPage(req, reply)) return reply;
    return reply.code(404).send({ code: 'not_found', message: `no route ${req.method} ${path}` });
  });

  const sweeper = timers.setInterval(() => hub.sweep(), SWEEP_INTERVAL_MS);
  // While writes fail, try one every few seconds, so recovery is noticed (and logged) without traffic.
  const storageProbe = timers.setInterval(() => {
    if (database.health.failing()) void database.probeWrite();
  }, 5000);
  const housekeeping = createHousekeeping({
    store,
    clock,
    auth,
    enrollment,
    retention: deps.retention ?? DEFAULT_RETENTION,
    log,
  });
  // One process runs housekeeping itself; in a cluster the replica holding the periodic-work lock runs it.
  let membership: Membership | null = null;
  let housekeepingTimer: unknown = null;
  if (cluster) {
    membership = createMembership({
      store,
      clock,
      timers,
      log: log.child({ part: 'cluster' }),
      bus,
      replica: cluster.replica,
      leaseMs: cluster.leaseMs,
      links: () => hub.count(),
      onLeaseLost: () => hub.endAll('this server replica lost its place in the cluster; reconnect'),
      housekeeping: () => housekeeping.run(),
    });
    // The cluster's wire is back after NATS was away: jobs asked for at other replicas meanwhile could not reach
    // the links held here, and start now.
    const wireBack = cluster.nc.status();
    void (async () => {
      for await (const s of wireBack)
        if (s.type === 'reconnect')
          await jobs
            .dispatchWaiting((id) => hub.holds(id))
            .catch((err: unknown) => log.warn({ err }, 'could not start the jobs that waited for NATS'));
    })();
    new Gauge({
      name: 'muster_cluster_leader',
      help: "1 while this replica runs the cluster's periodic work",
      registers: [registry],
      collect() {
        this.set(membership?.isLeader() ? 1 : 0);
      },
    });
  } else {
    void housekeeping.run();
    housekeepingTimer = timers.setInterval(() => void housekeeping.run(), 60 * 60 * 1000);
  }
  // Before the websocket plugin's own preClose, so agents hear why the link ends and when to come back.
  app.addHook('preClose', async () => {
    timers.clearInterval(sweeper);
    timers.clearInterval(storageProbe);
    timers.clearInterval(housekeepingTimer);
    streams.closeAll();
    await hub.shutdown();
    await membership?.stop();
  });

  await app.register(cookie);
  await registerRateLimits(app);
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  await registerOpenApi(app);
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

  // Behind a TLS proxy (an https public URL) cookies are Secure too, though this process speaks plain HTTP.
  const secureCookies = deps.https !== null || (deps.publicUrl?.startsWith('https://') ?? false);
  await app.register(
    systemRoutes({
      database,
      registry,
      caPem: deps.caPem,
      natsProblem: cluster ? () => natsProblem(cluster.nc) : null,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  );
  await app.register(
    clusterRoutes({
      guard,
      replicas: async () =>
        membership
          ? { mode: 'cluster' as const, self: cluster!.replica.id, replicas: await membership.replicas() }
          : {
              mode: 'single' as const,
              self: 'local',
              replicas: [
                {
                  id: 'local',
                  name: 'this server',
                  started_at: startedAt,
                  renewed_at: clock.now(),
                  lease_until: null,
                  links: hub.count(),
                  leader: true,
                  work_at: null,
                },
              ],
            },
    }),
  );
  await app.register(openApiRoute);
  await app.register(
    authRoutes({ auth, apiKeys, guard, secureCookies, loginPerMinute: deps.rateLimits.login }),
  );
  await app.register(spacesRoutes({ spaces, tokens, guard }));
  await app.register(nodesRoutes({ nodes, spaces, link, removeNode, guard }));
  await app.register(eventsRoutes({ bus, guard, streams }));
  await app.register(auditRoutes({ audit, guard }));
  await app.register(installRoutes({ publicUrl: deps.publicUrl, caPin: deps.caPin, executables }));
  await app.register(jobsRoutes({ jobs, jobOps, agentUpdates, nodes, guard, bus, streams }));
  await app.register(schedulesRoutes({ schedules, hostConfig, jobOps, nodes, guard }));
  await app.register(backupsRoutes({ repositoryOps, backups, nodes, guard }));
  await app.register(
    enrollmentRoutes({ enrollment, enrollNode, spaces, guard, enrollPerMinute: deps.rateLimits.claim }),
  );
  await app.register(
    agentApiRoutes({
      claimNode,
      removeNode,
      linkAuth,
      hub,
      acceptAclk: (socket, remoteAddr, authenticated) =>
        acceptAclkLink(socket, remoteAddr, authenticated, {
          linkAuth,
          hub,
          nodes,
          timers,
          log: log.child({ link: 'aclk' }),
        }),
      guard,
      publicUrl: deps.publicUrl,
      limits: deps.rateLimits,
    }),
  );
  await app.register(webRoutes({ guard, publicUrl: deps.publicUrl, caPin: deps.caPin, root: deps.webRoot }));

  const services = {
    jobs,
    jobOps,
    repositoryOps,
    backups,
    claims: claimNode,
    enroll: enrollNode,
    schedules,
    auth,
    audit,
    nodes,
    spaces,
    tokens,
    enrollment,
    hub,
    link,
    bus,
    registry,
    routes,
    housekeeping,
    membership,
  };
  return { app, services };
}
export type BuiltApp = Awaited<ReturnType<typeof buildApp>>;
export type Services = BuiltApp['services'];
