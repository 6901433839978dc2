// Prints figures about the source tree: the longest functions, the largest files, type assertions outside
// tests and how many source files have a unit test beside them. Run: npx tsx scripts/code-figures.ts [dir]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..'));
const GENERATED = /(_pb\.ts|api-types\.ts)$/;

function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'web/src'))];
const code = files.filter((f) => !/\.test\.tsx?$/.test(f) && !GENERATED.test(f));
const functions: { name: string; lines: number }[] = [];
let casts = 0;
const castsByFile = new Map<string, number>();
for (const file of code) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const line = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const lines = line(node.end) - line(node.getStart(sf)) + 1;
      const named =
        node.name?.getText(sf) ??
        (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(sf) : '(anonymous)');
      functions.push({ name: `${relative(ROOT, file)}:${line(node.getStart(sf)) + 1} ${named}`, lines });
    }
    if (
      ts.isAsExpression(node) &&
      !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(sf) === 'const')
    ) {
      casts++;
      castsByFile.set(relative(ROOT, file), (castsByFile.get(relative(ROOT, file)) ?? 0) + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

const linesOf = (f: string) => readFileSync(f, 'utf8').split('\n').length;
const sized = code
  .map((f) => ({ file: relative(ROOT, f), lines: linesOf(f) }))
  .sort((a, b) => b.lines - a.lines);
functions.sort((a, b) => b.lines - a.lines);
const serverAndAgent = code.filter((f) => f.includes('/src/') && !f.includes('/web/'));
const tested = serverAndAgent.filter((f) => existsSync(f.replace(/\.tsx?$/, '.test.ts')));

console.log(
  `source files (src/ and web/src, tests and generated code aside): ${code.length}, ${sized.reduce((n, s) => n + s.lines, 0)} lines`,
);
console.log(`largest files:`);
for (const s of sized.slice(0, 8)) console.log(`  ${String(s.lines).padStart(5)}  ${s.file}`);
console.log(`longest functions:`);
for (const f of functions.slice(0, 8)) console.log(`  ${String(f.lines).padStart(5)}  ${f.name}`);
console.log(`functions over 200 lines: ${functions.filter((f) => f.lines > 200).length}`);
for (const f of functions.filter((f) => f.lines > 200).slice(8))
  console.log(`  ${String(f.lines).padStart(5)}  ${f.name}`);
console.log(`type assertions ("as T", "as const" aside) outside tests: ${casts}`);
for (const [file, n] of [...castsByFile].sort((a, b) => b[1] - a[1]).slice(0, 6))
  console.log(`  ${String(n).padStart(5)}  ${file}`);
console.log(`src/ files with a unit test beside them: ${tested.length} of ${serverAndAgent.length}`);
