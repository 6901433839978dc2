import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { meView, roleBindingView, secondFactorsView, sessionView } from '../../../protocol/api/views.ts';
import { authPolicy } from '../../auth/auth-policy.ts';
import type { AuthStack } from '../../auth/auth-stack.ts';
import type { LocalLogin } from '../../auth/auth-service.ts';
import { role, SESSION_COOKIE } from '../../auth/auth-types.ts';
import type { Oidc } from '../../auth/oidc.ts';
import type { WebAuthnSite } from '../../auth/second-factors.ts';
import { AppError } from '../../errors.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { meOf } from './auth-routes.ts';
import { idParams, itemParams, noContent, routeOptions, sendNoContent } from '../route-schema.ts';

const OIDC_STATE_COOKIE = 'muster_oidc';
const bindingBody = z
  .object({
    user_id: z.string().max(100).optional(),
    oidc_group: z.string().min(1).max(200).optional(),
    role,
    space_id: z.string().max(100).optional(),
    room_id: z.string().max(100).optional(),
  })
  .strict();
const webauthnResponse = z
  .record(z.string(), z.unknown())
  .describe("the browser's PublicKeyCredential as JSON (what @simplewebauthn/browser returns)");
const optionsView = z.object({
  challenge_id: z.string(),
  options: z.record(z.string(), z.unknown()).describe('for navigator.credentials (WebAuthn JSON)'),
});
const passkeyView = secondFactorsView.shape.passkeys.element;

/** Only a path of this server is a place to return to after signing in. */
const localPath = (p: string | undefined) => (p && /^\/(?!\/)[^\\]*$/.test(p) ? p : '/');

/**
 * Sign-in through the identity provider and with passkeys, second factors, sessions, role bindings and the sign-in
 * policy.
 */
