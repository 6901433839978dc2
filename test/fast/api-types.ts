/**
 * The web client's types (web/src/api-types.ts), generated from the OpenAPI document the server builds: every path,
 * its parameters, body and answers, so that the UI cannot ask for a route or read a field the server does not have.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { fastApp } from './fast-app.ts';

export const API_TYPES_FILE = resolve(import.meta.dirname, '../../web/src/api-types.ts');

/** The OpenAPI document of a server built in this process. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const f = await fastApp();
  try {
    return (await f.inject('GET', '/api/openapi.json')).json();
  } finally {
    await f.close();
  }
}

/** The generated module, formatted as the repository formats it. */
export async function apiTypes(): Promise<string> {
  const ast = await openapiTS(JSON.stringify(await openApiDocument()));
  const text = `// Generated from the server's OpenAPI document by npm run docs:api; do not edit.\n${astToString(ast)}`;
  return format(text, { ...(await resolveConfig(API_TYPES_FILE)), filepath: API_TYPES_FILE });
}

if (process.argv[1]?.endsWith('api-types.ts')) writeFileSync(API_TYPES_FILE, await apiTypes());
