import type { AuditEventView } from '../../protocol/api/views.ts';
import type { AuditFilter } from '../repos/audit-repo.ts';
import type { Store } from '../repos/store.ts';

export type { AuditFilter };

/** Reading the audit log. Records are written by each change, in its own transaction (see AuditRepo). */
export function createAuditService(deps: { store: Store }) {
  return {
    /** Newest first; page with `before` (the last id seen). */
    async list(f: AuditFilter): Promise<{ events: AuditEventView[]; next_before: number | null }> {
      const rows = await deps.store.repos.audit.list(f);
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
