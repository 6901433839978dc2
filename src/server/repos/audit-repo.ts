import type { AuditAction } from '../../protocol/api/audit.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { actorColumns, type Actor } from '../actor.ts';

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

/** What an audit record is about. */
export interface AuditTarget {
  type: string;
  id: string;
}

/** One audit record as written, for those told of it (the server's event log). */
export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  target: AuditTarget | null;
  detail: Record<string, unknown>;
}

/** Audit records: written in the transaction of the change they describe; never secrets (ids, not values). */
export function createAuditRepo(db: Db, clock: Clock, written?: (entries: AuditEntry[]) => void) {
  /** Several records of one actor's change, in one statement. */
  async function recordAll(
    actor: Actor,
    entries: { action: AuditAction; target: AuditTarget | null; detail?: Record<string, unknown> }[],
  ): Promise<void> {
    const at = clock.now();
    const who = actorColumns(actor);
    await db
      .insertInto('audit_events')
      .values(
        entries.map((e) => ({
          at,
          ...who,
          action: e.action,
          target_type: e.target?.type ?? null,
          target_id: e.target?.id ?? null,
          detail: JSON.stringify(e.detail ?? {}),
        })),
      )
      .execute();
    written?.(entries.map((e) => ({ actor, action: e.action, target: e.target, detail: e.detail ?? {} })));
  }

  return {
    recordAll,
    /** Record that `actor` did `action` (to `target`), with details a reader needs. */
    async record(
      actor: Actor,
      action: AuditAction,
      target: AuditTarget | null = null,
      detail: Record<string, unknown> = {},
    ): Promise<void> {
      await recordAll(actor, [{ action, target, detail }]);
    },
    /** Whether any record of `action` is kept (e.g. whether anyone has signed in yet). */
    async any(action: AuditAction): Promise<boolean> {
      return !!(await db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', action)
        .limit(1)
        .executeTakeFirst());
    },
    /** Forget records older than `before`; the number deleted. */
    async prune(before: number): Promise<number> {
      const r = await db.deleteFrom('audit_events').where('at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Newest first; page with `before` (the last id seen). */
    async list(f: AuditFilter) {
      let q = db
        .selectFrom('audit_events')
        .leftJoin('users', 'users.id', 'audit_events.actor_id')
        // Targets by the name people know them by: a user's name, a node's host name.
        .leftJoin('users as target_user', (j) =>
          j
            .onRef('target_user.id', '=', 'audit_events.target_id')
            .on('audit_events.target_type', '=', 'user'),
        )
        .leftJoin('nodes as target_node', (j) =>
          j
            .onRef('target_node.id', '=', 'audit_events.target_id')
            .on('audit_events.target_type', '=', 'node'),
        )
        .selectAll('audit_events')
        .select('users.username as actor_name')
        .select((eb) => eb.fn.coalesce('target_user.username', 'target_node.hostname').as('target_name'))
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
      return q.execute();
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
