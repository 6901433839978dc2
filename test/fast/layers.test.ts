import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'src/server');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}
/** Every relative import and re-export of a file, type-only ones included, as absolute paths. */
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) =>
    resolve(dirname(file), m[1]!),
  );
const rel = (f: string) => relative(ROOT, f);

/** Everything the project runs: the server, the agent, the CLI, the protocol, the web UI and the benchmarks. */
const ALL = [
  ...sources(join(ROOT, 'src')),
  ...sources(join(ROOT, 'web/src')),
  ...sources(join(ROOT, 'bench')),
];
const GRAPH = new Map(ALL.map((f) => [f, importsOf(f)]));

/** Strongly connected groups of more than one node (Tarjan): every import cycle, whatever its length. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * The server's layers, highest first (docs/architecture.md). A module imports its own layer or lower ones; the
 * composition root (app.ts, main.ts, observability.ts) may import anything, and the shared leaves anyone.
 */
const LAYERS: Record<string, number> = {
  http: 4,
  operations: 3,
  // Domain services.
  alerts: 2,
  audit: 2,
  auth: 2,
  backups: 2,
  claiming: 2,
  cluster: 2,
  events: 2,
  jobs: 2,
  link: 2,
  nodes: 2,
  notifications: 2,
  schedules: 2,
  spaces: 2,
  tls: 2,
  tokens: 2,
  repos: 1,
  db: 0,
};
const ROOT_MODULES = new Set(['app.ts', 'main.ts', 'observability.ts']);
/**
 * Shared leaves any layer may use: who acts, time, errors, sealing, configuration, paths, limits, logging. They sit
 * with the database layer: they may use it (configuration knows database URLs), nothing above it.
 */
const LEAVES = new Set([
  'actor.ts',
  'clock.ts',
  'errors.ts',
  'crypto.ts',
  'config.ts',
  'paths.ts',
  'ownership.ts',
  'counting-gate.ts',
  'logging.ts',
  'manual-time.ts',
]);
const serverUnit = (f: string) => relative(SERVER, f).split('/')[0]!;

describe('the layout holds (docs/architecture.md)', () => {
  test('no import cycle of any length, anywhere: server, agent, CLI, protocol, web UI, benchmarks', () => {
    assert.deepEqual(
      cycles(GRAPH).map((c) => c.map(rel).join(' <-> ')),
      [],
    );
  });

  test('no cycle between server folders either (a folder is one unit of the design)', () => {
    const folders = new Map<string, string[]>();
    for (const [f, targets] of GRAPH) {
      if (!f.startsWith(SERVER)) continue;
      const from = serverUnit(f);
      const to = targets.filter((t) => t.startsWith(SERVER)).map(serverUnit);
      folders.set(from, [...(folders.get(from) ?? []), ...to.filter((t) => t !== from)]);
    }
    assert.deepEqual(cycles(folders), []);
  });

  test('server imports point down: http -> operations -> services -> repos -> db', () => {
    const upward: string[] = [];
    for (const [f, targets] of GRAPH) {
      if (!f.startsWith(SERVER)) continue;
      const from = serverUnit(f);
      if (ROOT_MODULES.has(from)) continue;
      for (const t of targets) {
        if (!t.startsWith(SERVER)) continue;
        const to = serverUnit(t);
        if (to === from || LEAVES.has(to)) continue;
        const [a, b] = [LEAVES.has(from) ? 0 : LAYERS[from], LAYERS[to]];
        if (ROOT_MODULES.has(to) || a === undefined || b === undefined || b > a)
          upward.push(`${rel(f)} -> ${rel(t)}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  test('every server folder has a layer (a new folder says where it sits)', () => {
    const units = new Set(sources(SERVER).map(serverUnit));
    const unplaced = [...units].filter((u) => !(u in LAYERS) && !ROOT_MODULES.has(u) && !LEAVES.has(u));
    assert.deepEqual(unplaced, []);
  });

  test('only the composition root imports the HTTP layer (not services, the CLI or the benchmarks)', () => {
    const outside = [...GRAPH]
      .filter(([f]) => !f.startsWith(join(SERVER, 'http')) && !f.endsWith('src/server/app.ts'))
      .flatMap(([f, targets]) =>
        targets.filter((t) => t.startsWith(join(SERVER, 'http'))).map((t) => `${rel(f)} -> ${rel(t)}`),
      );
    assert.deepEqual(outside, []);
    for (const f of sources(SERVER))
      if (f.endsWith('-routes.ts')) assert.match(relative(SERVER, f), /^http\/routes\//);
  });

  test('every query is in a repository file', () => {
    const outside = sources(SERVER)
      .filter((f) => !f.includes('/repos/') && !f.includes('/db/'))
      .filter((f) => /\.(selectFrom|insertInto|updateTable|deleteFrom)\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(outside.map(rel), []);
  });

  test('each side reaches the other only through src/protocol', () => {
    const wrong: string[] = [];
    const check = (dir: string, allowed: (t: string) => boolean) => {
      for (const [f, targets] of GRAPH)
        if (f.startsWith(join(ROOT, dir)))
          for (const t of targets) if (!allowed(t)) wrong.push(`${rel(f)} -> ${rel(t)}`);
    };
    const within =
      (...dirs: string[]) =>
      (t: string) =>
        dirs.some((d) => t.startsWith(join(ROOT, d)));
    check('src/protocol', within('src/protocol', 'src/version.ts'));
    check('web/src', within('web/src', 'src/protocol'));
    check('src/agent', within('src/agent', 'src/protocol', 'src/version.ts'));
    assert.deepEqual(wrong, []);
  });
});
