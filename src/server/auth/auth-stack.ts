import type { Clock } from '../clock.ts';
import type { Sealer } from '../crypto.ts';
import type { Store } from '../repos/store.ts';
import { createAccessService, type RoleMap } from './access-service.ts';
import { createApiKeyService } from './api-keys.ts';
import { createAuthPolicy } from './auth-policy.ts';
import { createAuthService, type LocalLogin } from './auth-service.ts';
import { createRoleBindings } from './role-bindings.ts';
import { createSecondFactors } from './second-factors.ts';

/** Who may do what and how they prove it: roles and their scopes, the sign-in policy, second factors, users, keys. */
export function createAuthStack(deps: {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  roleMap?: RoleMap;
  localLogin?: LocalLogin;
  onPasswordChanged?: (username: string) => void;
}) {
  const { store, clock } = deps;
  const access = createAccessService({ store, roleMap: deps.roleMap });
  const policy = createAuthPolicy({ store, clock });
  const factors = createSecondFactors({ store, clock, sealer: deps.sealer });
  const auth = createAuthService({
    store,
    clock,
    access,
    policy,
    factors,
    localLogin: deps.localLogin,
    onPasswordChanged: deps.onPasswordChanged,
  });
  const apiKeys = createApiKeyService({ store, clock, access });
  const bindings = createRoleBindings({ store, clock, access });
  return { access, policy, factors, auth, apiKeys, bindings };
}
export type AuthStack = ReturnType<typeof createAuthStack>;
