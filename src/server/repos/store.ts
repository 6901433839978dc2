import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { createAccessRepo } from './access-repo.ts';
import { createAlertsRepo } from './alerts-repo.ts';
import { createApiKeysRepo } from './api-keys-repo.ts';
import { createAuditRepo, type AuditEntry } from './audit-repo.ts';
import { createAuthRepo } from './auth-repo.ts';
import { createBackupPlansRepo } from './backup-plans-repo.ts';
import { createBackupsRepo } from './backups-repo.ts';
import { createClusterRepo } from './cluster-repo.ts';
import { createAnnouncementsRepo } from './announcements-repo.ts';
import { createFactorsRepo } from './factors-repo.ts';
import { createJobsRepo } from './jobs-repo.ts';
import { createNodeEventsRepo } from './node-events-repo.ts';
import { createNodesRepo } from './nodes-repo.ts';
import { createNotificationsRepo } from './notifications-repo.ts';
import { createSchedulesRepo } from './schedules-repo.ts';
import { createSpacesRepo } from './spaces-repo.ts';
import { createTokensRepo } from './tokens-repo.ts';

function reposOver(db: Db, clock: Clock, audited?: (entries: AuditEntry[]) => void) {
  return {
    access: createAccessRepo(db),
    announcements: createAnnouncementsRepo(db),
    alerts: createAlertsRepo(db),
    apiKeys: createApiKeysRepo(db),
    audit: createAuditRepo(db, clock, audited),
    auth: createAuthRepo(db),
    backupPlans: createBackupPlansRepo(db),
    backups: createBackupsRepo(db),
    cluster: createClusterRepo(db),
    factors: createFactorsRepo(db),
    jobs: createJobsRepo(db),
    nodes: createNodesRepo(db),
    nodeEvents: createNodeEventsRepo(db),
    notifications: createNotificationsRepo(db),
    schedules: createSchedulesRepo(db),
    spaces: createSpacesRepo(db),
    tokens: createTokensRepo(db),
  };
}
/** Every repository, over the database or over one transaction. */
export type Repos = ReturnType<typeof reposOver>;

/**
 * The one way services reach the database: `repos` for single statements, `transaction` for a change of
 * several writes (and its audit record) that commits whole or not at all.
 */
export function createStore(
  db: Db,
  clock: Clock,
  opts: {
    /** Told of audit records once they are committed (a transaction's, only if it commits). */
    onAudit?: (entries: AuditEntry[]) => void;
    /** The database's change mark (`OpenDatabase.changeMark`); without it nothing read is kept. */
    changeMark?: () => Promise<string | null>;
  } = {},
) {
  const { onAudit } = opts;
  return {
    repos: reposOver(db, clock, onAudit),
    /** A mark that differs after any committed write; null when reads cannot be kept. */
    changeMark: opts.changeMark ?? (() => Promise.resolve(null)),
    async transaction<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
      const pending: AuditEntry[] = [];
      const result = await db
        .transaction()
        .execute((trx) => fn(reposOver(trx, clock, (entries) => pending.push(...entries))));
      if (pending.length > 0) onAudit?.(pending);
      return result;
    },
  };
}
export type Store = ReturnType<typeof createStore>;
