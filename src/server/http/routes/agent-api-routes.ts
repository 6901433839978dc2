import { countingGate } from '../../counting-gate.ts';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import {
  aclkEnvResponse,
  challengeResponse,
  claimRequest,
  envResponse,
  passwordRequest,
  passwordResponse,
  type PasswordResponse,
} from '../../../protocol/claim-api.ts';
import { claimErrorJson, NETDATA_REMOVED_RETRY_SECONDS } from '../../../protocol/errors.ts';
import { canonicalId } from '../../../protocol/ids.ts';
import { aclkTopics } from '../../../protocol/aclk/topics.ts';
import type { LinkAuthService } from '../../claiming/link-auth-service.ts';
import { ClaimError } from '../../errors.ts';
import type { ClaimNode } from '../../operations/claim-node.ts';
import type { RemoveNode } from '../../operations/remove-node.ts';
import { agentActor, type AuthGuard } from '../auth-guard.ts';
import type { RateLimits } from '../rate-limits.ts';
import { noContent, routeOptions, sendNoContent } from '../route-schema.ts';

const MAX_CLAIM_BODY = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    linkNodeId?: string;
  }
}

/** The server's own base URL: the configured public URL, or what the client used to reach us. */
export function baseUrlOf(req: { protocol: string; host: string }, publicUrl: string | null): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

/** A body as the claim endpoints read it: JSON whatever the Content-Type says, an empty body as {}. */
function jsonBody(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ClaimError('ErrBadRequest', 'the request body is not valid JSON');
  }
}

const claimedIdParams = z.object({ claimedId: z.string() });
const nodeIdParams = z.object({ id: z.string() });
// Netdata agents add v= and cap=proto,...; claim_id and cap may be given once each.
const envQuery = z.looseObject({
  claim_id: z.string().max(100).optional(),
  cap: z.string().max(500).optional(),
});

/** Where each kind of agent authenticates its link, and what it is given. */
const LINK_AUTH = [
  {
    base: '/api/v1/auth',
    oaepHash: 'sha256',
    key: "the node's public key",
    issued: 'a single-use link password',
    topics: (): PasswordResponse['topics'] => [],
  },
  {
    base: '/api/v1/auth/aclk',
    oaepHash: 'sha1',
    key: "a Netdata agent's key (RSA-OAEP, SHA-1)",
    issued: 'a single-use MQTT password and the topics of the ACLK',
    topics: aclkTopics,
  },
] as const;

/**
 * A Netdata agent of a removed node is told to come back in a month rather than "never": it reads non-retryable
 * as "every 60 s" (docs/netdata.md).
 */
async function netdataRemoval<T>(base: string, ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (base.endsWith('/aclk') && err instanceof ClaimError && err.key === 'ErrNodeRemoved')
      throw new ClaimError('ErrNodeRemoved', err.message, {
        retryDelaySeconds: NETDATA_REMOVED_RETRY_SECONDS,
        nonRetryable: false,
      });
    throw err;
  }
}

/** A stock Netdata agent asks for the protobuf protocol; Muster's agent never does. */
const asksForAclk = (cap: string | undefined) => (cap ?? '').split(',').includes('proto');

/**
 * The base URL a Netdata agent reaches us at. It sends `Host` without a port, so unless a public URL is set the
 * port is the one the request arrived on.
 */
function aclkBaseUrl(req: FastifyRequest, publicUrl: string | null): string {
  if (publicUrl) return publicUrl;
  if (/:\d+$/.test(req.host)) return `${req.protocol}://${req.host}`;
  const port = req.socket.localPort;
  return port === (req.protocol === 'https' ? 443 : 80)
    ? `${req.protocol}://${req.host}`
    : `${req.protocol}://${req.host}:${port}`;
}

/**
 * Let go of the upgrade request of a websocket that is now a link. Otherwise it lives as long as the link: the
 * connection still points at the HTTP response the upgrade came with (and through it at the request, its reply,
 * headers and logger), and the websocket plugin's error listener holds them too; together about 5 KiB a link.
 * The link's owner logs socket errors itself.
 */
