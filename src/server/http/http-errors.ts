import { errorBody, wireCode } from '../../protocol/api/errors.ts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { CLAIM_ERRORS, claimErrorJson } from '../../protocol/errors.ts';
import { databaseUnreachable } from '../db/db-errors.ts';
import { AppError, ClaimError } from '../errors.ts';

/** Paths of the agent-facing API, whose every error is a claim error body (docs/protocol.md). */
export const isAgentApiPath = (url: string) =>
  url.startsWith('/api/v1/') || url === '/mqtt' || url.startsWith('/mqtt?');

const PART_NAMES: Record<string, string> = { body: 'request body', querystring: 'query', params: 'path' };

/** A schema validation failure as one readable sentence: which part, which field, what is wrong. */
function validationMessage(err: FastifyError): string | null {
  if (!hasZodFastifySchemaValidationErrors(err)) return null;
  const what = PART_NAMES[err.validationContext ?? ''] ?? 'request';
  const issues = err.validation
    .map((i) => `${i.instancePath.slice(1).replaceAll('/', '.') || what}: ${i.message}`)
    .join('; ');
  return `invalid ${what}: ${issues}`;
}

/** Send a claim-style error: compact JSON, the key's status, Retry-After when we know it. */
export function sendClaimError(reply: FastifyReply, err: ClaimError): FastifyReply {
  if (err.retryDelaySeconds !== undefined) void reply.header('retry-after', String(err.retryDelaySeconds));
  return reply
    .code(CLAIM_ERRORS[err.key].status)
    .type('application/json')
    .send(claimErrorJson(err.key, err.message, err.retryDelaySeconds, err.nonRetryable));
}

/** Any failure on an agent-facing path as a claim error body; server-side ones are logged with their cause. */
export function sendAgentApiError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ClaimError) return sendClaimError(reply, err);
  const status = (err as { statusCode?: number }).statusCode;
  const message = err instanceof Error ? err.message : 'bad request';
  if (status === 413)
    return sendClaimError(reply, new ClaimError('ErrBadRequest', 'the request body is too large'));
  if (status && status < 500) return sendClaimError(reply, new ClaimError('ErrBadRequest', message));
  const down = databaseUnreachable(err);
  if (down) {
    req.log.warn({ err: down }, 'agent endpoint failed: the database is unreachable');
    return sendClaimError(
      reply,
      new ClaimError('ErrServiceUnavailable', 'the server cannot reach its database; try again shortly', {
        retryDelaySeconds: 5,
      }),
    );
  }
  req.log.error({ err }, 'agent endpoint failed');
  return sendClaimError(
    reply,
    new ClaimError('ErrInternalServerError', `internal error (request ${req.id}); try again`),
  );
}

/**
 * The one error handler: domain errors with their status and code, validation failures as 400 naming the
 * field, other client errors with their status, and anything else as a logged 500 carrying the request id.
 */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (isAgentApiPath(req.url)) return sendAgentApiError(req, reply, err);
  if (err instanceof AppError) {
    if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(err.status).send(errorBody(err.code, err.message));
  }
  const invalid = validationMessage(err);
  if (invalid) return reply.code(400).send(errorBody('VALIDATION_FAILED', invalid));
  const down = databaseUnreachable(err);
  if (down) {
    req.log.warn({ err: down }, 'request failed: the database is unreachable');
    return reply
      .code(503)
      .header('retry-after', '5')
      .send(errorBody('UNAVAILABLE', `the database is unreachable (${down}); try again shortly`));
  }
  const status = err.statusCode;
  if (status && status >= 400 && status < 500) {
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED';
    return reply.code(status).send(errorBody(code, err.message));
  }
  req.log.error({ err }, 'request failed');
  return reply.code(500).send({
    code: wireCode('INTERNAL'),
    message: `internal error; quote request ${req.id} when reporting it`,
    request_id: req.id,
  });
}

/** Errors the router raises before any route runs (over-long path segments, malformed URLs). */
export function handleFrameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const message = tooLong ? 'a path segment is longer than 500 characters' : 'the URL is malformed';
  if (isAgentApiPath(req.url)) void sendAgentApiError(req, reply, new ClaimError('ErrBadRequest', message));
  else void reply.code(tooLong ? 414 : 400).send(errorBody(tooLong ? 'URI_TOO_LONG' : 'BAD_URL', message));
}
