import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth-types.ts';
import { isAgentApiPath } from './http-errors.ts';
import { AppError } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Machine endpoints: agents and scripts, never a browser session. */
const isMachinePath = (url: string) => isAgentApiPath(url) || url.startsWith('/api/agents/enroll');

/**
 * Refuse state-changing requests a foreign page could make with the user's cookie: any request announced as coming
 * from another site (Sec-Fetch-Site) or origin (Origin, another port included), and a cookie-authenticated POST that is
 * not JSON and has no X-Requested-With header (a cross-site form or no-cors fetch can send neither). Other methods
 * cannot be sent cross-origin without a CORS preflight, which this server never grants.
 */
export function refuseCrossSite(ownOrigins: (req: FastifyRequest) => string[]) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (SAFE_METHODS.has(req.method) || isMachinePath(req.url)) return;
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site')
      throw new AppError('CROSS_SITE', `requests from another site are refused (Sec-Fetch-Site: ${site})`);
    const origin = req.headers.origin;
    if (origin !== undefined && !ownOrigins(req).includes(origin))
      throw new AppError(
        'CROSS_SITE',
        `requests from origin ${origin.slice(0, 200)} are refused; use this server's own pages or an API key`,
      );
    const json = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    if (req.method === 'POST' && req.cookies[SESSION_COOKIE] && !json && !req.headers['x-requested-with'])
      throw new AppError(
        'CROSS_SITE',
        'a signed-in POST must send JSON (Content-Type: application/json) or an X-Requested-With header',
      );
  };
}

/** Headers on every answer: no framing, no content sniffing, HSTS when serving TLS, a closed CSP for non-pages. */
export function securityHeaders(tls: boolean) {
  return async (_req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy'))
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    if (tls) void reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  };
}