function releaseUpgrade(socket: WebSocket, req: FastifyRequest) {
  socket.removeAllListeners('error');
  const connection = req.raw.socket as Socket & { _httpMessage?: ServerResponse | null };
  const response = connection._httpMessage as (ServerResponse & { detachSocket?(s: Socket): void }) | null;
  if (response?.detachSocket) response.detachSocket(connection);
}

/** Connections from one address that may be upgrading or authenticating at once (/mqtt and /api/v1/link each). */
export const MAX_UNAUTHENTICATED_PER_ADDRESS = 16;

/** The claim-error answer for an address with too many connections still authenticating. */
const tooManyPending = (reply: FastifyReply) =>
  reply
    .code(429)
    .header('retry-after', '5')
    .type('application/json')
    .send(
      claimErrorJson(
        'ErrTooManyRequests',
        `more than ${MAX_UNAUTHENTICATED_PER_ADDRESS} connections from this address are authenticating at once; try again shortly`,
        5,
      ),
    );

/**
 * Link authentication, for Muster's agent and, on the authEndpoint a Netdata agent's env answer names, for stock
 * Netdata agents: the same proof of key possession, with the challenge in the padding each decrypts and, for
 * Netdata, the MQTT topics of its link.
 */
function registerLinkAuth(
  app: Parameters<FastifyPluginAsyncZod>[0],
  route: ReturnType<typeof routeOptions>,
  linkAuth: LinkAuthService,
  limits: RateLimits,
) {
  const tags = ['agents'];
  for (const a of LINK_AUTH) {
    app.get(
      `${a.base}/node/:id/challenge`,
      route({
        access: 'public',
        summary: `A challenge encrypted to ${a.key}`,
        tags,
        schema: { params: nodeIdParams, response: { 200: challengeResponse } },
        errors: [403, 404, 429],
        perMinute: limits.linkAuth,
      }),
      async (req) => netdataRemoval(a.base, () => linkAuth.challenge(req.params.id, a.oaepHash)),
    );

    app.post(
      `${a.base}/node/:id/password`,
      {
        ...route({
          access: 'public',
          summary: `Answer the challenge; get ${a.issued}`,
          tags,
          schema: { params: nodeIdParams, body: passwordRequest, response: { 201: passwordResponse } },
          errors: [403, 404, 429],
          perMinute: limits.linkAuth,
        }),
        attachValidation: true,
      },
      async (req, reply) => {
        if (req.validationError)
          throw new ClaimError('ErrBadRequest', 'body must be {"agent_version","response"}');
        const issued = await netdataRemoval(a.base, () =>
          linkAuth.password(req.params.id, req.body.response, req.body.agent_version),
        );
        return reply.code(201).send({ ...issued, topics: a.topics() });
      },
    );
  }
}

/**
 * The agent-facing API (docs/protocol.md): claim, unclaim, link discovery, link authentication and the link
 * itself. Every failure is a claim error body. Bodies are JSON whatever the Content-Type says, because stock
 * claim scripts post with `curl -d @file` (form-encoded).
 */
