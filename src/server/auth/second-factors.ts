import { randomBytes, randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Secret, TOTP } from 'otpauth';
import type { Actor, UserActor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { sha256Hex, type Sealer } from '../crypto.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';

/** One-time recovery codes given when TOTP is turned on. */
const RECOVERY_CODES = 10;
/** A WebAuthn challenge is good this long. */
const CHALLENGE_MS = 5 * 60_000;
const PERIOD_S = 30;

/** Where passkeys are valid: the relying party's id (a host name) and the origins a browser may use. */
export interface WebAuthnSite {
  rpId: string;
  origin: string;
}

const totpFor = (secret: string, username: string) =>
  new TOTP({
    issuer: 'Muster',
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secret),
  });

/** `xxxxx-xxxxx`: 50 random bits in lower-case hex-like base32 a person can type. */
const recoveryCode = () => {
  const s = randomBytes(10).toString('hex').slice(0, 10);
  return `${s.slice(0, 5)}-${s.slice(5)}`;
};
const normalizeCode = (c: string) => c.trim().toLowerCase().replace(/\s+/g, '');

/**
 * Second factors: TOTP (RFC 6238; the secret sealed under the master key, each code good once) with one-time
 * recovery codes, and passkeys (WebAuthn; a passkey alone signs in, being a second factor by itself). Enrolment, use
 * and removal are audited; an admin resets a user's lost factors.
 */
