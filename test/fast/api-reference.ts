/** The management API reference (docs/api.md), written from the OpenAPI document the server builds. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fastApp } from './fast-app.ts';

interface Operation {
  summary?: string;
  tags?: string[];
  'x-access'?: string;
  responses?: Record<string, unknown>;
}

/** Markdown: one table per tag, a row per route with its access, success and error answers. */
export async function apiReference(): Promise<string> {
  const f = await fastApp();
  try {
    const doc = (await f.inject('GET', '/api/openapi.json')).json<{
      info: { 'x-error-codes': Record<string, { status: number; means: string }> };
      paths: Record<string, Record<string, Operation>>;
    }>();
    const byTag = new Map<string, string[]>();
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses ?? {});
        const ok = codes.filter((c) => c < '400').join(', ');
        const errors = codes.filter((c) => c >= '400').join(', ');
        const row = `| \`${method.toUpperCase()} ${path}\` | ${op['x-access'] ?? 'public'} | ${op.summary ?? ''} | ${ok} | ${errors} |`;
        const tag = op.tags?.[0] ?? 'other';
        byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
      }
    const sections = [...byTag].map(
      ([tag, rows]) =>
        `## ${tag}\n\n| Route | Access | What it does | Answers | Errors |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`,
    );
    const codes = Object.entries(doc.info['x-error-codes'])
      .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
      .map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.means} |`);
    sections.push(
      `## Error codes\n\nEvery \`code\` a failure may carry (\`src/protocol/api/errors.ts\`); scripts branch on these, the message is for people.\n\n| Code | Status | Means |\n| --- | --- | --- |\n${codes.join('\n')}\n`,
    );
    return `# Management API reference\n\nGenerated from the routes' own schemas (\`npm run docs:api\`); the full document, with every\nparameter, body and answer, is served at \`/api/openapi.json\`. Access is the role a route needs (session cookie or\nAPI key), \`public\`, or \`agent\` (a node's own credentials). Errors are \`{"code","message"}\`, except under\n\`/api/v1\`, which answers the claim error body (docs/protocol.md).\n\n${sections.join('\n')}`;
  } finally {
    await f.close();
  }
}

if (process.argv[1]?.endsWith('api-reference.ts')) {
  writeFileSync(resolve(import.meta.dirname, '../../docs/api.md'), await apiReference());
}
