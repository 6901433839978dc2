/** The two storage engines Muster runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** Whether a `--db` value names PostgreSQL (`postgres://` or `postgresql://`); anything else is a SQLite file. */
export const isPostgresUrl = (db: string | undefined): boolean => /^postgres(ql)?:\/\//.test(db ?? '');
