import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatPin } from '../../../protocol/pin.ts';
import { AppError } from '../../errors.ts';
import { packagePath } from '../../paths.ts';
import { baseUrlOf } from './agent-api-routes.ts';

/** Where `npm run build` puts the agent bundle. */
export const AGENT_BUNDLE_PATH = packagePath('dist', 'muster-agent.mjs');

const binaryQuery = z.object({
  os: z.enum(['linux', 'windows', 'darwin']).default('linux'),
  arch: z.enum(['amd64', 'arm64', 'x64', 'aarch64']).default('amd64'),
});

/** The install script template; the server fills in its URL and CA pin. */
export const INSTALL_SH_PATH = packagePath('deploy', 'install', 'install.sh');

const INSTALL_TEMPLATES = {
  sh: readFileSync(INSTALL_SH_PATH, 'utf8'),
  ps1: readFileSync(INSTALL_SH_PATH.replace(/\.sh$/, '.ps1'), 'utf8'),
};

/**
 * An install script as served to a client that reached us at `server`. Only values we produce go in: the URL
 * (stripped to URL characters) and the pin in hex. The connect dialog quotes the SHA-256 of exactly this text.
 */
export function renderInstallScript(kind: 'sh' | 'ps1', server: string, caPin: string | null): string {
  return INSTALL_TEMPLATES[kind]
    .replaceAll('@@SERVER@@', server.replace(/[^A-Za-z0-9:/._\-[\]]/g, ''))
    .replaceAll('@@CA_PIN@@', caPin ? formatPin(caPin) : '');
}

/** Agent downloads and install scripts. The agent is one JavaScript file for every OS and architecture (Node.js 20+). */
export function installRoutes(deps: {
  publicUrl: string | null;
  caPin: string | null;
  bundlePath?: string;
}): FastifyPluginAsyncZod {
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

  // Files, not API: left out of the API reference.
  const file = { schema: { hide: true } };
  return async (app) => {
    const send = async (_req: unknown, reply: FastifyReply) => {
      const b = bundle();
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('content-disposition', 'attachment; filename="muster-agent.mjs"')
        .header('x-checksum-sha256', b.sha256)
        .send(b.body);
    };
    app.get('/agent/binary', { schema: { hide: true, querystring: binaryQuery } }, send);
    app.get('/agent/muster-agent.mjs', file, send);
    app.get('/install/install.sh', file, async (req, reply) =>
      reply
        .header('content-type', 'text/x-shellscript; charset=utf-8')
        .send(renderInstallScript('sh', baseUrlOf(req, deps.publicUrl), deps.caPin)),
    );
    app.get('/install/install.ps1', file, async (req, reply) =>
      reply
        .header('content-type', 'text/plain; charset=utf-8')
        .send(renderInstallScript('ps1', baseUrlOf(req, deps.publicUrl), deps.caPin)),
    );
    app.get('/agent/muster-agent.mjs.sha256', file, async () => `${bundle().sha256}  muster-agent.mjs\n`);
  };
}
