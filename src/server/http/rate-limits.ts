import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ClaimError } from '../errors.ts';
import { isAgentApiPath } from './http-errors.ts';

/** Requests allowed per source address and minute, by kind. */
export interface RateLimits {
  login: number;
  claim: number;
  linkAuth: number;
}

/** Route option that limits a route to `max` requests a minute per source address. */
export function perMinute(max: number) {
  return { rateLimit: { max, timeWindow: 60_000 } };
}

/**
 * Register the limiter (routes opt in with `perMinute`). Over the limit: 429 with Retry-After, in the claim error body
 * on agents' endpoints and as `{"code","message"}` everywhere else.
 */
export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (req: FastifyRequest, ctx: { ttl: number; after: string }) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      const message = `too many requests from ${req.ip}; try again in ${ctx.after}`;
      return isAgentApiPath(req.url)
        ? new ClaimError('ErrTooManyRequests', message, { retryDelaySeconds: seconds })
        : new AppError('RATE_LIMITED', message, { retryAfterSeconds: seconds });
    },
  });
}