export function createSecondFactors(deps: { store: Store; clock: Clock; sealer: Sealer }) {
  const { store, clock, sealer } = deps;
  const repo = store.repos.factors;

  async function userOf(id: string) {
    const u = await store.repos.auth.findUserById(id);
    if (!u) throw new AppError('NOT_FOUND', `user ${id} does not exist`);
    return u;
  }

  return {
    /** Which factors a user has. */
    async status(userId: string) {
      const u = await userOf(userId);
      const passkeys = await repo.passkeysOf(userId);
      return {
        totp: !!u.totp_secret_enc,
        recovery_codes_left: u.totp_secret_enc ? await repo.recoveryCodesLeft(userId) : 0,
        passkeys: passkeys.map((p) => ({
          id: p.id,
          name: p.name,
          created_at: p.created_at,
          last_used_at: p.last_used_at,
        })),
      };
    },
    hasAny: async (userId: string) => {
      const u = await userOf(userId);
      return !!u.totp_secret_enc || (await repo.passkeysOf(userId)).length > 0;
    },

    /** Start TOTP enrolment: a new secret, kept pending until a code from it is confirmed. */
    async totpBegin(actor: UserActor) {
      const u = await userOf(actor.userId);
      if (u.totp_secret_enc)
        throw new AppError('SECOND_FACTOR_STATE', 'TOTP is on already; turn it off first to enrol again');
      const secret = new Secret({ size: 20 }).base32;
      await repo.setTotp(u.id, { totp_pending_enc: sealer.seal(secret) });
      return { secret, otpauth_url: totpFor(secret, u.username).toString() };
    },

    /** Confirm enrolment with a code from the new secret; TOTP is on, and the recovery codes are shown this once. */
    async totpConfirm(actor: UserActor, code: string) {
      const u = await userOf(actor.userId);
      if (!u.totp_pending_enc)
        throw new AppError(
          'SECOND_FACTOR_STATE',
          'no TOTP enrolment is waiting; start one at POST /api/me/totp',
        );
      const secret = sealer.open(u.totp_pending_enc);
      const delta = totpFor(secret, u.username).validate({
        token: code.trim(),
        timestamp: clock.now(),
        window: 1,
      });
      if (delta === null)
        throw new AppError('SECOND_FACTOR_INVALID', 'the code is wrong; check the device clock');
      const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
      await store.transaction(async (r) => {
        await r.factors.setTotp(u.id, {
          totp_secret_enc: sealer.seal(secret),
          totp_pending_enc: null,
          totp_last_step: Math.floor(clock.now() / 1000 / PERIOD_S) + delta,
        });
        await r.factors.replaceRecoveryCodes(
          u.id,
          codes.map((c) => sha256Hex(normalizeCode(c))),
        );
        await r.auth.unrestrictSessions(u.id);
        await r.audit.record(
          actor,
          'user.totp_enabled',
          { type: 'user', id: u.id },
          { username: u.username },
        );
      });
      return { recovery_codes: codes };
    },

    async totpDisable(actor: UserActor) {
      const u = await userOf(actor.userId);
      if (!u.totp_secret_enc && !u.totp_pending_enc)
        throw new AppError('SECOND_FACTOR_STATE', 'TOTP is not on for this account');
      await store.transaction(async (r) => {
        await r.factors.clearTotp(u.id);
        await r.audit.record(
          actor,
          'user.totp_disabled',
          { type: 'user', id: u.id },
          { username: u.username },
        );
      });
    },

    /**
     * Check a TOTP code or a recovery code at sign-in; each is good once. Returns how it was proved, or null when
     * the code is wrong (the caller counts the failure).
     */
    async verifyCode(
      user: { id: string; username: string; totp_secret_enc?: string | null },
      code: string,
    ): Promise<'totp' | 'recovery_code' | null> {
      if (!user.totp_secret_enc) return null;
      const c = normalizeCode(code);
      if (/^\d{6}$/.test(c)) {
        const delta = totpFor(sealer.open(user.totp_secret_enc), user.username).validate({
          token: c,
          timestamp: clock.now(),
          window: 1,
        });
        if (delta === null) return null;
        const step = Math.floor(clock.now() / 1000 / PERIOD_S) + delta;
        return (await repo.useTotpStep(user.id, step)) ? 'totp' : null;
      }
      return (await repo.useRecoveryCode(user.id, sha256Hex(c), clock.now())) ? 'recovery_code' : null;
    },

    /** An admin removes a user's lost factors (TOTP, recovery codes, passkeys); audited. */
    async reset(actor: Actor, userId: string) {
      const u = await userOf(userId);
      await store.transaction(async (r) => {
        await r.factors.clearTotp(u.id);
        await r.factors.deletePasskeysOf(u.id);
        await r.auth.deleteSessionsOf(u.id);
        await r.audit.record(
          actor,
          'user.second_factors_reset',
          { type: 'user', id: u.id },
          { username: u.username },
        );
      });
    },

    /** Options for a new passkey of the signed-in user (the challenge is kept server-side, good once). */
    async passkeyRegistrationOptions(actor: UserActor, site: WebAuthnSite) {
      const u = await userOf(actor.userId);
      const existing = await repo.passkeysOf(u.id);
      const options = await generateRegistrationOptions({
        rpName: 'Muster',
        rpID: site.rpId,
        userName: u.username,
        userID: new TextEncoder().encode(u.id),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({
          id: p.id,
          transports: JSON.parse(p.transports) as AuthenticatorTransportFuture[],
        })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      const id = randomUUID();
      await repo.insertChallenge({
        id,
        purpose: 'webauthn_register',
        user_id: u.id,
        data: options.challenge,
        expires_at: clock.now() + CHALLENGE_MS,
      });
      return { challenge_id: id, options: options as unknown as Record<string, unknown> };
    },

    async passkeyRegister(
      actor: UserActor,
      site: WebAuthnSite,
      input: { challenge_id: string; name: string; response: unknown },
    ) {
      const ch = await repo.takeChallenge(input.challenge_id, 'webauthn_register', clock.now());
      if (!ch || ch.user_id !== actor.userId)
        throw new AppError(
          'PASSKEY_INVALID',
          'the registration challenge is unknown, used or expired; start again',
        );
      const v = await verifyRegistrationResponse({
        response: input.response as RegistrationResponseJSON,
        expectedChallenge: ch.data,
        expectedOrigin: site.origin,
        expectedRPID: site.rpId,
        requireUserVerification: false,
      }).catch((err: unknown) => {
        throw new AppError('PASSKEY_INVALID', `the passkey does not verify: ${(err as Error).message}`);
      });
      if (!v.verified || !v.registrationInfo)
        throw new AppError('PASSKEY_INVALID', 'the passkey does not verify');
      const c = v.registrationInfo.credential;
      const row = {
        id: c.id,
        user_id: actor.userId,
        name: input.name,
        public_key: Buffer.from(c.publicKey).toString('base64url'),
        counter: c.counter,
        transports: JSON.stringify(c.transports ?? []),
        created_at: clock.now(),
        last_used_at: null,
      };
      await store.transaction(async (r) => {
        await r.factors.insertPasskey(row);
        await r.auth.unrestrictSessions(actor.userId);
        await r.audit.record(
          actor,
          'user.passkey_added',
          { type: 'user', id: actor.userId },
          { name: input.name },
        );
      });
      return { id: row.id, name: row.name, created_at: row.created_at, last_used_at: null };
    },

    async passkeyRemove(actor: UserActor, id: string) {
      const p = await repo.findPasskey(id);
      if (!p || p.user_id !== actor.userId) throw new AppError('NOT_FOUND', `passkey ${id} does not exist`);
      await store.transaction(async (r) => {
        await r.factors.deletePasskey(actor.userId, id);
        await r.audit.record(
          actor,
          'user.passkey_removed',
          { type: 'user', id: actor.userId },
          { name: p.name },
        );
      });
    },

    /** Options to sign in with a passkey: any of the site's (discoverable), or those of one user name. */
    async passkeyLoginOptions(site: WebAuthnSite, username?: string) {
      const user = username ? await store.repos.auth.findUserByUsername(username) : undefined;
      const keys = user ? await repo.passkeysOf(user.id) : [];
      const options = await generateAuthenticationOptions({
        rpID: site.rpId,
        userVerification: 'preferred',
        allowCredentials: keys.map((p) => ({
          id: p.id,
          transports: JSON.parse(p.transports) as AuthenticatorTransportFuture[],
        })),
      });
      const id = randomUUID();
      await repo.insertChallenge({
        id,
        purpose: 'webauthn_login',
        user_id: null,
        data: options.challenge,
        expires_at: clock.now() + CHALLENGE_MS,
      });
      return { challenge_id: id, options: options as unknown as Record<string, unknown> };
    },

    /** Verify a passkey sign-in; the user it proves (the caller opens the session). */
    async passkeyLogin(site: WebAuthnSite, input: { challenge_id: string; response: unknown }) {
      const ch = await repo.takeChallenge(input.challenge_id, 'webauthn_login', clock.now());
      if (!ch)
        throw new AppError(
          'PASSKEY_INVALID',
          'the sign-in challenge is unknown, used or expired; start again',
        );
      const response = input.response as AuthenticationResponseJSON;
      const key = typeof response?.id === 'string' ? await repo.findPasskey(response.id) : undefined;
      if (!key) throw new AppError('PASSKEY_INVALID', 'this passkey is not known here');
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: ch.data,
        expectedOrigin: site.origin,
        expectedRPID: site.rpId,
        credential: {
          id: key.id,
          publicKey: new Uint8Array(Buffer.from(key.public_key, 'base64url')),
          counter: Number(key.counter),
          transports: JSON.parse(key.transports) as AuthenticatorTransportFuture[],
        },
        requireUserVerification: false,
      }).catch((err: unknown) => {
        throw new AppError('PASSKEY_INVALID', `the passkey does not verify: ${(err as Error).message}`);
      });
      if (!v.verified) throw new AppError('PASSKEY_INVALID', 'the passkey does not verify');
      await repo.passkeyUsed(key.id, v.authenticationInfo.newCounter, clock.now());
      return { userId: key.user_id, passkeyName: key.name };
    },
  };
}
export type SecondFactors = ReturnType<typeof createSecondFactors>;
