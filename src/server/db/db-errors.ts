/** True when a driver error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown };
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** SQLSTATEs and socket errors that mean the database went away (a restart, a dropped or refused connection). */
const UNREACHABLE_CODES = new Set([
  '57P01', // admin_shutdown: terminated by an administrator or a restart
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * Why the database cannot be reached, from a driver error (PostgreSQL restarted, the connection was dropped or
 * refused, connecting timed out); null for any other error, which is no outage (a bad query, a constraint).
 */
export function databaseUnreachable(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08')))
    return `${code}: ${text}`;
  if (UNREACHABLE_MESSAGES.test(text)) return text;
  const cause = (err as { cause?: unknown }).cause;
  return cause && cause !== err ? databaseUnreachable(cause) : null;
}

/** Waits between tries while the database is unreachable: the first, doubling up to the longest. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * Run `attempt`; while it fails because the database is unreachable, and `keepTrying` says so, wait (250 ms,
 * doubling, at most 5 s) and run it again. Any other failure, or one `keepTrying` gives up on, is thrown. Told of
 * each outage try with why and whether it is the first.
 */
export async function retryWhileUnreachable<T>(
  attempt: () => Promise<T>,
  opts: {
    sleep: (ms: number) => Promise<void>;
    keepTrying?: () => boolean;
    onRetry?: (why: string, first: boolean) => void;
  },
): Promise<T> {
  for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
    try {
      return await attempt();
    } catch (err) {
      const why = databaseUnreachable(err);
      if (!why || (opts.keepTrying && !opts.keepTrying())) throw err;
      opts.onRetry?.(why, wait === RETRY_FIRST_MS);
      await opts.sleep(wait);
    }
  }
}
