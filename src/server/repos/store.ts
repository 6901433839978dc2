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

/** How each repository is made over a database (or a transaction); only the audit one takes the clock and listener. */
const makers = {
  access: createAccessRepo,
  announcements: createAnnouncementsRepo,
  alerts: createAlertsRepo,
  apiKeys: createApiKeysRepo,
  audit: createAuditRepo,
  auth: createAuthRepo,
  backupPlans: createBackupPlansRepo,
  backups: createBackupsRepo,
  cluster: createClusterRepo,
  factors: createFactorsRepo,
  jobs: createJobsRepo,
  nodes: createNodesRepo,
  nodeEvents: createNodeEventsRepo,
  notifications: createNotificationsRepo,
  schedules: createSchedulesRepo,
  spaces: createSpacesRepo,
  tokens: createTokensRepo,
};
type RepoName = keyof typeof makers;

/**
 * Every repository over `db`, each made the first time it is used: a transaction (a link's presence, a claim)
 * touches two or three of them, and making all of them for each one was a measurable part of a link's cost.
 */
function reposOver(db: Db, clock: Clock, audited?: (entries: AuditEntry[]) => void) {
  const repos = {} as { [K in RepoName]: ReturnType<(typeof makers)[K]> };
  for (const name of Object.keys(makers) as RepoName[]) {
    let made: unknown;
    Object.defineProperty(repos, name, {
      enumerable: true,
      get: () => (made ??= makers[name](db, clock, audited)),
    });
  }
  return repos;
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
