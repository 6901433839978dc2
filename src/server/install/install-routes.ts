import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { parseOr400 } from '../http-validate.ts';

/** Where `npm run build` puts the agent bundle. */
export const AGENT_BUNDLE_PATH = resolve(import.meta.dirname, '../../../dist/muster-agent.mjs');

const binaryQuery = z.object({
  os: z.enum(['linux', 'windows', 'darwin']).default('linux'),
  arch: z.enum(['amd64', 'arm64', 'x64', 'aarch64']).default('amd64'),
});

/** Agent downloads. The agent is one JavaScript file for every OS and architecture (it needs Node.js 20+). */
export function installRoutes(deps: { bundlePath?: string } = {}) {
  const path = deps.bundlePath ?? AGENT_BUNDLE_PATH;
  let cached: { mtimeMs: number; body: Buffer; sha256: string } | null = null;

  function bundle() {
    if (!existsSync(path))
      throw new AppError('UNAVAILABLE', 'the agent bundle is not built on this server; run npm run build');
    const mtimeMs = statSync(path).mtimeMs;
    if (!cached || cached.mtimeMs !== mtimeMs) {
      const body = readFileSync(path);
      cached = { mtimeMs, body, sha256: createHash('sha256').update(body).digest('hex') };
    }
    return cached;
  }

  return async (app: FastifyInstance) => {
    const send = async (_req: unknown, reply: import('fastify').FastifyReply) => {
      const b = bundle();
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('content-disposition', 'attachment; filename="muster-agent.mjs"')
        .header('x-checksum-sha256', b.sha256)
        .send(b.body);
    };
    app.get('/agent/binary', async (req, reply) => {
      parseOr400(binaryQuery, req.query, 'query');
      return send(req, reply);
    });
    app.get('/agent/muster-agent.mjs', send);
    app.get('/agent/muster-agent.mjs.sha256', async () => `${bundle().sha256}  muster-agent.mjs\n`);
  };
}
