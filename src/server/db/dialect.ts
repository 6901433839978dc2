/** The two storage engines Muster runs on. */
export type DialectName = 'sqlite' | 'postgres';
