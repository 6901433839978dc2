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
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!));

describe('the layout holds (docs/architecture.md)', () => {
  test('no two server folders import each other (the dependency direction has no cycles)', () => {
    const folder = (p: string) => relative(SERVER, dirname(p)).split('/')[0] || '.';
    const edges = new Map<string, string[]>();
    for (const f of sources(SERVER))
      for (const target of importsOf(f)) {
        if (!target.startsWith(SERVER)) continue;
        const [a, b] = [folder(f), folder(target)];
        if (a === b || a === '.' || b === '.') continue;
        edges.set(`${a} -> ${b}`, [...(edges.get(`${a} -> ${b}`) ?? []), relative(SERVER, f)]);
      }
    const cycles = [...edges.keys()].filter((k) => edges.has(k.split(' -> ').reverse().join(' -> ')));
    assert.deepEqual(
      cycles.map((k) => `${k} (${edges.get(k)!.join(', ')})`),
      [],
    );
  });

  test('every query is in a repository file', () => {
    const outside = sources(SERVER)
      .filter((f) => !f.includes('/repos/') && !f.includes('/db/'))
      .filter((f) => /\.(selectFrom|insertInto|updateTable|deleteFrom)\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(
      outside.map((f) => relative(ROOT, f)),
      [],
    );
  });

  test('routes live in the HTTP layer and nothing below it imports it', () => {
    const below = sources(SERVER).filter((f) => !f.includes('/http/') && !f.endsWith('/app.ts'));
    for (const f of below)
      for (const target of importsOf(f))
        assert.ok(!target.includes('/server/http/'), `${relative(ROOT, f)} imports the HTTP layer`);
    for (const f of sources(SERVER))
      if (f.endsWith('-routes.ts')) assert.match(relative(SERVER, f), /^http\/routes\//);
  });

  test('the web UI imports from the server only through src/protocol', () => {
    for (const f of sources(join(ROOT, 'web/src')))
      for (const target of importsOf(f))
        if (target.startsWith(join(ROOT, 'src')))
          assert.ok(target.startsWith(join(ROOT, 'src/protocol')), `${relative(ROOT, f)} imports ${target}`);
  });
});
