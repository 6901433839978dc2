import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, ApiError, roleAtLeast, setUnauthenticatedHandler, type Me } from './api.ts';
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
import { AccountPage, NotFoundPage } from './pages/account.tsx';
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

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          try {
            onSignedIn(
              await answer(
                client.POST('/api/auth/login', {
                  body: { username: field(f, 'username'), password: field(f, 'password') },
                }),
              ),
            );
          } catch (err) {
            setError(
              err instanceof ApiError && err.status === 401 ? new Error('Wrong user name or password.') : err,
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Muster</h1>
        <label>
          User name
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorText error={error} />
        <button class="primary" type="submit" disabled={busy}>
          Sign in
        </button>
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

  return <SignedIn me={me} path={path} onSignedOut={() => setMe(null)} />;
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
          <span class="role">({me.role})</span>
        </span>
        <button
          type="button"
          onClick={async () => {
            await ok(client.POST('/api/auth/logout')).catch(() => undefined);
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