export function agentApiRoutes(deps: {
  claimNode: ClaimNode;
  removeNode: RemoveNode;
  linkAuth: LinkAuthService;
  /** Hand an authenticated link websocket of a Muster agent to the link layer. */
  acceptLink: (nodeId: string, socket: WebSocket, remoteAddr: string) => void;
  /** Adopt a websocket on /mqtt as a Netdata agent's link; `authenticated` once CONNECT was accepted or refused. */
  acceptAclk(socket: WebSocket, remoteAddr: string, authenticated: () => void): void;
  guard: AuthGuard;
  publicUrl: string | null;
  limits: RateLimits;
}): FastifyPluginAsyncZod {
  const { linkAuth, limits } = deps;
  const route = routeOptions(deps.guard);
  const mqttGate = countingGate(MAX_UNAUTHENTICATED_PER_ADDRESS);
  const linkGate = countingGate(MAX_UNAUTHENTICATED_PER_ADDRESS);
  /** Releases of /mqtt connections not yet authenticated, from the upgrade to CONNECT's answer or the close. */
  const pendingMqtt = new WeakMap<FastifyRequest, () => void>();
  const tags = ['agents'];
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_CLAIM_BODY }, (_req, body, done) => {
      try {
        done(null, jsonBody(body as string));
      } catch (err) {
        done(err as Error);
      }
    });

    app.put(
      '/api/v1/spaces/nodes/:claimedId',
      {
        ...route({
          access: 'public',
          summary: 'Claim a node with a space claim token (stock claim scripts use this)',
          tags,
          schema: { params: claimedIdParams, body: claimRequest, response: { 204: noContent } },
          errors: [403, 404, 409, 429],
          perMinute: limits.claim,
        }),
        // Each field is judged by the claim with its own error key; a body of the wrong shape gets one message.
        attachValidation: true,
      },
      async (req, reply) => {
        if (req.validationError)
          throw new ClaimError(
            'ErrBadRequest',
            'the body must be a JSON object with node, token, rooms and publicKey',
          );
        await deps.claimNode.claimNode(req.params.claimedId, req.body, req.ip);
        return sendNoContent(reply);
      },
    );

    app.delete(
      '/api/v1/spaces/nodes/:claimedId',
      route({
        access: 'agent',
        summary: 'Unclaim: the node removes itself (fresh link credentials of this node)',
        tags,
        schema: { params: claimedIdParams, response: { 204: noContent } },
        errors: [403, 404, 429],
        perMinute: limits.linkAuth,
      }),
      async (req, reply) => {
        const nodeId = await linkAuth.nodeOfAuthorization(req.headers.authorization);
        if (!nodeId || nodeId !== canonicalId(req.params.claimedId))
          throw new ClaimError('ErrForbidden', 'unclaiming needs fresh link credentials of this node');
        await deps.removeNode.removeNode(agentActor(req, nodeId), nodeId);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/v1/env',
      {
        ...route({
          access: 'public',
          summary: 'Where and how agents open their link',
          tags,
          schema: { querystring: envQuery, response: { 200: z.union([envResponse, aclkEnvResponse]) } },
        }),
        attachValidation: true,
      },
      async (req) => {
        if (req.validationError)
          throw new ClaimError('ErrBadRequest', 'claim_id and cap must be given at most once each');
        return asksForAclk(req.query.cap)
          ? linkAuth.aclkEnv(aclkBaseUrl(req, deps.publicUrl))
          : linkAuth.env(baseUrlOf(req, deps.publicUrl));
      },
    );

    registerLinkAuth(app, route, linkAuth, limits);

    app.get(
      '/mqtt',
      {
        ...route({
          access: 'agent',
          summary: "A Netdata agent's link (ACLK): MQTT 5 over a websocket, authenticated in CONNECT",
          tags,
          schema: { response: { 101: z.null().describe('switching protocols') } },
          errors: [429],
          perMinute: limits.linkAuth,
        }),
        websocket: true,
        preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
          const release = mqttGate.take(req.ip);
          if (!release) return tooManyPending(reply);
          pendingMqtt.set(req, release);
        },
      },
      (socket, req) => {
        releaseUpgrade(socket, req);
        const release = pendingMqtt.get(req) ?? (() => undefined);
        socket.once('close', release);
        deps.acceptAclk(socket, req.ip, release);
      },
    );

    app.get(
      '/api/v1/link',
      {
        ...route({
          access: 'agent',
          summary:
            'The link: a websocket (Bearer agent token, Signature node id and signed proof, Challenge node id and answer, or Basic node id and link password)',
          tags,
          schema: { response: { 101: z.null().describe('switching protocols') } },
          errors: [401, 429],
          perMinute: limits.linkAuth,
        }),
        websocket: true,
        preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
          const release = linkGate.take(req.ip);
          if (!release) return tooManyPending(reply);
          let nodeId: string | null;
          try {
            nodeId = await linkAuth.nodeOfAuthorization(req.headers.authorization);
          } finally {
            release();
          }
          if (!nodeId)
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
          req.linkNodeId = nodeId;
        },
      },
      (socket, req) => {
        releaseUpgrade(socket, req);
        deps.acceptLink(req.linkNodeId!, socket, req.ip);
      },
    );
  };
}
