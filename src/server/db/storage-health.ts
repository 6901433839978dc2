import type { LogEvent } from 'kysely';

/** Driver error codes that mean the storage itself cannot take writes (not a bad query). */
const STORAGE_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'ENOSPC',
  'EDQUOT',
  '53100', // PostgreSQL disk_full
  '53200', // out_of_memory
  '58030', // io_error
]);

/** The storage failure in `err`, as `CODE: message`, or null when it is some other error. */
export function storageFailure(err: unknown): string | null {
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  const base = code.startsWith('SQLITE_IOERR') ? 'SQLITE_IOERR' : code;
  if (!STORAGE_CODES.has(base)) return null;
  return `${code}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Whether the storage takes writes. Every failed query is looked at (through Kysely's log hook); a storage failure
 * marks the storage failing until a write probe goes through again.
 */
export function createStorageHealth(opts: { onChange?: (failing: string | null) => void } = {}) {
  let failing: string | null = null;
  const set = (v: string | null) => {
    if (v === failing) return;
    const was = failing;
    failing = v;
    if (v !== null || was !== null) opts.onChange?.(v);
  };
  return {
    /** The failure writes hit last, or null while they succeed. */
    failing: () => failing,
    /** Kysely `log` option: called for every query; only failures are looked at. */
    observe(event: LogEvent): void {
      if (event.level !== 'error') return;
      const f = storageFailure(event.error);
      if (f) set(f);
    },
    recovered: () => set(null),
  };
}
export type StorageHealth = ReturnType<typeof createStorageHealth>;
