import { useState } from 'preact/hooks';
import { client, ok, type Me } from '../api.ts';
import { Card, ErrorText, field } from '../components.tsx';

/** The signed-in user's own account: their password. */
export function AccountPage({ me }: { me: Me }) {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  return (
    <>
      <h1>Account</h1>
      <Card title={`Password of ${me.username}`}>
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
        <p class="hint">Changing it signs you out everywhere else, including other browsers.</p>
      </Card>
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
