import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import type { NatsConnection } from '@nats-io/transport-node';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { errorBody } from '../protocol/api/errors.ts';
import { MAX_FRAME_BYTES } from '../protocol/link-frames.ts';
import { createAlerting } from './alerts/alerting.ts';
import { auditLogger } from './audit/audit-log.ts';
import { createAuditService } from './audit/audit-service.ts';
import { createBackupsService } from './backups/backups-service.ts';
import { createBackupPlansService } from './backups/backup-plans-service.ts';
import { createBackupPlanOperations } from './operations/backup-plan-operations.ts';
import { createLinkAuthService } from './claiming/link-auth-service.ts';
import type { Clock, Timers } from './clock.ts';
import { createClusterWire } from './cluster/cluster-wire.ts';
import { createMembership, replicasView, type Membership } from './cluster/membership.ts';
import { natsProblem } from './cluster/nats-connect.ts';
import { createNatsBus } from './cluster/nats-bus.ts';
import { createNatsLink } from './cluster/nats-link.ts';
import type { Sealer } from './crypto.ts';
import type { OpenDatabase } from './db/database.ts';
import type { JobsTable } from './db/schema.ts';
import { ClaimError } from './errors.ts';
import { createEventBus } from './events/event-bus.ts';
import { createEventStreams } from './events/event-streams.ts';
import { createAuthGuard } from './http/auth-guard.ts';
import type { RoleMap } from './auth/access-service.ts';
import { createAuthStack } from './auth/auth-stack.ts';
import type { LocalLogin } from './auth/auth-service.ts';
import { createOidc, type OidcSettings } from './auth/oidc.ts';
import { refuseCrossSite, securityHeaders } from './http/http-guards.ts';
import { handleError, handleFrameworkError, isAgentApiPath, sendAgentApiError } from './http/http-errors.ts';
import { openApiRoute, registerOpenApi } from './http/openapi.ts';
import { registerRateLimits, type RateLimits } from './http/rate-limits.ts';
import { agentApiRoutes } from './http/routes/agent-api-routes.ts';
import { alertsRoutes } from './http/routes/alerts-routes.ts';
import { auditRoutes } from './http/routes/audit-routes.ts';
import { authRoutes, sessionCookieSetter } from './http/routes/auth-routes.ts';
import { accessRoutes } from './http/routes/access-routes.ts';
import { backupsRoutes } from './http/routes/backups-routes.ts';
import { backupPlansRoutes } from './http/routes/backup-plans-routes.ts';
import { clusterRoutes } from './http/routes/cluster-routes.ts';
import { enrollmentRoutes } from './http/routes/enrollment-routes.ts';
import { eventsRoutes } from './http/routes/events-routes.ts';
import { installRoutes } from './http/routes/install-routes.ts';
import { jobsRoutes } from './http/routes/jobs-routes.ts';
import { nodesRoutes } from './http/routes/nodes-routes.ts';
import { nodeDataRoutes } from './http/routes/node-data-routes.ts';
import { schedulesRoutes } from './http/routes/schedules-routes.ts';
import { spacesRoutes } from './http/routes/spaces-routes.ts';
import { systemRoutes } from './http/routes/system-routes.ts';
import { createWebPage, webRoutes } from './http/routes/web-routes.ts';
import { createJobsService } from './jobs/jobs-service.ts';
import { acceptAclkLink } from './link/aclk-link.ts';
import { attachJsonLink } from './link/json-link.ts';
import { createLinkHub, SWEEP_INTERVAL_MS } from './link/link-hub.ts';
import { createLinkSessions, localLink, type LinkSessions } from './link/link-sessions.ts';
import { createNodePresence } from './nodes/node-presence.ts';
import { createNodeRepositories } from './nodes/node-repositories.ts';
import { createNodesService } from './nodes/nodes-service.ts';
import { createNodeDataService } from './operations/node-data.ts';
import { createObservability } from './observability.ts';
import { agentExecutables } from './operations/agent-executables.ts';
import { createAgentUpdates } from './operations/agent-updates.ts';
import { createClaimNode } from './operations/claim-node.ts';
import { createEnrollNode } from './operations/enroll-node.ts';
import { createHostConfig } from './operations/host-config.ts';
import { createHousekeeping, type Retention } from './operations/housekeeping.ts';
import { createFleetLife } from './operations/fleet-life.ts';
import { createBulkNodes } from './operations/bulk-nodes.ts';
import { createAnnounceNode } from './operations/announce-node.ts';
import { announceRoutes } from './http/routes/announce-routes.ts';
import { AppError } from './errors.ts';
import { createJobOperations } from './operations/job-operations.ts';
import { createJobOutcomes } from './operations/job-outcomes.ts';
import { createRemoveNode } from './operations/remove-node.ts';
import { createRepositoryOperations } from './operations/repository-operations.ts';
import { createStore } from './repos/store.ts';
import { createSchedulesService } from './schedules/schedules-service.ts';
import { createSpacesService } from './spaces/spaces-service.ts';
import { createEnrollmentService } from './tokens/enrollment-service.ts';
import { createTokenUses } from './tokens/token-uses.ts';
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
  /** A node offline this many days is stale (a status filter, a home-page count; a space may remove them later). */
  staleDays?: number;
  trustProxy: boolean | string[];
  rateLimits: RateLimits;
  /** Who may read /metrics (default: anyone, as for an in-process server in tests). */
  metrics?: { public: boolean; token: string | null };
  /** How long event records are kept (default: link sessions 30 days, audit records 365, timeline and alerts 90). */
  retention?: Partial<Retention>;
  /** Set when this server is one replica of a cluster: PostgreSQL for state, NATS between replicas. */
  cluster?: ClusterDeps | null;
  /** Hours past a backup schedule's longest gap before its group is overdue (default 2: 26 h for a daily one). */
  backupGraceHours?: number;
  /** The largest file or archive a browser may download from a snapshot (default 1 GiB). */
  backupDownloadMaxBytes?: number;
  /** Told after a user's password changed (see the auth service). */
  onPasswordChanged?: (username: string) => void;
  /** How people sign in: passwords (on, off, admins only), an OpenID provider, and the roles its groups give. */
  signIn?: { localLogin?: LocalLogin; oidc?: OidcSettings | null; roleMap?: RoleMap };
  /** False: links open as on servers before signed upgrades (tests of agents against such a server). */
  linkSignatures?: boolean;
}

