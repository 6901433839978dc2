import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, role, type Me, type User } from '../api.ts';
import { Card, ErrorText, field, when, Head, useAction } from '../components.tsx';

export function UsersPage({ me }: { me: Me }) {
  const [users, setUsers] = useState<User[]>([]);
  const [resetting, setResetting] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => answer(client.GET('/api/users')).then(setUsers, setError);
  const { error, setError, act } = useAction(() => load());
  useEffect(() => void load(), []);
  return (
    <>
      <h1>Users</h1>
      <ErrorText error={error} />
      <Card title="People who can sign in">
        <table>
          <Head cols={['User', 'Role', 'State', 'Created', '']} />
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.username}>
                <td>{u.username}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    disabled={u.id === me.user_id}
                    onChange={(e) =>
                      act(() =>
                        ok(
                          client.PATCH('/api/users/{id}', {
                            params: { path: { id: u.id } },
                            body: { role: role.parse(e.currentTarget.value) },
                          }),
                        ),
                      )
                    }
                  >
                    <option value="viewer">viewer</option>
                    <option value="operator">operator</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>{u.disabled ? 'disabled' : u.locked ? 'locked (failed sign-ins)' : 'active'}</td>
                <td>{when(u.created_at)}</td>
                <td>
                  {u.id !== me.user_id && (
                    <>
                      <button
                        type="button"
                        onClick={() =>
                          act(() =>
                            ok(
                              client.PATCH('/api/users/{id}', {
                                params: { path: { id: u.id } },
                                body: { disabled: !u.disabled },
                              }),
                            ),
                          )
                        }
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>{' '}
                      <button type="button" onClick={() => setResetting(u)}>
                        Set password
                      </button>
                      {u.locked && (
                        <>
                          {' '}
                          <button
                            type="button"
                            onClick={() =>
                              act(() =>
                                ok(client.POST('/api/users/{id}/unlock', { params: { path: { id: u.id } } })),
                              )
                            }
                          >
                            Unlock
                          </button>
                        </>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {resetting && (
          <form
            class="inline"
            aria-label={`New password for ${resetting.username}`}
            onSubmit={(e) => {
              e.preventDefault();
              const who = resetting;
              void act(() =>
                ok(
                  client.PUT('/api/users/{id}/password', {
                    params: { path: { id: who.id } },
                    body: { password: field(e.currentTarget, 'password') },
                  }),
                ),
              ).then(() => {
                setResetting(null);
                setNotice(`Password of ${who.username} set; their sessions have ended.`);
              });
            }}
          >
            <label>
              New password for {resetting.username} (12+ characters)
              <input name="password" type="password" required minLength={12} autoComplete="new-password" />
            </label>
            <button class="primary" type="submit">
              Set password
            </button>
            <button type="button" onClick={() => setResetting(null)}>
              Cancel
            </button>
          </form>
        )}
        {notice && (
          <p class="hint" role="status">
            {notice}
          </p>
        )}
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const f = new FormData(form);
            void act(() =>
              ok(
                client.POST('/api/users', {
                  body: {
                    username: field(f, 'username'),
                    password: field(f, 'password'),
                    role: role.parse(field(f, 'role')),
                  },
                }),
              ),
            ).then(() => form.reset());
          }}
        >
          <label>
            User name
            <input name="username" required autoComplete="off" />
          </label>
          <label>
            First password (12+ characters)
            <input name="password" type="password" required minLength={12} autoComplete="new-password" />
          </label>
          <label>
            Role
            <select name="role">
              <option value="viewer">viewer</option>
              <option value="operator">operator</option>
              <option value="admin">admin</option>
            </select>
          </label>
          <button class="primary" type="submit">
            Create user
          </button>
        </form>
        <p class="hint">
          Give the person their first password over a safe channel. Disabling a user, or setting their
          password, ends their sessions. Your own password is under Account.
        </p>
      </Card>
    </>
  );
}
