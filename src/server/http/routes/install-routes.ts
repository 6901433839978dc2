import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatPin } from '../../../protocol/pin.ts';
import { AppError } from '../../errors.ts';
import { packagePath } from '../../paths.ts';
import type { AgentExecutables } from '../../operations/agent-executables.ts';
import { baseUrlOf } from './agent-api-routes.ts';

/** Where `npm run build` puts the agent bundle (for hosts with their own Node.js). */
export const AGENT_BUNDLE_PATH = packagePath('dist', 'muster-agent.mjs');

/** Which executable: `uname -m` and Node.js names are accepted for the architecture. */
const platformQuery = z.object({
  os: z.string().max(20).default('linux'),
  arch: z.string().max(20).default('amd64'),
});

/** Whether an Accept-Encoding header takes zstd (listed, and not with q=0). */
export function acceptsZstd(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'zstd') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

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

/**
 * Agent downloads and install scripts: the self-contained executable per platform (`/agent/binary?os=&arch=`, with
 * its SHA-256 in X-Checksum-Sha256 and at `/agent/binary.sha256`), the JavaScript bundle for hosts with their own
 * Node.js, and SHA256SUMS of all of them.
 */
export function installRoutes(deps: {
  publicUrl: string | null;
  caPin: string | null;
  bundlePath?: string;
  executables: AgentExecutables;
}): FastifyPluginAsyncZod {
  const path = deps.bundlePath ?? AGENT_BUNDLE_PATH;
  const { executables } = deps;
  let cached: { mtimeMs: number; body: Buffer; sha256: string } | null = null;

  function bundle() {
    if (!existsSync(path))
      throw new AppError(
        'AGENT_BUNDLE_MISSING',
        'the agent bundle is not built on this server; run npm run build',
      );
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
    app.get('/agent/binary', { schema: { hide: true, querystring: platformQuery } }, async (req, reply) => {
      const exe = executables.find(req.query.os, req.query.arch);
      // The compressed file to a client that takes zstd (curl --compressed, the agent's own updates); the checksum
      // header is always that of the executable itself, which is what the client runs and checks.
      const sent = exe.zstd && acceptsZstd(req.headers['accept-encoding']) ? exe.zstd : exe;
      // Opened before any header goes out: a file the manifest lists but the disk lacks is a clear 503.
      const handle = await open(join(executables.dir, sent.file)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        throw new AppError(
          'AGENT_BUNDLE_MISSING',
          `the agent executable for ${exe.os}/${exe.arch} is listed but missing on the server; run npm run build there`,
        );
      });
      // The file's own size, and its content checked against the manifest's checksum (once per version of the file):
      // a file changed on disk since the build is refused rather than sent under the manifest's checksum.
      let size: number;
      try {
        size = await executables.verify(sent, handle);
      } catch (err) {
        await handle.close();
        throw err;
      }
      if (sent !== exe) reply.header('content-encoding', 'zstd');
      return (
        reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${exe.file}"`)
          .header('content-length', size)
          .header('vary', 'accept-encoding')
          .header('x-checksum-sha256', exe.sha256)
          // Never more than the length announced: a file rewritten while it is sent would otherwise run on into the
          // connection's next answer.
          .send(handle.createReadStream({ start: 0, end: size - 1 }))
      );
    });
    app.get('/agent/binary.sha256', { schema: { hide: true, querystring: platformQuery } }, async (req) => {
      const exe = executables.find(req.query.os, req.query.arch);
      return `${exe.sha256}  ${exe.file}\n`;
    });
    app.get('/agent/SHA256SUMS', file, async () => {
      const lines = (executables.manifest()?.files ?? []).map((f) => `${f.sha256}  ${f.file}\n`);
      return [...lines, `${bundle().sha256}  muster-agent.mjs\n`].join('');
    });
    app.get('/agent/muster-agent.mjs', file, async (_req, reply) => {
      const b = bundle();
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('content-disposition', 'attachment; filename="muster-agent.mjs"')
        .header('x-checksum-sha256', b.sha256)
        .send(b.body);
    });
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
