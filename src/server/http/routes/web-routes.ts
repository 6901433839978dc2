import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { serverInfoView } from '../../../protocol/api/views.ts';
import { formatPin } from '../../../protocol/pin.ts';
import { VERSION } from '../../../version.ts';
import { sha256Hex } from '../../crypto.ts';
import { packagePath } from '../../paths.ts';
import type { AuthGuard } from '../auth-guard.ts';
import { routeOptions } from '../route-schema.ts';
import { baseUrlOf } from './agent-api-routes.ts';
import { renderInstallScript } from './install-routes.ts';

/** Where `npm run build` puts the web UI (Vite output). */
export const WEB_ROOT = packagePath('dist', 'web');

/** Paths that belong to the API and the agents, never to the web UI. */
const NOT_UI = /^\/(api|agent|install|assets|healthz|readyz|metrics|ca\.pem)(\/|$|\?)/;

/** Answers UI routes (e.g. /nodes/abc) with the page, for client-side routing; false for other paths. */
export function createWebPage(root = WEB_ROOT) {
  const built = () => existsSync(join(root, 'index.html'));
  return (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (req.method !== 'GET' || NOT_UI.test(req.url)) return false;
    if (!built()) {
      void reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built; run `npm run build` (npm start does it for you).\n');
      return true;
    }
    void reply
      .header('cache-control', 'no-cache')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      )
      .type('text/html; charset=utf-8')
      .send(readFileSync(join(root, 'index.html'), 'utf8'));
    return true;
  };
}

/** The web UI's static files and what the UI needs to know about this server to build connect commands. */
export function webRoutes(deps: {
  guard: AuthGuard;
  publicUrl: string | null;
  caPin: string | null;
  root?: string;
}): FastifyPluginAsyncZod {
  const root = deps.root ?? WEB_ROOT;
  const route = routeOptions(deps.guard);
  return async (app) => {
    const spec = route({
      access: 'viewer',
      summary: 'What the web UI needs to build connect commands',
      tags: ['onboarding'],
      schema: { response: { 200: serverInfoView } },
    });
    app.get('/api/server-info', spec, async (req) => {
      // Without a configured public URL, the address the browser used is the best guess for agents too.
      const url = baseUrlOf(req, deps.publicUrl);
      return {
        url,
        ca_pin: deps.caPin ? formatPin(deps.caPin) : null,
        version: VERSION,
        // The Windows command checks the script it downloads against this before running it.
        install_ps1_sha256: sha256Hex(renderInstallScript('ps1', url, deps.caPin)),
      };
    });
    if (existsSync(join(root, 'index.html')))
      await app.register(fastifyStatic, { root, wildcard: false, index: false, maxAge: '1h' });
  };
}
