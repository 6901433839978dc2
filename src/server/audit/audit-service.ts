import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';

/** One thing that happened, by whom, from where. */
export interface AuditEntry {
  actorType: 'user' | 'node' | 'system' | 'anonymous';
  actorId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  sourceIp?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditFilter {
  limit: number;
  before?: number;
  /** Exact action, or a prefix ending in "." (e.g. "token."). */
  action?: string;
  /** Actor id or user name. */
  actor?: string;
  target?: string;
  since?: number;
  until?: number;
}

/** Writes audit events; never stores secrets (callers pass ids, not token values). */
export function createAuditService(deps: { db: Db; clock: Clock }) {
  return {
    async record(e: AuditEntry): Promise<void> {
      await deps.db
        .insertInto('audit_events')
        .values({
          at: deps.clock.now(),
          actor_type: e.actorType,
          actor_id: e.actorId ?? null,
          action: e.action,
          target_type: e.targetType ?? null,
          target_id: e.targetId ?? null,
          source_ip: e.sourceIp ?? null,
          detail: JSON.stringify(e.detail ?? {}),
        })
        .execute();
    },
    /** Newest first; page with `before` (the last id seen). */
    async list(f: AuditFilter) {
      let q = deps.db
        .selectFrom('audit_events')
        .leftJoin('users', 'users.id', 'audit_events.actor_id')
        .selectAll('audit_events')
        .select('users.username as actor_name')
        .orderBy('audit_events.id', 'desc')
        .limit(f.limit);
      if (f.before !== undefined) q = q.where('audit_events.id', '<', f.before);
      if (f.action)
        q = q.where(
          'audit_events.action',
          f.action.endsWith('.') ? 'like' : '=',
          f.action.endsWith('.') ? `${f.action}%` : f.action,
        );
      if (f.actor)
        q = q.where((eb) =>
          eb.or([eb('audit_events.actor_id', '=', f.actor!), eb('users.username', '=', f.actor!)]),
        );
      if (f.target) q = q.where('audit_events.target_id', '=', f.target);
      if (f.since !== undefined) q = q.where('audit_events.at', '>=', f.since);
      if (f.until !== undefined) q = q.where('audit_events.at', '<', f.until);
      const rows = await q.execute();
      return {
        events: rows.map((r) => ({
          ...r,
          id: Number(r.id),
          detail: JSON.parse(r.detail) as Record<string, unknown>,
        })),
        next_before: rows.length === f.limit ? Number(rows[rows.length - 1]!.id) : null,
      };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
