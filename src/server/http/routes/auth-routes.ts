import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUserBody, password } from '../../../protocol/api/accounts.ts';
import { apiKeyView, meView, newApiKeyView, newUserView, userView } from '../../../protocol/api/views.ts';
import type { ApiKeyService } from '../../auth/api-keys.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import { role, SESSION_COOKIE, SESSION_TTL_MS } from '../../auth/auth-types.ts';
import { AppError } from '../../errors.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, routeOptions, sendNoContent } from '../route-schema.ts';

/** A failed login answers only after this delay, so password guessing is slow even below the rate limit. */
export const FAILED_LOGIN_DELAY_MS = 1000;

export const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
});
const changeOwnPasswordBody = z.object({
  current_password: z.string().min(1).max(1000),
  new_password: password,
});
const resetPasswordBody = z.object({ password });
const updateUserBody = z.object({ role: role.optional(), disabled: z.boolean().optional() }).strict();
const createApiKeyBody = z.object({ name: z.string().trim().min(1).max(100), role: role.optional() });

/** Login, logout, the signed-in user, users (admins) and API keys. */
export function authRoutes(deps: {
  auth: AuthService;
  apiKeys: ApiKeyService;
  guard: AuthGuard;
  secureCookies: boolean;
  loginPerMinute: number;
}): FastifyPluginAsyncZod {
  const { auth, apiKeys } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['users and keys'];
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    void reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    });
  return async (app) => {
    app.post(
      '/api/auth/login',
      route({
        access: 'public',
        summary: 'Sign in: sets the session cookie',
        tags,
        schema: { body: loginBody, response: { 200: meView } },
        errors: [401, 429],
        perMinute: deps.loginPerMinute,
      }),
      async (req, reply) => {
        try {
          const { token, user } = await auth.login(req.body.username, req.body.password, req.ip);
          setSessionCookie(reply, token);
          return { user_id: user.id, username: user.username, role: user.role };
        } catch (err) {
          await new Promise((r) => setTimeout(r, FAILED_LOGIN_DELAY_MS));
          throw err;
        }
      },
    );

    app.post(
      '/api/auth/logout',
      route({ access: 'public', summary: 'Sign out', tags, schema: { response: { 204: noContent } } }),
      async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        // A session that is still valid ends with its record; an expired or unknown cookie changes nothing.
        if (token) await auth.logout(token, req.principal?.via === 'session' ? actorOf(req) : null);
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/me',
      route({ access: 'viewer', summary: 'The signed-in user', tags, schema: { response: { 200: meView } } }),
      async (req) => {
        const a = actorOf(req);
        return { user_id: a.userId, username: a.username, role: a.role };
      },
    );

    app.put(
      '/api/me/password',
      route({
        access: 'viewer',
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
        summary: 'Make an API key (shown once) with a role up to your own',
        tags,
        schema: { body: createApiKeyBody, response: { 201: newApiKeyView } },
      }),
      async (req, reply) =>
        reply.code(201).send(await apiKeys.create(actorOf(req), req.body.name, req.body.role)),
    );

    app.get(
      '/api/api-keys',
      route({
        access: 'viewer',
        summary: 'Your API keys (every key for admins)',
        tags,
        schema: { response: { 200: z.array(apiKeyView) } },
      }),
      async (req) => apiKeys.list(actorOf(req)),
    );

    app.delete(
      '/api/api-keys/:id',
      route({
        access: 'viewer',
        summary: 'Revoke an API key',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await apiKeys.revoke(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );
  };
}
