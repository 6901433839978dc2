import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service.ts';
import type { Clock } from '../clock.ts';
import type { FleetLife } from './fleet-life.ts';
import type { Store } from '../repos/store.ts';
import type { EnrollmentService } from '../tokens/enrollment-service.ts';

const DAY_MS = 24 * 3600 * 1000;

/** How long records of events are kept, in days. */
export interface Retention {
  /** Link sessions (one row per connect), counted from when they closed. */
  linkHistoryDays: number;
  /** Audit records. */
  auditDays: number;
  /** The events timeline, resolved alerts and notifications sent. */
  eventDays: number;
}

/**
 * Work that keeps the database the size of the fleet rather than of its history: expired web sessions, used and
 * expired enrollment tokens, and event records past their retention. Runs at start and every hour.
 */
export function createHousekeeping(deps: {
  /** Removes ephemeral nodes (and stale ones where a space asks for it). */
  fleetLife?: Pick<FleetLife, 'sweep'>;
  store: Store;
  clock: Clock;
  auth: AuthService;
  enrollment: EnrollmentService;
  retention: Retention;
  log: Logger;
}) {
  const { store, clock, retention, log } = deps;
  return {
    async run(): Promise<void> {
      const now = clock.now();
      try {
        await deps.auth.sweepSessions();
        await deps.fleetLife?.sweep();
        await store.repos.announcements.pruneExpired(now);
        const tokens = await deps.enrollment.sweep();
        const links = await store.repos.nodes.pruneLinkSessions(now - retention.linkHistoryDays * DAY_MS);
        const audit = await store.repos.audit.prune(now - retention.auditDays * DAY_MS);
        const eventsBefore = now - retention.eventDays * DAY_MS;
        const events =
          (await store.repos.nodeEvents.prune(eventsBefore)) +
          (await store.repos.alerts.prune(eventsBefore)) +
          (await store.repos.notifications.prune(eventsBefore));
        if (tokens + links + audit + events > 0)
          log.info(
            { enrollment_tokens: tokens, link_sessions: links, audit_events: audit, events },
            'housekeeping: removed records past their retention',
          );
      } catch (err) {
        log.warn({ err }, 'housekeeping failed; it runs again within the hour');
      }
    },
  };
}
