import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './database.ts';

/** What stands for a value while a statement is compiled; never a value a caller could pass. */
const MARK = '\u0000muster-value:';

interface Template {
  compiled: CompiledQuery;
  /** Each bound parameter: the name of the value it takes, or a constant the statement itself holds. */
  params: ({ name: string } | { value: unknown })[];
}

/** Compile once: the statement built with a stand-in for each value, and where each value goes. */
function compile(db: Db, build: (db: Db, values: never) => Compilable<unknown>): Template {
  const used = new Set<string>();
  const standIns = new Proxy(
    {},
    {
      get(_, key) {
        if (typeof key !== 'string') return undefined;
        used.add(key);
        return MARK + key;
      },
      ownKeys() {
        throw new Error('a prepared statement names each value it takes: spreading its values cannot');
      },
    },
  ) as never;
  const compiled = build(db, standIns).compile();
  const found = new Set<string>();
  const params = compiled.parameters.map((p) => {
    const name = typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : null;
    if (name !== null && used.has(name)) {
      found.add(name);
      return { name };
    }
    if (typeof p === 'string' && p.includes(MARK))
      throw new Error(`a prepared statement changes a value before binding it: ${compiled.sql}`);
    return { value: p };
  });
  const inlined = [...used].filter((name) => !found.has(name));
  if (inlined.length > 0 || compiled.sql.includes(MARK))
    throw new Error(`a prepared statement does not bind ${inlined.join(', ') || 'a value'}: ${compiled.sql}`);
  return { compiled, params };
}

/**
 * A statement of a hot path (every link, every claim) built and compiled once per dialect, then run with new
 * values: building and compiling a statement with Kysely costs more CPU than running one of these small statements.
 * `build` makes the statement from stand-ins for the values (`p.id`, …), each of which must be bound as a whole
 * (compared, set, inserted); one that the statement changes or writes into its text is refused at the first run.
 * A value that may be null goes where `= null` means what is meant (a column set, a row inserted), never in a
 * `where`, since the statement was compiled with `=` and not `is`.
 */
export function prepared<P extends object, R>(build: (db: Db, p: P) => Compilable<R>) {
  /** By dialect adapter: a statement compiles to different SQL on SQLite and on PostgreSQL. */
  const templates = new WeakMap<object, Template>();
  /** Run it with these values; Kysely's own result (rows, rows affected). */
  async function run(db: Db, values: P): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let t = templates.get(adapter);
    if (!t) templates.set(adapter, (t = compile(db, build)));
    const given = values as Record<string, unknown>;
    const parameters = t.params.map((p) => ('name' in p ? given[p.name] : p.value));
    return db.executeQuery({ ...(t.compiled as CompiledQuery<R>), parameters });
  }
  return {
    run,
    /** Its rows. */
    rows: async (db: Db, values: P): Promise<R[]> => (await run(db, values)).rows,
    /** Its first row, if any. */
    first: async (db: Db, values: P): Promise<R | undefined> => (await run(db, values)).rows[0],
  };
}
export type Prepared<P extends object, R> = ReturnType<typeof prepared<P, R>>;