export interface ClusterDeps {
  nc: NatsConnection;
  /** Subject prefix of this cluster (one per database), so that clusters may share a NATS server. */
  prefix: string;
  replica: { id: string; name: string };
  leaseMs: number;
  /**
   * A connection of the replica's own for its lease: renewing it never waits behind the statements of the links it
   * serves (a replica busy taking back thousands of links would otherwise lose its lease, and drop them all).
   */
  leases?: OpenDatabase['db'];
}

const DEFAULT_RETENTION: Retention = { linkHistoryDays: 30, auditDays: 365, eventDays: 90 };

/** Build the server without listening: services, operations, the link and every route. Wiring only. */
export async function buildApp(deps: AppDeps) {
  const app = createFastify(deps);
  /** Every route the server answers (method, path, who may call it), for the role matrix and the API reference. */
  const routes: { method: string; url: string; access: string | undefined; scope: string | undefined }[] = [];
  app.addHook('onRoute', (r) => {
    const { access, scope } = (r.config as { access?: string; scope?: string } | undefined) ?? {};
    for (const method of [r.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: r.url, access, scope });
  });
  const services = buildServices(deps);
  const background = startBackground(deps, services);
  // Before the websocket plugin's own preClose, so agents hear why the link ends and when to come back.
  app.addHook('preClose', async () => {
    // One process: the links closing now are the restart's, which raises what stays offline. A replica keeps
    // listening: its agents move to the others, and those that do not come back must alert.
    if (!deps.cluster) services.alerting.stopListening();
    background.stop();
    services.streams.closeAll();
    await services.hub.shutdown();
    await background.membership?.stop();
  });
  await registerRoutes(app, deps, { ...services, membership: background.membership });
  return { app, services: { ...services, routes, membership: background.membership } };
}
export type BuiltApp = Awaited<ReturnType<typeof buildApp>>;
export type Services = BuiltApp['services'];

