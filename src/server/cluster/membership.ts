import type { Logger } from 'pino';
import pg from 'pg';
import type { Clock } from '../clock.ts';
import type { ReplicasTable } from '../db/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Timers } from '../clock.ts';
import type { Store } from '../repos/store.ts';

/** Advisory lock key (per database) replicas take turns at for start-up set-up. */
const STARTUP_LOCK = 0x6d75737401;
/** The lease on the cluster's periodic work. */
const WORK_LEASE = 'periodic-work';
/** What a node whose replica was lost shows until its agent reconnects to another. */
export const REPLICA_LOST_REASON = 'server replica lost; waiting for the agent to reconnect to another';
/** How often the leader forgets expired single-use values. */
const NONCE_PRUNE_MS = 60_000;
/** How often the leader runs housekeeping (at once when it becomes leader). */
const HOUSEKEEPING_MS = 60 * 60_000;

/** Run `fn` while holding the cluster's start-up lock: replicas starting together migrate and set up one by one. */
export async function withStartupLock<T>(pgUrl: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    return await fn();
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A replica as listed: its row, with whether it runs the periodic work as a boolean. */
export type ReplicaView = Omit<ReplicasTable, 'leader'> & { leader: boolean };

/**
 * This replica's place in the cluster. It holds a lease in PostgreSQL (its `replicas` row), renewed every fifth of
 * the lease with its link count: one statement renews the presence of every node whose link it holds. One replica
 * at a time holds the lease on the periodic work and runs it: declaring replicas whose lease ran out lost (their
 * nodes go offline), pruning single-use values, and the hourly housekeeping. A replica that dies or stalls stops
 * renewing, and another takes the work over once the lease runs out. The work is safe to repeat, so a stalled
 * replica that wakes up and runs it once more before noticing does no harm.
 */
export function createMembership(deps: {
  store: Store;
  clock: Clock;
  timers: Timers;
  log: Logger;
  bus: EventBus;
  replica: { id: string; name: string };
  leaseMs: number;
  /** Links held here now. */
  links: () => number;
  /** The lease ran out while this replica still ran (it stalled): its nodes were declared offline. */
  onLeaseLost: () => void;
  /** The hourly housekeeping. */
  housekeeping: () => Promise<void>;
  /** A replica's lease ran out and it was declared lost (told on the replica running the periodic work). */
  replicaLost?: (name: string) => Promise<void>;
}) {
  const { store, clock, timers, log, replica, leaseMs } = deps;
  const repo = store.repos.cluster;
  const tickMs = Math.max(200, Math.floor(leaseMs / 5));
  let leader = false;
  let timer: unknown = null;
  let running = false;
  let stopped = false;
  let noncesPrunedAt = 0;
  let housekeptAt = 0;
  /** When this replica last ran the periodic work (reported with its lease). */
  let workAt: number | null = null;
  /** A new leader first looks for nodes and sessions no live replica answers for, whatever the reason. */
  let sweepEverything = true;
  /**
   * When a tick last failed (the database unreachable, say). Within a lease of that, no replica is declared lost:
   * the others could not renew either, and each gets one whole lease to do so once the database is back.
   */
  let failedAt = -Infinity;

  const row = (now: number) => ({
    id: replica.id,
    name: replica.name,
    started_at: now,
    renewed_at: now,
    lease_until: now + leaseMs,
    links: deps.links(),
    leader: leader ? 1 : 0,
    work_at: null,
  });

  /** Take or keep the periodic work; says so when that changes. */
  async function lead(now: number) {
    const was = leader;
    leader = await repo.holdLease(WORK_LEASE, replica.id, now, now + leaseMs);
    if (leader && !was) {
      housekeptAt = 0;
      sweepEverything = true;
      log.info(`replica ${replica.name} now runs the cluster's periodic work`);
    } else if (was && !leader) log.warn(`replica ${replica.name} no longer runs the cluster's periodic work`);
  }

  async function periodicWork(now: number) {
    const settled = now - failedAt > leaseMs + tickMs;
    const released = settled
      ? await repo.releaseLostLinks(now, REPLICA_LOST_REASON, sweepEverything)
      : { nodes: [], replicas: [] };
    const lost = released.nodes;
    if (settled) sweepEverything = false;
    for (const name of released.replicas) await deps.replicaLost?.(name);
    for (const id of lost)
      deps.bus.publish({
        type: 'node.presence',
        node_id: id,
        status: 'offline',
        since: now,
        reason: REPLICA_LOST_REASON,
      });
    // Their alerts are raised by the periodic check once they stayed offline their rule's `for` (alert sources).
    if (lost.length > 0) log.warn({ nodes: lost.length }, 'nodes of a lost server replica went offline');
    if (now - noncesPrunedAt >= NONCE_PRUNE_MS) {
      noncesPrunedAt = now;
      await repo.pruneNonces(now);
    }
    if (now - housekeptAt >= HOUSEKEEPING_MS) {
      housekeptAt = now;
      await deps.housekeeping();
    }
    workAt = now;
  }

  async function tick() {
    if (running || stopped) return;
    running = true;
    try {
      const now = clock.now();
      const renewed = await repo.renewLease(replica.id, {
        renewed_at: now,
        lease_until: now + leaseMs,
        links: deps.links(),
        leader: leader ? 1 : 0,
        work_at: workAt,
      });
      if (!renewed) {
        log.error(
          `replica ${replica.name} lost its lease (it stalled for longer than ${leaseMs / 1000} s) and its nodes were declared offline; closing its links so that agents reconnect`,
        );
        deps.onLeaseLost();
        await repo.registerReplica(row(now));
      }
      await lead(now);
      if (leader) await periodicWork(now);
    } catch (err) {
      failedAt = clock.now();
      log.warn({ err }, 'cluster lease or periodic work failed; trying again');
    } finally {
      running = false;
    }
  }

  return {
    async start() {
      await repo.registerReplica(row(clock.now()));
      timer = timers.setInterval(() => void tick(), tickMs);
      await tick();
    },
    /** Leave the cluster: stop renewing, give up the periodic work and the replica row. */
    async stop() {
      stopped = true;
      timers.clearInterval(timer);
      leader = false;
      await repo.releaseLease(WORK_LEASE, replica.id).catch(() => undefined);
      await repo.removeReplica(replica.id).catch(() => undefined);
    },
    isLeader: () => leader,
    /** Every replica with a row, live or not yet declared lost. */
    async replicas(): Promise<ReplicaView[]> {
      return (await repo.listReplicas()).map((r) => ({ ...r, leader: r.leader === 1 }));
    },
  };
}
export type Membership = ReturnType<typeof createMembership>;

/**
 * The replicas `/api/cluster` shows: the cluster's, or this one process as the only replica (always the leader,
 * holding every link).
 */
export async function replicasView(o: {
  membership: Membership | null;
  self: string | null;
  startedAt: number;
  now: number;
  links: number;
}) {
  if (o.membership && o.self)
    return { mode: 'cluster' as const, self: o.self, replicas: await o.membership.replicas() };
  return {
    mode: 'single' as const,
    self: 'local',
    replicas: [
      {
        id: 'local',
        name: 'this server',
        started_at: o.startedAt,
        renewed_at: o.now,
        lease_until: null,
        links: o.links,
        leader: true,
        work_at: null,
      },
    ],
  };
}
