import { startRegistration } from '@simplewebauthn/browser';
import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, type Me } from '../api.ts';
import { Card, ErrorText, field } from '../components.tsx';

type Factors = {
  totp: boolean;
  recovery_codes_left: number;
  passkeys: { id: string; name: string; created_at: number; last_used_at: number | null }[];
};
type Session = {
  id: string;
  created_at: number;
  last_used_at: number;
  address: string | null;
  device: string | null;
  method: string;
  current: boolean;
};
const when = (ms: number) => new Date(ms).toLocaleString();

/** TOTP (with its recovery codes) and passkeys: enrol, see, remove. */
export function SecondFactors() {
  const [factors, setFactors] = useState<Factors | null>(null);
  const [enrolling, setEnrolling] = useState<{ secret: string; otpauth_url: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () => answer(client.GET('/api/me/second-factors')).then(setFactors, setError);
  useEffect(() => void reload(), []);
  if (!factors) return <ErrorText error={error} />;
  return (
    <>
      <Card title="Authenticator app (TOTP)">
        {factors.totp ? (
          <>
            <p>
              On. {factors.recovery_codes_left} recovery code{factors.recovery_codes_left === 1 ? '' : 's'}{' '}
              left.
            </p>
            <button type="button" onClick={() => ok(client.DELETE('/api/me/totp')).then(reload, setError)}>
              Turn off
            </button>
          </>
        ) : enrolling ? (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              answer(
                client.POST('/api/me/totp/confirm', { body: { code: field(e.currentTarget, 'code') } }),
              ).then((r) => {
                setCodes(r.recovery_codes);
                setEnrolling(null);
                void reload();
              }, setError);
            }}
          >
            <p>
              Add this secret to your authenticator app:{' '}
              <code data-testid="totp-secret">{enrolling.secret}</code> (or open{' '}
              <a href={enrolling.otpauth_url}>this link</a> on the device that has it).
            </p>
            <label>
              Code from the app
              <input name="code" autoComplete="one-time-code" inputMode="numeric" required />
            </label>
            <button class="primary" type="submit">
              Turn on
            </button>
          </form>
        ) : (
          <button
            type="button"
            onClick={() => answer(client.POST('/api/me/totp')).then(setEnrolling, setError)}
          >
            Set up an authenticator app
          </button>
        )}
        {codes && (
          <div role="status">
            <p>Recovery codes, each good once. Keep them somewhere safe: they are not shown again.</p>
            <pre data-testid="recovery-codes">{codes.join('\n')}</pre>
          </div>
        )}
      </Card>
      <Card title="Passkeys">
        {factors.passkeys.length === 0 && <p>No passkey yet.</p>}
        <ul>
          {factors.passkeys.map((p) => (
            <li key={p.id}>
              {p.name}, added {when(p.created_at)}
              {p.last_used_at ? `, last used ${when(p.last_used_at)}` : ''}{' '}
              <button
                type="button"
                onClick={() =>
                  ok(client.DELETE('/api/me/passkeys/{id}', { params: { path: { id: p.id } } })).then(
                    reload,
                    setError,
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form
          class="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            const name = field(e.currentTarget, 'name') || 'passkey';
            try {
              const { challenge_id, options } = await answer(client.POST('/api/me/passkeys/options'));
              const response = await startRegistration({
                optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'],
              });
              await answer(
                client.POST('/api/me/passkeys', {
                  body: { challenge_id, name, response: response as unknown as Record<string, unknown> },
                }),
              );
              await reload();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <label>
            Name
            <input name="name" placeholder="laptop" />
          </label>
          <button type="submit">Add a passkey</button>
        </form>
      </Card>
      <ErrorText error={error} />
    </>
  );
}

/** Where this user is signed in, with a way to end each session. */
function Sessions() {
  const [sessions, setSessions] = useState<Session[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = () => answer(client.GET('/api/me/sessions')).then(setSessions, setError);
  useEffect(() => void reload(), []);
  return (
    <Card title="Sessions">
      <table>
        <thead>
          <tr>
            <th>Device</th>
            <th>Address</th>
            <th>Signed in</th>
            <th>Last used</th>
            <th>How</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>{s.device ?? '—'}</td>
              <td>{s.address ?? '—'}</td>
              <td>{when(s.created_at)}</td>
              <td>{when(s.last_used_at)}</td>
              <td>{s.method}</td>
              <td>
                {s.current ? (
                  'this one'
                ) : (
                  <button
                    type="button"
                    onClick={() =>
                      ok(client.DELETE('/api/me/sessions/{id}', { params: { path: { id: s.id } } })).then(
                        reload,
                        setError,
                      )
                    }
                  >
                    End
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorText error={error} />
    </Card>
  );
}

/** Change one's own password (the session goes on; every other one ends). */
export function PasswordForm({ onChanged }: { onChanged?: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  return (
    <>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          setDone(false);
          if (field(form, 'new_password') !== field(form, 'again')) {
            setError(new Error('The new passwords differ.'));
            return;
          }
          ok(
            client.PUT('/api/me/password', {
              body: {
                current_password: field(form, 'current_password'),
                new_password: field(form, 'new_password'),
              },
            }),
          ).then(() => {
            setError(null);
            setDone(true);
            form.reset();
            onChanged?.();
          }, setError);
        }}
      >
        <label>
          Current password
          <input name="current_password" type="password" required autoComplete="current-password" />
        </label>
        <label>
          New password (12+ characters)
          <input name="new_password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <label>
          New password again
          <input name="again" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <button class="primary" type="submit">
          Change password
        </button>
      </form>
      <ErrorText error={error} />
      {done && (
        <p class="hint" role="status">
          Password changed. Every other session of yours has ended; this one goes on.
        </p>
      )}
    </>
  );
}

/** The signed-in user's own account: their password. */
export function AccountPage({ me }: { me: Me }) {
  return (
    <>
      <h1>Account</h1>
      <Card title={`Password of ${me.username}`}>
        <PasswordForm />
        <p class="hint">Changing it signs you out everywhere else, including other browsers.</p>
      </Card>
      <SecondFactors />
      <Sessions />
    </>
  );
}

/** What an unknown address shows. */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>. <a href="/nodes">Back to the nodes</a>.
      </p>
    </>
  );
}
