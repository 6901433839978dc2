import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { startAuthentication } from '@simplewebauthn/browser';
import { answer, client, ApiError, roleAtLeast, setUnauthenticatedHandler, type Me } from './api.ts';
import { ErrorText, field, Link, navigate } from './components.tsx';
import { useOpenAlerts } from './alerts-data.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { BackupsPage } from './pages/backups.tsx';
import { AuditPage } from './pages/audit.tsx';
import { EventsPage } from './pages/events.tsx';
import { HomePage } from './pages/home.tsx';
import { NotificationsPage } from './pages/notifications.tsx';
import { NodePage } from './pages/node.tsx';
import { NodesPage } from './pages/nodes.tsx';
import { RoomsPage } from './pages/rooms.tsx';
import { RoomChartsPage } from './pages/room-charts.tsx';
import { TokensPage } from './pages/tokens.tsx';
import { UsersPage } from './pages/users.tsx';
import { AccountPage, NotFoundPage, PasswordForm, SecondFactors } from './pages/account.tsx';
import './styles.css';

function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

/** Sign in with a passkey of this site (any of them, or one of this user's), through the browser. */
async function passkeySignIn(username?: string): Promise<Me> {
  const { challenge_id, options } = await answer(
    client.POST('/api/auth/passkey/options', { body: username ? { username } : {} }),
  );
  const response = await startAuthentication({
    optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'],
  });
  return answer(
    client.POST('/api/auth/passkey', {
      body: { challenge_id, response: response as unknown as Record<string, unknown> },
    }),
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const ssoError = new URLSearchParams(location.search).get('sso_error');
  const [error, setError] = useState<unknown>(ssoError ? new Error(ssoError) : null);
  const [busy, setBusy] = useState(false);
  /** The password was right and the account has a second factor: the code is asked for. */
  const [second, setSecond] = useState<{ username: string; password: string; totp: boolean } | null>(null);
  const [methods, setMethods] = useState<{ local_login: string; oidc: boolean } | null>(null);
  useEffect(() => {
    answer(client.GET('/api/auth/methods')).then(setMethods, () => undefined);
  }, []);
  const local = methods?.local_login !== 'off';
  return (
    <main class="signin">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          const username = second?.username ?? field(f, 'username');
          const password = second?.password ?? field(f, 'password');
          try {
            onSignedIn(
              await answer(
                client.POST('/api/auth/login', {
                  body: { username, password, ...(second ? { totp: field(f, 'totp') } : {}) },
                }),
              ),
            );
          } catch (err) {
            const code = err instanceof ApiError ? err.code : null;
            if (code === 'second_factor_required') {
              const totp = err instanceof Error && err.message.includes('totp');
              setSecond({ username, password, totp });
            } else setError(code === 'unauthenticated' ? new Error('Wrong user name or password.') : err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Muster</h1>
        {!second && local && (
          <>
            <label>
              User name
              <input name="username" autoComplete="username webauthn" required autoFocus />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
          </>
        )}
        {second?.totp && (
          <label>
            Code from your authenticator app (or a recovery code)
            <input name="totp" autoComplete="one-time-code" inputMode="numeric" required autoFocus />
          </label>
        )}
        {second && !second.totp && <p>This account signs in with its passkey.</p>}
        <ErrorText error={error} />
        {(local || second) && (second?.totp ?? true) && (
          <button class="primary" type="submit" disabled={busy}>
            {second ? 'Verify' : 'Sign in'}
          </button>
        )}
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              onSignedIn(await passkeySignIn(second?.username));
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          Use a passkey
        </button>
        {methods?.oidc && (
          <a class="button" href={`/api/auth/oidc/login?return_to=${encodeURIComponent(location.pathname)}`}>
            Single sign-on
          </a>
        )}
      </form>
    </main>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const path = usePath();
  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    answer(client.GET('/api/me')).then(setMe, () => setMe(null));
  }, []);
  if (me === undefined) return <p class="loading">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  if (me.second_factor_required) return <EnrolFirst me={me} onSignedOut={() => setMe(null)} />;
  if (me.password_change_required)
    return (
      <ChoosePassword
        me={me}
        onDone={() => setMe({ ...me, password_change_required: false })}
        onSignedOut={() => setMe(null)}
      />
    );

  return <SignedIn me={me} path={path} onSignedOut={() => setMe(null)} />;
}

/** The first admin signs in with the generated password: they choose their own before anything else. */
function ChoosePassword({
  me,
  onDone,
  onSignedOut,
}: {
  me: Me;
  onDone: () => void;
  onSignedOut: () => void;
}) {
  return (
    <main class="signin">
      <h1>Muster</h1>
      <p>
        Welcome, {me.username}. You signed in with the password the server generated at its first start, which
        its log and data directory hold: choose your own now.
      </p>
      <PasswordForm onChanged={onDone} />
      <button
        type="button"
        onClick={async () => {
          await client.POST('/api/auth/logout').catch(() => null);
          onSignedOut();
        }}
      >
        Sign out
      </button>
    </main>
  );
}

/** The server requires a second factor and this user has none: they enrol one before anything else. */
function EnrolFirst({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  return (
    <main class="signin">
      <h1>Muster</h1>
      <p>
        This server requires a second factor. Add one, {me.username}, then <a href="/">continue</a>.
      </p>
      <SecondFactors />
      <button
        type="button"
        onClick={async () => {
          await client.POST('/api/auth/logout').catch(() => null);
          onSignedOut();
        }}
      >
        Sign out
      </button>
    </main>
  );
}

/** The pages of a signed-in user, with the header (and its count of open alerts). */
function SignedIn({ me, path, onSignedOut }: { me: Me; path: string; onSignedOut: () => void }) {
  const open = useOpenAlerts();
  const admin = roleAtLeast(me.role, 'admin');
  const nav = [
    { href: '/', label: 'Home', show: true },
    { href: '/nodes', label: 'Nodes', show: true },
    { href: '/alerts', label: 'Alerts', show: true },
    { href: '/backups', label: 'Backups', show: true },
    { href: '/events', label: 'Events', show: true },
    { href: '/rooms', label: 'Rooms', show: true },
    { href: '/tokens', label: 'Tokens', show: roleAtLeast(me.role, 'operator') },
    { href: '/users', label: 'Users', show: admin },
    { href: '/audit', label: 'Audit', show: admin },
  ];
  const node = /^\/nodes\/([^/]+)$/.exec(path);
  const roomCharts = /^\/rooms\/([^/]+)\/charts$/.exec(path);
  let page;
  if (node) page = <NodePage id={decodeURIComponent(node[1]!)} me={me} />;
  else if (roomCharts) page = <RoomChartsPage id={decodeURIComponent(roomCharts[1]!)} />;
  else if (path === '/rooms') page = <RoomsPage me={me} />;
  else if (path === '/tokens') page = <TokensPage me={me} />;
  else if (path === '/users' && admin) page = <UsersPage me={me} />;
  else if (path === '/audit' && admin) page = <AuditPage />;
  else if (path === '/account') page = <AccountPage me={me} />;
  else if (path === '/nodes') page = <NodesPage me={me} alerts={open} />;
  else if (path === '/alerts') page = <AlertsPage me={me} />;
  else if (path === '/backups') page = <BackupsPage me={me} />;
  else if (path === '/notifications') page = <NotificationsPage me={me} />;
  else if (path === '/events') page = <EventsPage />;
  else if (path === '/') page = <HomePage />;
  else page = <NotFoundPage path={path} />;

  return (
    <>
      <header class="top">
        <Link href="/" class="brand">
          Muster
        </Link>
        <nav aria-label="Main">
          {nav
            .filter((n) => n.show)
            .map((n) => (
              <Link key={n.href} href={n.href} class={path === n.href ? 'current' : ''}>
                {n.label}
                {n.href === '/alerts' && open.some((a) => a.state === 'firing') && (
                  <span class="alert-count" aria-label="alerts firing">
                    {open.filter((a) => a.state === 'firing').length}
                  </span>
                )}
              </Link>
            ))}
        </nav>
        <span class="who">
          <Link href="/account" class={path === '/account' ? 'current' : ''}>
            {me.username}
          </Link>{' '}
          <span class="role">({me.global_role ?? (me.role ? `${me.role} in rooms` : 'no role yet')})</span>
        </span>
        <button
          type="button"
          onClick={async () => {
            const r = await client.POST('/api/auth/logout').catch(() => null);
            // A session of the identity provider ends there too, when the provider has an end-session page.
            const end = (r?.data as { end_session_url?: string } | undefined)?.end_session_url;
            if (end) {
              location.assign(end);
              return;
            }
            onSignedOut();
            navigate('/');
          }}
        >
          Sign out
        </button>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
