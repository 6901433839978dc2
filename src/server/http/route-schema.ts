import type { FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { z } from 'zod';
import { apiErrorBody, claimErrorBody } from '../../protocol/errors.ts';
import type { Scope } from '../auth/access-service.ts';
import type { Role } from '../auth/auth-types.ts';
import { API_ERRORS } from '../errors.ts';
import type { AuthGuard } from './auth-guard.ts';
import { perMinute } from './rate-limits.ts';
import { canonicalId } from '../../protocol/ids.ts';

/** An id in a path: at most 100 characters; a UUID in any letter case becomes its canonical lower-case form. */
export const pathId = z
  .string()
  .min(1)
  .max(100)
  .transform((v) => canonicalId(v) ?? v);
export const idParams = z.object({ id: pathId });
/** An item of a host: /api/hosts/{id}/.../{item}. */
export const itemParams = idParams.extend({ item: pathId });

/** Signed-in routes take the session cookie or an API key. */
const SIGNED_IN: { [scheme: string]: string[] }[] = [{ session: [] }, { apiKey: [] }];

/**
 * Who may call a route: a role (signed in), any signed-in user (their own account), anyone, or an agent proving its
 * node's credentials.
 */
export type Access = Role | 'signed_in' | 'public' | 'agent';

/** The codes an answer of this status may carry (the registry in src/protocol/api/errors.ts). */
const codesOf = (status: number) =>
  Object.entries(API_ERRORS)
    .filter(([, e]) => e.status === status)
    .map(([code]) => `\`${code.toLowerCase()}\``);
const described = (status: number) =>
  apiErrorBody.describe(`{"code","message"}; code: ${codesOf(status).join(', ') || 'error'}`);

/** A route's schema with its access rule and the error statuses it answers, for validation and the API reference. */
export interface RouteSpec<S extends FastifySchema> {
  access: Access;
  /**
   * Where the role must be held: over the whole server (`global`, the default), anywhere (`any`: the answer shows
   * only what the caller may see), or on what the path's `:id` names (a node, room, space, job, alert or plan; what
   * the caller holds nothing on is answered 404, as absent).
   */
  scope?: Scope;
  summary: string;
  tags: string[];
  schema: S;
  /** Statuses besides those every route of its access rule has (400, and 401/403 when signed in). */
  errors?: number[];
  /** Requests allowed per source address and minute. */
  perMinute?: number;
  /**
   * The answer is built by a presenter (a whitelist of fields) and sent as it is: JSON.stringify instead of
   * encoding through the response schema, which costs several times more for long lists. The schema still
   * documents it.
   */
  presented?: true;
}

const plainJson = () => (data: unknown) => JSON.stringify(data);

/**
 * Route options from a spec: the schema (with error responses added and the access rule named as `x-access`
 * in the OpenAPI document), and the role check for signed-in routes.
 */
export function routeOptions(guard: AuthGuard) {
  return <S extends FastifySchema & { response: Record<number, unknown> }>(spec: RouteSpec<S>) => {
    const signedIn = spec.access !== 'public' && spec.access !== 'agent';
    const role = spec.access === 'signed_in' || !signedIn ? null : (spec.access as Role);
    const scope = spec.scope ?? 'global';
    const statuses = [400, ...(signedIn ? [401, 403] : []), ...(spec.errors ?? [])];
    const errors = Object.fromEntries(
      statuses.map((s) => [s, spec.access === 'agent' ? claimErrorBody : described(s)]),
    );
    const where =
      scope === 'global'
        ? 'over the whole server'
        : scope === 'any'
          ? 'anywhere; the answer holds only what the caller may see'
          : `on the ${scope} the path names (a ${scope} the caller holds no role on is answered 404)`;
    const who = role
      ? `Needs the ${role} role ${where} (session cookie or API key).`
      : spec.access === 'signed_in'
        ? 'Any signed-in user, for their own account (session cookie or API key).'
        : spec.access === 'agent'
          ? "Called by agents with their node's credentials."
          : 'Open to anyone.';
    return {
      schema: {
        ...spec.schema,
        summary: spec.summary,
        description: who,
        tags: spec.tags,
        response: { ...errors, ...spec.schema.response },
        ...(signedIn ? { security: SIGNED_IN } : {}),
        'x-access': spec.access,
        ...(role ? { 'x-scope': scope } : {}),
      },
      config: {
        access: spec.access,
        ...(role ? { scope } : {}),
        ...(spec.perMinute ? perMinute(spec.perMinute) : {}),
      },
      // Checked as the request arrives, before its body is parsed or validated: no role, no details.
      ...(signedIn ? { onRequest: guard.require(role ?? 'signed_in') } : {}),
      // Then the role on what the path names, before the request is validated: what the caller may not see is
      // absent whatever else the request says. A body-less request is validated as an empty object, so defaults
      // apply and the message names fields.
      preValidation: [
        ...(role ? [guard.scoped(role, scope)] : []),
        ...(spec.schema.body ? [emptyBodyAsObject] : []),
      ],
      ...(spec.presented ? { serializerCompiler: plainJson } : {}),
    };
  };
}

async function emptyBodyAsObject(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {};
}

/** 204 with no body. */
export const noContent = z.null().describe('no content');
/** Answer 204 (a route declaring `noContent`). */
export const sendNoContent = (reply: FastifyReply) => reply.code(204).send();

/** A server-sent-events answer (text/event-stream), documented but not serialized by a schema. */
export const eventStream = {
  description: 'server-sent events',
  content: { 'text/event-stream': { schema: z.string() } },
};

/** A field of a PATCH body: optional, and without the default its create body gives it. */
type PatchField<F extends z.ZodType> = z.ZodOptional<
  F extends z.ZodDefault<infer Inner extends z.ZodType> ? Inner : F
>;

/**
 * The PATCH body of a resource from its create body: every field optional and none defaulted, so that a PATCH
 * changes exactly the fields it is given (a create body made partial would fill every missing field with its
 * default, and reset it). test/fast/patch-routes.test.ts checks every PATCH route keeps what it was not given.
 */
export function patchBody<T extends Record<string, z.ZodType>>(body: z.ZodObject<T>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries<z.ZodType>(body.shape))
    shape[key] = (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional();
  return z.object(shape as { [K in keyof T]: PatchField<T[K]> }).strict();
}
