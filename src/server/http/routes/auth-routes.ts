import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUserBody, password, userRole } from '../../../protocol/api/accounts.ts';
import { apiKeyView, meView, newApiKeyView, newUserView, userView } from '../../../protocol/api/views.ts';
import type { ApiKeyService } from '../../auth/api-keys.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import { role, SESSION_COOKIE, type Principal } from '../../auth/auth-types.ts';
import type { Oidc } from '../../auth/oidc.ts';
import { AppError } from '../../errors.ts';
import { actorOf, isGlobalAdmin, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, routeOptions, sendNoContent } from '../route-schema.ts';

/** A failed login answers only after this delay, so password guessing is slow even below the rate limit. */
export const FAILED_LOGIN_DELAY_MS = 1000;

export const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
  totp: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('with a second factor on: a code from the authenticator app, or a recovery code'),
});
const changeOwnPasswordBody = z.object({
  current_password: z.string().min(1).max(1000),
  new_password: password,
});
const resetPasswordBody = z.object({ password });
const updateUserBody = z.object({ role: userRole.optional(), disabled: z.boolean().optional() }).strict();
const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: role.optional().describe('at most your own (default: your highest)'),
  space_id: z.string().max(100).optional().describe('the key acts only in this space'),
  room_id: z.string().max(100).optional().describe('the key acts only in this room'),
  expires_at: z.number().int().positive().optional().describe('the key stops working at this time (ms)'),
});

/** The signed-in user as the API shows them: the roles they hold and where, and how they signed in. */
export const meOf = (p: Principal) => ({
  user_id: p.userId,
  username: p.username,
  role: p.role,
  global_role: p.grants.global,
  spaces: [...p.grants.spaces].map(([space_id, role]) => ({ space_id, role })),
  rooms: [...p.grants.rooms].map(([room_id, r]) => ({ room_id, space_id: r.spaceId, role: r.role })),
  method: p.method ?? (p.via === 'api_key' ? 'api_key' : 'password'),
  second_factor_required: p.restricted ?? false,
  password_change_required: p.passwordChangeRequired ?? false,
});

/** Sets the session cookie; the server ends the session by the sign-in policy, whatever the cookie's age. */
export const sessionCookieSetter = (secure: boolean) => (reply: FastifyReply, token: string) =>
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: (90 * 24 * 3600_000) / 1000,
  });

/** Login, logout, the signed-in user, users (admins) and API keys. */
export function authRoutes(deps: {
  auth: AuthService;
  apiKeys: ApiKeyService;
  guard: AuthGuard;
  secureCookies: boolean;
  loginPerMinute: number;
  oidc: Oidc | null;
  publicUrl: string | null;
}): FastifyPluginAsyncZod {
  const { auth, apiKeys } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['users and keys'];
  const setSessionCookie = sessionCookieSetter(deps.secureCookies);
  return async (app) => {
    app.post(
      '/api/auth/login',
      route({
        access: 'public',
        summary: 'Sign in: sets the session cookie',
        tags,
        schema: { body: loginBody, response: { 200: meView } },
        errors: [401, 403, 429],
        perMinute: deps.loginPerMinute,
      }),
      async (req, reply) => {
        try {
          const { token, principal } = await auth.login(
            req.body.username,
            req.body.password,
            { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
            req.body.totp,
          );
          setSessionCookie(reply, token);
          return meOf(principal);
        } catch (err) {
          await new Promise((r) => setTimeout(r, FAILED_LOGIN_DELAY_MS));
          throw err;
        }
      },
    );

    app.post(
      '/api/auth/logout',
      route({
        access: 'public',
        summary:
          "Sign out. A session opened through the identity provider answers 200 with the provider's end-session URL to send the browser to (when it has one)",
        tags,
        schema: {
          response: { 200: z.object({ end_session_url: z.string() }), 204: noContent },
        },
      }),
      async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        const method = req.principal?.method;
        // A session that is still valid ends with its record; an expired or unknown cookie changes nothing.
        const idToken = token
          ? await auth.logout(token, req.principal?.via === 'session' ? actorOf(req) : null)
          : null;
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        if (method === 'oidc' && deps.oidc) {
          const back = `${deps.publicUrl ?? `${req.protocol}://${req.host}`}/`;
          const url = await deps.oidc.endSessionUrl(idToken, back);
          if (url) return reply.code(200).send({ end_session_url: url });
        }
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/me',
      route({
        access: 'signed_in',
        summary: 'The signed-in user, with the roles they hold and where',
        tags,
        schema: { response: { 200: meView } },
      }),
      async (req) => meOf(req.principal!),
    );

    app.put(
      '/api/me/password',
      route({
        access: 'signed_in',
        summary:
          'Change your own password (the current one is required); every session of yours ends and this one gets a new cookie',
        tags,
        schema: { body: changeOwnPasswordBody, response: { 204: noContent } },
        errors: [403],
      }),
      async (req, reply) => {
        const actor = actorOf(req);
        const { token } = await auth.changePassword(actor, actor.userId, req.body.new_password, {
          current: req.body.current_password,
        });
        if (token) setSessionCookie(reply, token);
        return sendNoContent(reply);
      },
    );

    app.put(
      '/api/users/:id/password',
      route({
        access: 'admin',
        summary: "Set another user's password; every session of theirs ends",
        tags,
        schema: { params: idParams, body: resetPasswordBody, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        const actor = actorOf(req);
        if (req.params.id === actor.userId)
          throw new AppError(
            'OWN_PASSWORD',
            'change your own password at PUT /api/me/password, with the current one',
          );
        await auth.changePassword(actor, req.params.id, req.body.password);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/users',
      route({
        access: 'admin',
        summary: 'All users',
        tags,
        schema: { response: { 200: z.array(userView) } },
      }),
      async () => auth.listUsers(),
    );

    app.post(
      '/api/users',
      route({
        access: 'admin',
        summary: 'Add a user',
        tags,
        schema: { body: createUserBody, response: { 201: newUserView } },
        errors: [409],
      }),
      async (req, reply) => reply.code(201).send(await auth.createUser(actorOf(req), req.body)),
    );

    app.patch(
      '/api/users/:id',
      route({
        access: 'admin',
        summary: "Change a user's role or disable them",
        tags,
        schema: { params: idParams, body: updateUserBody, response: { 200: userView } },
        errors: [404, 409],
      }),
      async (req) => auth.updateUser(actorOf(req), req.params.id, req.body),
    );

    app.post(
      '/api/users/:id/unlock',
      route({
        access: 'admin',
        summary: 'Unlock a user locked after too many failed sign-ins (their failures are forgotten)',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await auth.unlockUser(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.post(
      '/api/api-keys',
      route({
        access: 'viewer',
        scope: 'any',
        summary:
          'Make an API key (shown once) with a role up to your own, optionally only for a space or room, optionally expiring',
        tags,
        schema: { body: createApiKeyBody, response: { 201: newApiKeyView } },
        errors: [404],
      }),
      async (req, reply) =>
        reply.code(201).send(await apiKeys.create(actorOf(req), req.principal!.grants, req.body)),
    );

    app.get(
      '/api/api-keys',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Your API keys (every key for admins)',
        tags,
        schema: { response: { 200: z.array(apiKeyView) } },
      }),
      async (req) => apiKeys.list(actorOf(req), isGlobalAdmin(req)),
    );

    app.delete(
      '/api/api-keys/:id',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Revoke an API key',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await apiKeys.revoke(actorOf(req), req.params.id, isGlobalAdmin(req));
        return sendNoContent(reply);
      },
    );
  };
}
