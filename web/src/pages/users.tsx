import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, role, type Me, type User } from '../api.ts';
import { userRole } from '../../../src/protocol/api/accounts.ts';
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
                            body: { role: userRole.parse(e.currentTarget.value) },
                          }),
                        ),
                      )
                    }
                  >
                    <option value="none">none (roles in rooms only)</option>
                    <option value="viewer">viewer</option>
                    <option value="operator">operator</option>
                    <option value="admin">admin</option>
                  </select>
                  {u.sso && <span class="hint"> single sign-on</span>}
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
                      </button>{' '}
                      <button
                        type="button"
                        title="Remove their authenticator app, recovery codes and passkeys (a lost device)"
                        onClick={() =>
                          act(() =>
                            ok(
                              client.DELETE('/api/users/{id}/second-factors', {
                                params: { path: { id: u.id } },
                              }),
                            ),
                          )
                        }
                      >
                        Reset second factors
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
                    role: userRole.parse(field(f, 'role')),
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
              <option value="none">none (roles in rooms only)</option>
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
      <RoleBindings users={users} />
      <SignInPolicy />
    </>
  );
}

type Binding = {
  id: string;
  username: string | null;
  oidc_group: string | null;
  role: string;
  space_id: string | null;
  room_id: string | null;
  source: 'api' | 'config';
};

/** Roles held in one room or space (or everywhere), by a user or by an identity provider's group. */
function RoleBindings({ users }: { users: User[] }) {
  const [bindings, setBindings] = useState<Binding[]>([]);
  const [rooms, setRooms] = useState<{ id: string; name: string }[]>([]);
  const load = () => answer(client.GET('/api/role-bindings')).then(setBindings, setError);
  const { error, setError, act } = useAction(() => load());
  useEffect(() => {
    void load();
    void answer(client.GET('/api/spaces')).then(async (spaces) => {
      const all = await Promise.all(
        spaces.map((s) => answer(client.GET('/api/spaces/{id}/rooms', { params: { path: { id: s.id } } }))),
      );
      setRooms(all.flat());
    }, setError);
  }, []);
  const roomName = (id: string | null) => rooms.find((r) => r.id === id)?.name ?? id;
  return (
    <Card title="Roles in rooms and spaces">
      <ErrorText error={error} />
      <table>
        <Head cols={['Who', 'Role', 'Where', '']} />
        <tbody>
          {bindings.map((b) => (
            <tr key={b.id} data-binding={b.id}>
              <td>{b.username ?? `group ${b.oidc_group}`}</td>
              <td>{b.role}</td>
              <td>
                {b.room_id
                  ? `room ${roomName(b.room_id)}`
                  : b.space_id
                    ? `space ${b.space_id}`
                    : 'everywhere'}
              </td>
              <td>
                {b.source === 'config' ? (
                  <span class="hint">from --oidc-role-map</span>
                ) : (
                  <button
                    type="button"
                    onClick={() =>
                      act(() =>
                        ok(client.DELETE('/api/role-bindings/{id}', { params: { path: { id: b.id } } })),
                      )
                    }
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const who = field(f, 'who');
          const where = field(f, 'room');
          void act(() =>
            ok(
              client.POST('/api/role-bindings', {
                body: {
                  ...(who.startsWith('group:') ? { oidc_group: who.slice(6) } : { user_id: who }),
                  role: role.parse(field(f, 'role')),
                  ...(where ? { room_id: where } : {}),
                },
              }),
            ),
          );
        }}
      >
        <label>
          Who
          <select name="who">
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select name="role">
            <option value="viewer">viewer</option>
            <option value="operator">operator</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Room
          <select name="room" key={rooms.length}>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
            <option value="">everywhere</option>
          </select>
        </label>
        <button type="submit">Give the role</button>
      </form>
      <p class="hint">
        Someone with a role in a room sees that room's nodes and nothing else; an operator there runs jobs on
        them. Identity-provider groups get roles through --oidc-role-map or POST /api/role-bindings with
        oidc_group.
      </p>
    </Card>
  );
}

/** Who must have a second factor, and how long sessions last. */
function SignInPolicy() {
  const [policy, setPolicy] = useState<{
    second_factor: 'off' | 'admins' | 'everyone';
    session_idle_minutes: number;
    session_lifetime_hours: number;
  } | null>(null);
  const load = () => answer(client.GET('/api/auth/policy')).then(setPolicy, setError);
  const { error, setError, act } = useAction(() => load());
  useEffect(() => void load(), []);
  if (!policy) return <ErrorText error={error} />;
  return (
    <Card title="Sign-in policy">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const second = field(f, 'second_factor');
          void act(() =>
            ok(
              client.PATCH('/api/auth/policy', {
                body: {
                  second_factor: second === 'admins' || second === 'everyone' ? second : 'off',
                  session_idle_minutes: Number(field(f, 'idle')),
                  session_lifetime_hours: Number(field(f, 'lifetime')),
                },
              }),
            ),
          );
        }}
      >
        <label>
          Second factor required for
          <select name="second_factor" defaultValue={policy.second_factor}>
            <option value="off">nobody</option>
            <option value="admins">admins</option>
            <option value="everyone">everyone</option>
          </select>
        </label>
        <label>
          Idle timeout (minutes)
          <input name="idle" type="number" min={5} defaultValue={String(policy.session_idle_minutes)} />
        </label>
        <label>
          Session lifetime (hours)
          <input name="lifetime" type="number" min={1} defaultValue={String(policy.session_lifetime_hours)} />
        </label>
        <button type="submit">Save</button>
      </form>
      <ErrorText error={error} />
    </Card>
  );
}
