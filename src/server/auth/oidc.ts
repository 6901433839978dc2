import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import * as client from 'openid-client';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { Logger } from 'pino';
import type { Store } from '../repos/store.ts';
import type { AuthService, SignInFrom } from './auth-service.ts';

/** Settings of the identity provider (`--oidc-*`). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  /** The claim that carries the user's groups (default `groups`); a list of strings, or one string. */
  groupsClaim: string;
}

/** A sign-in through the provider is finished within this long. */
const STATE_MS = 10 * 60_000;
const USERNAME_OK = /[^A-Za-z0-9._@-]/g;

/** The user name a new user gets from their claims: preferred_username, email or sub, in the allowed characters. */
function usernameFrom(claims: Record<string, unknown>): string {
  const raw = [claims.preferred_username, claims.email, claims.sub].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  )!;
  return raw.replace(USERNAME_OK, '_').slice(0, 56) || 'user';
}

function groupsFrom(claims: Record<string, unknown>, claim: string): string[] {
  const v = claims[claim];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string').slice(0, 500) : [];
}

/**
 * Sign-in through an OpenID Connect provider: authorization code with PKCE, the provider found from its issuer URL
 * (discovery, retried until it answers). Each sign-in stores the user's groups, so their roles follow the provider at
 * every sign-in (a group left is a role lost). A user is created at their first sign-in, with no role of their own: the
 * role map and role bindings give them theirs. A local account of the same name is never taken over.
 */
export function createOidc(deps: {
  settings: OidcSettings;
  store: Store;
  clock: Clock;
  auth: AuthService;
  log: Logger;
}) {
  const { settings, store, clock, auth, log } = deps;
  let config: Promise<client.Configuration> | null = null;

  function discover(): Promise<client.Configuration> {
    config ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret ?? undefined,
        settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
        {
          timeout: 10,
          // A provider on plain HTTP (a test, or one on the same machine) must be allowed by name.
          ...(settings.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {}),
        },
      )
      .catch((err: unknown) => {
        config = null; // try again at the next sign-in
        log.warn({ err, issuer: settings.issuer }, 'the identity provider did not answer its discovery');
        throw new AppError('OIDC_FAILED', `the identity provider at ${settings.issuer} did not answer`);
      });
    return config;
  }

  return {
    /** Where to send the browser: the provider's authorization URL (the state kept server-side for the callback). */
    async begin(redirectUri: string, returnTo: string): Promise<{ url: string; state: string }> {
      const c = await discover();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      await store.repos.factors.insertChallenge({
        id: state,
        purpose: 'oidc',
        user_id: null,
        data: JSON.stringify({ verifier, nonce, redirectUri, returnTo }),
        expires_at: clock.now() + STATE_MS,
      });
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state };
    },

    /**
     * The provider sent the browser back: exchange the code, find or create the user, store their groups and open a
     * session. `browserState` is the state this browser started with (its cookie): another browser's callback fails.
     */
    async finish(callbackUrl: URL, browserState: string | undefined, from: SignInFrom) {
      const state = callbackUrl.searchParams.get('state') ?? '';
      const error = callbackUrl.searchParams.get('error');
      if (error)
        throw new AppError(
          'OIDC_FAILED',
          `the identity provider refused: ${error} ${callbackUrl.searchParams.get('error_description') ?? ''}`.trim(),
        );
      if (!browserState || browserState !== state)
        throw new AppError('OIDC_FAILED', 'this sign-in was not started in this browser; start again');
      const row = await store.repos.factors.takeChallenge(state, 'oidc', clock.now());
      if (!row)
        throw new AppError('OIDC_FAILED', 'the sign-in took too long or was used already; start again');
      const saved = JSON.parse(row.data) as {
        verifier: string;
        nonce: string;
        redirectUri: string;
        returnTo: string;
      };
      const c = await discover();
      // The URL the provider redirected to, as registered (the server may sit behind a proxy).
      const current = new URL(saved.redirectUri);
      current.search = callbackUrl.search;
      const tokens = await client
        .authorizationCodeGrant(c, current, {
          pkceCodeVerifier: saved.verifier,
          expectedState: state,
          expectedNonce: saved.nonce,
          idTokenExpected: true,
        })
        .catch((err: unknown) => {
          throw new AppError(
            'OIDC_FAILED',
            `the identity provider's answer was refused: ${(err as Error).message}`,
          );
        });
      let claims: Record<string, unknown> = { ...tokens.claims() };
      if (!(settings.groupsClaim in claims) && tokens.access_token) {
        const info = await client.fetchUserInfo(c, tokens.access_token, String(claims.sub)).catch(() => null);
        if (info) claims = { ...info, ...claims, [settings.groupsClaim]: info[settings.groupsClaim] };
      }
      const subject = `${settings.issuer} ${String(claims.sub)}`;
      const groups = groupsFrom(claims, settings.groupsClaim);
      let user = await store.repos.auth.findUserByOidcSubject(subject);
      if (!user) {
        const base = usernameFrom(claims);
        let name = base;
        for (let i = 1; await store.repos.auth.findUserByUsername(name); i++)
          name = `${base}-sso${i > 1 ? i : ''}`;
        const id = randomUUID();
        // No password signs in as this user: it is random and never shown (hashed before the transaction).
        const password_hash = await argon2.hash(randomBytes(32).toString('base64'));
        await store.transaction(async (r) => {
          await r.auth.insertUser({
            id,
            username: name,
            password_hash,
            role: 'none',
            disabled: 0,
            created_at: clock.now(),
            oidc_subject: subject,
            oidc_groups: JSON.stringify(groups),
          });
          await r.audit.record(
            { kind: 'anonymous', ip: from.ip },
            'user.created',
            { type: 'user', id },
            { username: name, role: 'none', via: 'oidc', issuer: settings.issuer },
          );
        });
        user = (await store.repos.auth.findUserById(id))!;
      } else await store.repos.auth.setOidcGroups(user.id, groups);
      const session = await auth.signInAs(user.id, 'oidc', from, tokens.id_token ?? null);
      return { ...session, returnTo: saved.returnTo, groups };
    },

    /** The provider's end-session URL for a session signed in through it, when the provider has one. */
    async endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | null> {
      const c = await discover().catch(() => null);
      if (!c?.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(c, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        client_id: settings.clientId,
        ...(idToken ? { id_token_hint: idToken } : {}),
      }).href;
    },
  };
}
export type Oidc = ReturnType<typeof createOidc>;
