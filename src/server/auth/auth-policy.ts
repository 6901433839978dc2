import { z } from 'zod';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { Store } from '../repos/store.ts';

/** Who must have a second factor, how long a session may stay idle, and how long it lives at most. */
export const authPolicy = z.object({
  second_factor: z
    .enum(['off', 'admins', 'everyone'])
    .describe('who must enrol a second factor (TOTP or a passkey) before doing anything else'),
  session_idle_minutes: z
    .number()
    .int()
    .min(5)
    .max(60 * 24 * 30)
    .describe('a session unused this long ends'),
  session_lifetime_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .describe('a session ends this long after sign-in, used or not'),
});
export type AuthPolicy = z.infer<typeof authPolicy>;
export const DEFAULT_POLICY: AuthPolicy = {
  second_factor: 'off',
  session_idle_minutes: 24 * 60,
  session_lifetime_hours: 24,
};
const SETTING = 'auth_policy';
/** Replicas see another's change of the policy within this long. */
const CACHE_MS = 5000;

/** The sign-in policy, kept in the database (every replica reads it), changed by admins (audited). */
export function createAuthPolicy(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  let cached: { at: number; policy: AuthPolicy } | null = null;
  async function get(): Promise<AuthPolicy> {
    const now = clock.now();
    if (cached && now - cached.at < CACHE_MS) return cached.policy;
    const raw = await store.repos.cluster.setting(SETTING);
    const parsed = raw ? authPolicy.partial().safeParse(JSON.parse(raw)) : null;
    const policy = { ...DEFAULT_POLICY, ...(parsed?.success ? parsed.data : {}) };
    cached = { at: now, policy };
    return policy;
  }
  return {
    get,
    async set(actor: Actor, change: Partial<AuthPolicy>): Promise<AuthPolicy> {
      const before = await get();
      const after = { ...before, ...change };
      await store.transaction(async (r) => {
        await r.cluster.putSetting(SETTING, JSON.stringify(after));
        await r.audit.record(actor, 'auth.policy_changed', null, { before, after });
      });
      cached = { at: clock.now(), policy: after };
      return after;
    },
  };
}
export type AuthPolicyService = ReturnType<typeof createAuthPolicy>;