export function accessRoutes(deps: {
  stack: AuthStack;
  oidc: Oidc | null;
  localLogin: LocalLogin;
  guard: AuthGuard;
  secureCookies: boolean;
  publicUrl: string | null;
  loginPerMinute: number;
  sessionCookie: (reply: FastifyReply, token: string) => void;
}): FastifyPluginAsyncZod {
  const { stack, oidc } = deps;
  const { auth, factors, bindings, policy } = stack;
  const route = routeOptions(deps.guard);
  const tags = ['sign-in and access'];
  const base = (req: FastifyRequest) => deps.publicUrl ?? `${req.protocol}://${req.host}`;
  /** Passkeys are bound to the public URL's host (or, without one, the host the browser used). */
  const site = (req: FastifyRequest): WebAuthnSite => {
    const u = new URL(base(req));
    return { rpId: u.hostname, origin: u.origin };
  };
  const from = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
  const needOidc = () => {
    if (!oidc) throw new AppError('OIDC_OFF', 'this server has no identity provider (--oidc-issuer)');
    return oidc;
  };

  return async (app) => {
    app.get(
      '/api/auth/methods',
      route({
        access: 'public',
        summary: 'How one signs in here: passwords (on, off, admins only), the identity provider, passkeys',
        tags,
        schema: {
          response: {
            200: z.object({
              local_login: z.enum(['on', 'off', 'admins']),
              oidc: z.boolean(),
              passkeys: z.boolean(),
            }),
          },
        },
      }),
      async () => ({ local_login: deps.localLogin, oidc: oidc !== null, passkeys: true }),
    );

    app.get(
      '/api/auth/oidc/login',
      route({
        access: 'public',
        summary: "Sign in through the identity provider: redirects the browser to the provider's sign-in",
        tags,
        schema: {
          querystring: z.object({ return_to: z.string().max(2000).optional() }),
          response: { 302: z.null().describe('to the provider') },
        },
        errors: [401, 404],
        perMinute: deps.loginPerMinute,
      }),
      async (req, reply) => {
        const o = needOidc();
        const { url, state } = await o.begin(
          `${base(req)}/api/auth/oidc/callback`,
          localPath(req.query.return_to),
        );
        // Lax: the provider sends the browser back with a top-level navigation from its own site.
        void reply.setCookie(OIDC_STATE_COOKIE, state, {
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.secureCookies,
          path: '/api/auth/oidc',
          maxAge: 600,
        });
        return reply.redirect(url, 302);
      },
    );

    app.get(
      '/api/auth/oidc/callback',
      route({
        access: 'public',
        summary:
          'Where the identity provider sends the browser back: opens the session and redirects into the UI (`/?sso_error=` when it failed)',
        tags,
        schema: {
          querystring: z.looseObject({
            code: z.string().max(4000).optional(),
            state: z.string().max(200).optional(),
            error: z.string().max(200).optional(),
            error_description: z.string().max(2000).optional(),
          }),
          response: { 302: z.null().describe('into the UI') },
        },
        errors: [404],
        perMinute: deps.loginPerMinute,
      }),
      async (req, reply) => {
        const o = needOidc();
        void reply.clearCookie(OIDC_STATE_COOKIE, { path: '/api/auth/oidc' });
        try {
          const done = await o.finish(new URL(req.url, base(req)), req.cookies[OIDC_STATE_COOKIE], from(req));
          deps.sessionCookie(reply, done.token);
          return reply.redirect(done.returnTo, 302);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          req.log.info({ code: err.code, msg: err.message }, 'identity provider sign-in failed');
          return reply.redirect(`/?sso_error=${encodeURIComponent(err.message)}`, 302);
        }
      },
    );

    app.post(
      '/api/auth/passkey/options',
      route({
        access: 'public',
        summary:
          'Start signing in with a passkey: WebAuthn options (any passkey of this site, or those of a user)',
        tags,
        schema: {
          body: z.object({ username: z.string().min(1).max(200).optional() }),
          response: { 200: optionsView },
        },
        errors: [429],
        perMinute: deps.loginPerMinute,
      }),
      async (req) => factors.passkeyLoginOptions(site(req), req.body.username),
    );

    app.post(
      '/api/auth/passkey',
      route({
        access: 'public',
        summary: 'Sign in with a passkey (a second factor by itself): sets the session cookie',
        tags,
        schema: {
          body: z.object({ challenge_id: z.string().max(100), response: webauthnResponse }),
          response: { 200: meView },
        },
        errors: [401, 403, 429],
        perMinute: deps.loginPerMinute,
      }),
      async (req, reply) => {
        const proved = await factors.passkeyLogin(site(req), req.body);
        const { token, principal } = await auth.signInAs(proved.userId, 'passkey', from(req));
        deps.sessionCookie(reply, token);
        return meOf(principal);
      },
    );

    app.get(
      '/api/auth/policy',
      route({
        access: 'admin',
        summary: 'The sign-in policy: who needs a second factor, session idle timeout and lifetime',
        tags,
        schema: { response: { 200: authPolicy } },
      }),
      async () => policy.get(),
    );

    app.patch(
      '/api/auth/policy',
      route({
        access: 'admin',
        summary: 'Change the sign-in policy (audited)',
        tags,
        schema: { body: authPolicy.partial().strict(), response: { 200: authPolicy } },
      }),
      async (req) => policy.set(actorOf(req), req.body),
    );

    app.get(
      '/api/me/second-factors',
      route({
        access: 'signed_in',
        summary: 'Your second factors: TOTP, recovery codes left, passkeys',
        tags,
        schema: { response: { 200: secondFactorsView } },
      }),
      async (req) => factors.status(req.principal!.userId),
    );

    app.post(
      '/api/me/totp',
      route({
        access: 'signed_in',
        summary:
          'Start TOTP enrolment: a new secret (shown once) for the authenticator app; confirm it with a code',
        tags,
        schema: { response: { 200: z.object({ secret: z.string(), otpauth_url: z.string() }) } },
        errors: [409],
      }),
      async (req) => factors.totpBegin(actorOf(req)),
    );

    app.post(
      '/api/me/totp/confirm',
      route({
        access: 'signed_in',
        summary:
          'Confirm TOTP with a code from the app: TOTP is on, and the one-time recovery codes are shown once',
        tags,
        schema: {
          body: z.object({ code: z.string().min(1).max(20) }),
          response: { 200: z.object({ recovery_codes: z.array(z.string()) }) },
        },
        errors: [401, 409],
      }),
      async (req) => factors.totpConfirm(actorOf(req), req.body.code),
    );

    app.delete(
      '/api/me/totp',
      route({
        access: 'signed_in',
        summary: 'Turn TOTP off (its recovery codes go with it)',
        tags,
        schema: { response: { 204: noContent } },
        errors: [409],
      }),
      async (req, reply) => {
        await factors.totpDisable(actorOf(req));
        return sendNoContent(reply);
      },
    );

    app.post(
      '/api/me/passkeys/options',
      route({
        access: 'signed_in',
        summary: 'Start adding a passkey: WebAuthn creation options',
        tags,
        schema: { response: { 200: optionsView } },
      }),
      async (req) => factors.passkeyRegistrationOptions(actorOf(req), site(req)),
    );

    app.post(
      '/api/me/passkeys',
      route({
        access: 'signed_in',
        summary: 'Add a passkey: the browser’s answer to the creation options',
        tags,
        schema: {
          body: z.object({
            challenge_id: z.string().max(100),
            name: z.string().trim().min(1).max(100).default('passkey'),
            response: webauthnResponse,
          }),
          response: { 201: passkeyView },
        },
        errors: [401],
      }),
      async (req, reply) =>
        reply.code(201).send(await factors.passkeyRegister(actorOf(req), site(req), req.body)),
    );

    app.delete(
      '/api/me/passkeys/:id',
      route({
        access: 'signed_in',
        summary: 'Remove one of your passkeys',
        tags,
        schema: { params: z.object({ id: z.string().min(1).max(1000) }), response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await factors.passkeyRemove(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.delete(
      '/api/users/:id/second-factors',
      route({
        access: 'admin',
        summary: "Reset a user's lost second factors (TOTP, recovery codes, passkeys); their sessions end",
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await factors.reset(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/me/sessions',
      route({
        access: 'signed_in',
        summary: 'Your sessions: device, address, last use',
        tags,
        schema: { response: { 200: z.array(sessionView) } },
      }),
      async (req) => auth.sessionsOf(req.principal!.userId, req.principal!.sessionId),
    );

    app.delete(
      '/api/me/sessions/:id',
      route({
        access: 'signed_in',
        summary: 'End one of your sessions (this one included)',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await auth.endSession(actorOf(req), req.params.id, false);
        if (req.params.id === req.principal!.sessionId) void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/users/:id/sessions',
      route({
        access: 'admin',
        summary: "A user's sessions",
        tags,
        schema: { params: idParams, response: { 200: z.array(sessionView) } },
      }),
      async (req) => auth.sessionsOf(req.params.id, req.principal!.sessionId),
    );

    app.delete(
      '/api/users/:id/sessions/:item',
      route({
        access: 'admin',
        summary: "End a user's session",
        tags,
        schema: { params: itemParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await auth.endSession(actorOf(req), req.params.item, true);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/role-bindings',
      route({
        access: 'admin',
        summary: 'Roles given to users and identity-provider groups, over everything or in a space or room',
        tags,
        schema: { response: { 200: z.array(roleBindingView) } },
      }),
      async () => bindings.list(),
    );

    app.post(
      '/api/role-bindings',
      route({
        access: 'admin',
        summary: 'Give a user or a group a role, over everything or in a space or room (audited)',
        tags,
        schema: { body: bindingBody, response: { 201: roleBindingView } },
        errors: [404],
      }),
      async (req, reply) => reply.code(201).send(await bindings.create(actorOf(req), req.body)),
    );

    app.delete(
      '/api/role-bindings/:id',
      route({
        access: 'admin',
        summary: 'Take a role binding back (audited)',
        tags,
        schema: { params: z.object({ id: z.string().min(1).max(100) }), response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await bindings.remove(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );
  };
}