/** Fastify with its compilers, error handlers and (at debug level) one access line per request. */
function createFastify(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log,
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
  if (deps.log.isLevelEnabled('debug'))
    app.addHook('onResponse', (req, reply, done) => {
      req.log.debug(
        { status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        `${req.method} ${req.url.split('?')[0]} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms from ${req.ip}`,
      );
      done();
    });
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
    return reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${path}`));
  });
  return app;
}

/** The link between replicas, when this server is one of a cluster: the sealed wire and the links over it. */
function clusterLinks(deps: AppDeps, sessions: LinkSessions) {
  const cluster = deps.cluster ?? null;
  if (!cluster) return null;
  const log = deps.log.child({ part: 'cluster' });
  // Everything between replicas is sealed under a key only holders of the master key derive (one per cluster).
  const wire = createClusterWire({
    nc: cluster.nc,
    key: deps.sealer.subkeys(`cluster-wire:${cluster.prefix}`),
    replicaId: cluster.replica.id,
    clock: deps.clock,
    log,
  });
  return {
    cluster,
    wire,
    natsLink: createNatsLink({ wire, prefix: cluster.prefix, sessions, log }),
    bus: createNatsBus(wire, cluster.prefix),
  };
}

/** Services over one store, the link, and the operations over them, in the order they need each other. */
function buildServices(deps: AppDeps) {
  const { database, clock, timers, log, sealer } = deps;
  const store = createStore(database.db, clock, {
    onAudit: auditLogger(log),
    changeMark: database.changeMark,
  });
  const sessions = createLinkSessions({ timers, log: log.child({ part: 'link' }) });
  const clustered = clusterLinks(deps, sessions);
  const bus = clustered?.bus ?? createEventBus();
  /** How services reach agents: this process's links, or in a cluster whichever replica holds the node's link. */
  const link = clustered?.natsLink.port ?? localLink(sessions);

  const authStack = createAuthStack({
    store,
    clock,
    sealer,
    roleMap: deps.signIn?.roleMap,
    localLogin: deps.signIn?.localLogin,
    onPasswordChanged: deps.onPasswordChanged,
  });
  const { auth, apiKeys } = authStack;
  const oidcSettings = deps.signIn?.oidc;
  const oidc = oidcSettings
    ? createOidc({ settings: oidcSettings, store, clock, auth, log: log.child({ part: 'oidc' }) })
    : null;
  const pendingTimeoutMs = (deps.pendingTimeoutMinutes ?? 60) * 60_000;
  const staleMs = (deps.staleDays ?? 7) * 24 * 3600_000;
  const nodes = createNodesService({ store, clock, bus, pendingTimeoutMs, staleMs });
  const presence = createNodePresence({
    store,
    clock,
    bus,
    replicaId: clustered?.cluster.replica.id ?? null,
    log: log.child({ part: 'link' }),
  });
  const repositories = createNodeRepositories({ store, bus, sealer });
  const schedules = createSchedulesService({ store, clock });
  const backups = createBackupsService({ store, clock, graceHours: deps.backupGraceHours ?? 2 });
  const observability = createObservability({ log, sessions, backups, wire: clustered?.wire ?? null });
  const outcomes = createJobOutcomes({ nodes, repositories, backups });
  const jobs = createJobsService({
    store,
    clock,
    link,
    bus,
    nodes,
    schedules,
    finished: async (job: JobsTable) => {
      observability.jobFinished(job);
      await outcomes.jobFinished(job);
      alerting.sources.jobFinished(job);
    },
  });

  const alerting = createAlerting({
    staleMs,
    store,
    clock,
    timers,
    sealer,
    bus,
    log,
    observability,
    publicUrl: deps.publicUrl,
    certificates: [
      ...(deps.https ? [{ name: 'server TLS certificate', pem: deps.https.cert }] : []),
      ...(deps.caPem ? [{ name: 'agent CA certificate', pem: deps.caPem }] : []),
    ],
    storageFailing: () => database.health.failing(),
  });

  // Operations: multi-step changes that own their transaction, audit record, events and link messages.
  const tokenUses = createTokenUses(store, (msg, err) => deps.log.warn({ err }, msg));
  const claimCore = createClaimNode({ store, clock, bus, tokenUses });
  const enrollCore = createEnrollNode({ store, clock, bus, caPin: deps.caPin, tokenUses });
  const claimNode: typeof claimCore = {
    claimNode: async (id, body, ip) => {
      const outcome = await observability.counted('claim', { ip, hostname: body.node?.hostname }, () =>
        claimCore.claimNode(id, body, ip),
      );
      // Rules on the host name apply from the claim on; facts arrive with the first link.
      if (outcome.kind === 'claimed') await placeByRules(outcome.nodeId, outcome.spaceId);
      return outcome;
    },
  };
  const placeByRules = (nodeId: string, spaceId: string) =>
    fleetLife
      .applyRules(nodeId, spaceId)
      .catch((err: unknown) => log.warn({ err, node_id: nodeId }, 'room rules could not be applied'));
  const enrollNode: typeof enrollCore = {
    enrollNode: (body, ip) =>
      observability.counted('enroll', { ip, hostname: body.hostname }, () => enrollCore.enrollNode(body, ip)),
  };
  const plans = createBackupPlansService({ store, clock, sealer });
  const hostConfig = createHostConfig({ nodes, repositories, schedules, link, backups, plans });
  const jobOps = createJobOperations({ jobs, nodes, repositories, schedules });
  const planOps = createBackupPlanOperations({
    store,
    clock,
    plans,
    nodes,
    repositories,
    hostConfig,
    jobOps,
    jobs,
    backups,
    link,
    downloadMaxBytes: deps.backupDownloadMaxBytes ?? 1024 * 1024 * 1024,
  });
  const removeNode = createRemoveNode({ nodes, link });
  const fleetLife = createFleetLife({
    store,
    clock,
    removeNode,
    membershipChanged: (actor, nodeId) => planOps.membershipChanged(actor, nodeId),
    staleMs,
    log: log.child({ part: 'fleet' }),
  });
  const executables = agentExecutables(deps.agentDir);
  const spaces = createSpacesService({ store, clock });
  const agentUpdates = createAgentUpdates({ jobs, nodes, spaces, executables, store });
  const enrollment = createEnrollmentService({ store, sealer, clock });
  const hub = createLinkHub({
    sessions,
    presence,
    handlers: {
      welcome: async (id) => {
        const { config, uninitialised } = await hostConfig.welcome(id);
        return {
          config,
          online: async () => {
            await jobOps.nodeOnline(id, uninitialised);
            // Its facts just arrived (or changed): the rooms that take nodes by rule.
            await fleetLife
              .applyRules(id)
              .catch((err: unknown) => log.warn({ err, node_id: id }, 'room rules could not be applied'));
          },
        };
      },
      frame: (id, frame) => jobOps.agentFrame(id, frame),
    },
    clock,
    timers,
    log: log.child({ part: 'link' }),
    heartbeatIntervalMs: deps.heartbeatIntervalMs,
    missedHeartbeats: deps.missedHeartbeats,
    ...(clustered ? { peers: clustered.natsLink.peers } : {}),
  });
  clustered?.natsLink.serveHub(hub);

  return {
    store,
    cluster: clustered,
    auth,
    apiKeys,
    authStack,
    oidc,
    localLogin: deps.signIn?.localLogin ?? 'on',
    guard: createAuthGuard(auth, apiKeys, authStack.access),
    audit: createAuditService({ store }),
    streams: createEventStreams(),
    linkAuth: createLinkAuthService({
      nodes: store.repos.nodes,
      clock,
      challengeKey: sealer.subkeys('link-challenge'),
      signatures: deps.linkSignatures ?? true,
      // Replicas share answered challenges and used link passwords; one process keeps them in memory.
      ...(clustered
        ? { useOnce: (key: string, until: number) => store.repos.cluster.useOnce(key, until) }
        : {}),
    }),
    jobs,
    jobOps,
    repositoryOps: createRepositoryOperations({
      nodes,
      repositories,
      jobs,
      schedules,
      backups,
      hostConfig,
      link,
    }),
    agentUpdates,
    removeNode,
    fleetLife,
    announce: createAnnounceNode({ store, clock, bus, fleetLife }),
    bulk: createBulkNodes({
      addToRoom: async (actor, roomId, nodeId) => {
        await spaces.addNode(actor, roomId, nodeId);
        await planOps.membershipChanged(actor, nodeId);
      },
      removeNode: async (actor, nodeId) => void (await removeNode.removeNode(actor, nodeId)),
      updateAgent: (actor, nodeId, force) => agentUpdates.updateNode(actor, nodeId, force),
      runJob: (actor, nodeId, job) => jobOps.createJob(actor, nodeId, job.type, job.params),
      planRoom: async (planId) => {
        const plan = await store.repos.backupPlans.find(planId);
        if (!plan) throw new AppError('NOT_FOUND', `backup plan ${planId} does not exist`);
        return plan.room_id;
      },
    }),
    executables,
    hostConfig,
    backups,
    plans,
    planOps,
    claims: claimNode,
    enroll: enrollNode,
    schedules,
    nodes,
    nodeData: createNodeDataService({ nodes, link, store, clock }),
    presence,
    repositories,
    spaces,
    tokens: createTokensService({ store, sealer, clock }),
    enrollment,
    hub,
    sessions,
    link,
    bus,
    observability,
    alerting,
    registry: observability.registry,
    housekeeping: createHousekeeping({
      fleetLife,
      store,
      clock,
      auth,
      enrollment,
      retention: { ...DEFAULT_RETENTION, ...deps.retention },
      log,
    }),
  };
}
type Built = ReturnType<typeof buildServices>;

/**
 * What runs by itself: the hub's sweep, a write probe while storage fails, housekeeping (here, or on the replica
 * holding the cluster's periodic work) and, in a cluster, the replica's membership.
 */
function startBackground(deps: AppDeps, s: Built) {
  const { timers, database, log } = deps;
  const sweeper = timers.setInterval(() => s.hub.sweep(), SWEEP_INTERVAL_MS);
  // While writes fail, try one every few seconds, so recovery is noticed (and logged) without traffic.
  const storageProbe = timers.setInterval(() => {
    if (database.health.failing()) void database.probeWrite();
  }, 5000);
  let membership: Membership | null = null;
  let housekeepingTimer: unknown = null;
  const clustered = s.cluster;
  if (clustered) {
    const { cluster } = clustered;
    membership = createMembership({
      store: cluster.leases ? createStore(cluster.leases, deps.clock) : s.store,
      clock: deps.clock,
      timers,
      log: log.child({ part: 'cluster' }),
      bus: s.bus,
      replica: cluster.replica,
      leaseMs: cluster.leaseMs,
      links: () => s.hub.count(),
      onLeaseLost: () => s.hub.endAll('this server replica lost its place in the cluster; reconnect'),
      housekeeping: () => s.housekeeping.run(),
      replicaLost: (name) => s.alerting.sources.replicaLost(name),
    });
    // The cluster's wire is back after NATS was away: jobs asked for at other replicas meanwhile could not reach
    // the links held here, and start now.
    const wireBack = cluster.nc.status();
    void (async () => {
      for await (const st of wireBack)
        if (st.type === 'reconnect')
          await s.jobs
            .dispatchWaiting((id) => s.sessions.holds(id))
            .catch((err: unknown) => log.warn({ err }, 'could not start the jobs that waited for NATS'));
    })();
    const lead = membership;
    s.observability.gauge(
      'muster_cluster_leader',
      "1 while this replica runs the cluster's periodic work",
      () => (lead.isLeader() ? 1 : 0),
    );
  } else {
    void s.housekeeping.run();
    housekeepingTimer = timers.setInterval(() => void s.housekeeping.run(), 60 * 60 * 1000);
  }
  const m = membership;
  s.alerting.start(() => m?.isLeader() ?? true);
  // Backup plans' copies to their second repositories, on the replica running the periodic work.
  const copies = timers.setInterval(() => {
    if (m?.isLeader() ?? true)
      void s.planOps.fireCopies().catch((err: unknown) => log.warn({ err }, 'could not start backup copies'));
  }, 30_000);
  return {
    membership,
    stop() {
      s.alerting.stop();
      timers.clearInterval(copies);
      timers.clearInterval(sweeper);
      timers.clearInterval(storageProbe);
      timers.clearInterval(housekeepingTimer);
    },
  };
}

/** Plugins, request hooks and every route module, each given the services it calls. */
async function registerRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  s: Built & { membership: Membership | null },
) {
  const { guard } = s;
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
  const nc = deps.cluster?.nc ?? null;
  await app.register(
    systemRoutes({
      database: deps.database,
      registry: s.registry,
      caPem: deps.caPem,
      natsProblem: nc ? () => natsProblem(nc) : null,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  );
  const startedAt = deps.clock.now();
  await app.register(
    clusterRoutes({
      guard,
      replicas: () =>
        replicasView({
          membership: s.membership,
          self: deps.cluster?.replica.id ?? null,
          startedAt,
          now: deps.clock.now(),
          links: s.sessions.count(),
        }),
    }),
  );
  await app.register(openApiRoute);
  await app.register(
    authRoutes({
      auth: s.auth,
      apiKeys: s.apiKeys,
      guard,
      secureCookies,
      loginPerMinute: deps.rateLimits.login,
      oidc: s.oidc,
      publicUrl: deps.publicUrl,
    }),
  );
  await app.register(
    accessRoutes({
      stack: s.authStack,
      oidc: s.oidc,
      localLogin: s.localLogin,
      guard,
      secureCookies,
      publicUrl: deps.publicUrl,
      loginPerMinute: deps.rateLimits.login,
      sessionCookie: sessionCookieSetter(secureCookies),
    }),
  );
  await app.register(
    spacesRoutes({ spaces: s.spaces, tokens: s.tokens, plans: s.planOps, fleetLife: s.fleetLife, guard }),
  );
  await app.register(
    nodesRoutes({
      nodes: s.nodes,
      spaces: s.spaces,
      link: s.link,
      removeNode: s.removeNode,
      bulk: s.bulk,
      guard,
    }),
  );
  await app.register(nodeDataRoutes({ data: s.nodeData, spaces: s.spaces, guard }));
  await app.register(eventsRoutes({ bus: s.bus, guard, streams: s.streams }));
  await app.register(auditRoutes({ audit: s.audit, guard }));
  await app.register(alertsRoutes({ alerting: s.alerting, guard }));
  await app.register(
    installRoutes({ publicUrl: deps.publicUrl, caPin: deps.caPin, executables: s.executables }),
  );
  await app.register(
    jobsRoutes({
      jobs: s.jobs,
      jobOps: s.jobOps,
      agentUpdates: s.agentUpdates,
      nodes: s.nodes,
      guard,
      bus: s.bus,
      streams: s.streams,
    }),
  );
  await app.register(
    schedulesRoutes({
      schedules: s.schedules,
      hostConfig: s.hostConfig,
      jobOps: s.jobOps,
      nodes: s.nodes,
      guard,
    }),
  );
  await app.register(
    backupsRoutes({ repositoryOps: s.repositoryOps, backups: s.backups, nodes: s.nodes, guard }),
  );
  await app.register(backupPlansRoutes({ plans: s.plans, planOps: s.planOps, guard }));
  await app.register(
    enrollmentRoutes({
      enrollment: s.enrollment,
      enrollNode: s.enroll,
      spaces: s.spaces,
      guard,
      enrollPerMinute: deps.rateLimits.claim,
    }),
  );
  const log = deps.log;
  // One logger for every link of each kind: a child logger per link would cost each of them its own object.
  const linkLog = log.child({ part: 'link' });
  const aclkLog = log.child({ link: 'aclk' });
  await app.register(announceRoutes({ announce: s.announce, guard, perMinute: deps.rateLimits.claim }));
  await app.register(
    agentApiRoutes({
      claimNode: s.claims,
      removeNode: s.removeNode,
      linkAuth: s.linkAuth,
      acceptLink: (nodeId, socket, remoteAddr) =>
        attachJsonLink({ hub: s.hub, log: linkLog }, nodeId, socket, remoteAddr),
      acceptAclk: (socket, remoteAddr, authenticated) =>
        acceptAclkLink(socket, remoteAddr, authenticated, {
          linkAuth: s.linkAuth,
          hub: s.hub,
          nodes: s.nodes,
          presence: s.presence,
          timers: deps.timers,
          log: aclkLog,
          netdataAlerts: s.alerting.netdataAlerts,
        }),
      guard,
      publicUrl: deps.publicUrl,
      limits: deps.rateLimits,
    }),
  );
  await app.register(webRoutes({ guard, publicUrl: deps.publicUrl, caPin: deps.caPin, root: deps.webRoot }));
}
