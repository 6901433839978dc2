import type { FastifyInstance } from 'fastify';
import { claimErrorJson } from '../../protocol/errors.ts';
import type { LinkAuthService } from '../claiming/link-auth-service.ts';
import type { LinkHub } from './link-hub.ts';
import { perMinute } from '../rate-limits.ts';

declare module 'fastify' {
  interface FastifyRequest {
    linkNodeId?: string;
  }
}

/** The websocket link endpoint. */
export function linkRoutes(deps: { hub: LinkHub; linkAuth: LinkAuthService; perMinute: number }) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/v1/link',
      {
        websocket: true,
        config: perMinute(deps.perMinute),
        preValidation: async (req, reply) => {
          const nodeId = await deps.linkAuth.nodeOfRequest(req);
          if (!nodeId) {
            return reply
              .code(401)
              .type('application/json')
              .send(
                claimErrorJson(
                  'ErrForbidden',
                  'link credentials missing, expired or already used; authenticate again',
                  1,
                ),
              );
          }
          req.linkNodeId = nodeId;
        },
      },
      (socket, req) => {
        deps.hub.attach(req.linkNodeId!, socket, req.ip);
      },
    );
  };
}
