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
    list: (limit: number) =>
      deps.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
