import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { claimRequest, passwordRequest } from '../../protocol/claim-api.ts';
import { CLAIM_ERRORS, claimErrorJson } from '../../protocol/errors.ts';
import { ClaimError } from '../errors.ts';
import { perMinute, type RateLimits } from '../rate-limits.ts';
import type { ClaimService } from './claim-service.ts';
import { type LinkAuthService } from './link-auth-service.ts';
import { canonicalId } from '../../protocol/ids.ts';

const MAX_CLAIM_BODY = 64 * 1024;

/** Paths of the agent-facing API, whose every error is a claim error body (DESIGN sections 5-6). */
export const isAgentApiPath = (url: string) => url.startsWith('/api/v1/');

/** Any failure on an agent-facing path as a claim error body; server-side ones are logged with their cause. */
export function sendAgentApiError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ClaimError) return sendClaimError(reply, err);
  const status = (err as { statusCode?: number }).statusCode;
  const message = err instanceof Error ? err.message : 'bad request';
  if (status === 413)
    return sendClaimError(reply, new ClaimError('ErrBadRequest', 'the request body is too large'));
  if (status && status < 500) return sendClaimError(reply, new ClaimError('ErrBadRequest', message));
  req.log.error({ err }, 'agent endpoint failed');
  return sendClaimError(
    reply,
    new ClaimError('ErrInternalServerError', `internal error (request ${req.id}); try again`),
  );
}

/** Send a claim-style error: compact JSON, the key's status, Retry-After when we know it. */
export function sendClaimError(reply: FastifyReply, err: ClaimError): FastifyReply {
  if (err.retryDelaySeconds !== undefined) void reply.header('retry-after', String(err.retryDelaySeconds));
  return reply
    .code(CLAIM_ERRORS[err.key].status)
    .type('application/json')
    .send(claimErrorJson(err.key, err.message, err.retryDelaySeconds));
}

/** The server's own base URL: the configured public URL, or what the client used to reach us. */
export function baseUrlOf(req: FastifyRequest, publicUrl: string | null): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

/**
 * The claim endpoint and link authentication (DESIGN sections 5-6). Bodies are JSON whatever the Content-Type says,
 * because stock claim scripts post with `curl -d @file` (form-encoded).
 */
export function claimRoutes(deps: {
  claims: ClaimService;
  linkAuth: LinkAuthService;
  publicUrl: string | null;
  limits: RateLimits;
  /** The agent asked to leave: remove the node and end its link. */
  unclaim: (nodeId: string, sourceIp: string) => Promise<void>;
}) {
  const { claims, linkAuth } = deps;
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_CLAIM_BODY }, (_req, body, done) =>
      done(null, body),
    );

    function jsonBody(raw: unknown): unknown {
      if (typeof raw !== 'string' || raw.trim() === '') return {};
      try {
        return JSON.parse(raw);
      } catch {
        throw new ClaimError('ErrBadRequest', 'the request body is not valid JSON');
      }
    }

    app.put(
      '/api/v1/spaces/nodes/:claimedId',
      { config: perMinute(deps.limits.claim) },
      async (req, reply) => {
        const { claimedId } = req.params as { claimedId: string };
        const parsed = claimRequest.safeParse(jsonBody(req.body));
        if (!parsed.success)
          throw new ClaimError(
            'ErrBadRequest',
            'the body must be a JSON object with node, token, rooms and publicKey',
          );
        const outcome = await claims.claimNode(claimedId, parsed.data, req.ip);
        req.log.info({ node_id: outcome.nodeId, outcome: outcome.kind }, 'node claim');
        return reply.code(204).send();
      },
    );

    app.delete(
      '/api/v1/spaces/nodes/:claimedId',
      { config: perMinute(deps.limits.linkAuth) },
      async (req, reply) => {
        const { claimedId } = req.params as { claimedId: string };
        const nodeId = await linkAuth.nodeOfRequest(req);
        if (!nodeId || nodeId !== canonicalId(claimedId))
          throw new ClaimError('ErrForbidden', 'unclaiming needs fresh link credentials of this node');
        await deps.unclaim(nodeId, req.ip);
        return reply.code(204).send();
      },
    );

    // Netdata-style clients add v= and cap=; only claim_id is ours, once, as an id.
    const envQuery = z.looseObject({ claim_id: z.string().max(100).optional() });
    app.get('/api/v1/env', async (req) => {
      if (!envQuery.safeParse(req.query).success)
        throw new ClaimError('ErrBadRequest', 'claim_id must be given at most once, as a node id');
      return linkAuth.env(baseUrlOf(req, deps.publicUrl));
    });

    app.get('/api/v1/auth/node/:id/challenge', { config: perMinute(deps.limits.linkAuth) }, async (req) => {
      const { id } = req.params as { id: string };
      return linkAuth.challenge(id);
    });

    app.post(
      '/api/v1/auth/node/:id/password',
      { config: perMinute(deps.limits.linkAuth) },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const body = passwordRequest.safeParse(jsonBody(req.body));
        if (!body.success) throw new ClaimError('ErrBadRequest', 'body must be {"agent_version","response"}');
        const creds = await linkAuth.password(id, body.data.response);
        return reply.code(201).send(creds);
      },
    );
  };
}
