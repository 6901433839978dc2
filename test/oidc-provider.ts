/**
 * A real OpenID provider for the tests, run as its own process: the certified `oidc-provider` package with one
 * confidential client (PKCE required), its development sign-in pages (any password is accepted for a known user), and
 * users whose groups are read from a JSON file at every sign-in, so a test can move a user between groups.
 *
 * tsx test/oidc-provider.ts <port> <users.json> <redirect-uri> <post-logout-uri>
 * users.json: {"alice": {"email": "alice@example.test", "groups": ["web-ops"]}, …}
 */
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, usersFile, redirectUri, postLogoutUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const users = () =>
  JSON.parse(readFileSync(usersFile!, 'utf8')) as Record<string, { email: string; groups: string[] }>;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'muster',
      client_secret: 'muster-test-client-secret',
      redirect_uris: [redirectUri!],
      post_logout_redirect_uris: [postLogoutUri!],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email'], groups: ['groups'] },
  async findAccount(_ctx, id) {
    const u = users()[id];
    if (!u) return undefined;
    return {
      accountId: id,
      claims: async () => ({ sub: id, preferred_username: id, email: u.email, groups: u.groups }),
    };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['muster-test-provider-cookie-key'] },
});
provider.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${issuer}\n`));
