import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, roleAtLeast, type Me, type Room } from '../api.ts';
import { Card, ConfirmButton, ErrorText, field, Head, Link, useAction } from '../components.tsx';
import { loadSpace } from '../live-nodes.ts';

export function RoomsPage({ me }: { me: Me }) {
  const [spaceId, setSpaceId] = useState<string | null>(null);
  const [rooms, setRooms] = useState<Room[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const load = async (sid = spaceId) => {
    if (sid) setRooms(await answer(client.GET('/api/spaces/{id}/rooms', { params: { path: { id: sid } } })));
  };
  const { error, setError, act } = useAction(() => load());
  useEffect(() => {
    loadSpace()
      .then(async (s) => {
        setSpaceId(s.id);
        await load(s.id);
      })
      .catch(setError);
  }, []);
  const admin = roleAtLeast(me.role, 'admin');
  return (
    <>
      <h1>Rooms</h1>
      <p class="hint">
        A node can be in many rooms of its space. Add or remove a node from its page; new nodes join the rooms
        chosen when they connect.
      </p>
      <ErrorText error={error} />
      <Card title="Rooms of the space">
        <table>
          <Head cols={['Name', 'Slug', 'Nodes', '']} />
          <tbody>
            {rooms.map((r) => (
              <tr key={r.id} data-room={r.slug}>
                <td>
                  {editing === r.id ? (
                    <form
                      class="inline"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const name = field(e.currentTarget, 'name');
                        void act(() =>
                          ok(
                            client.PATCH('/api/rooms/{id}', {
                              params: { path: { id: r.id } },
                              body: { name },
                            }),
                          ),
                        ).then(() => setEditing(null));
                      }}
                    >
                      <input name="name" value={r.name} aria-label="New name" autoFocus />
                      <button type="submit">Save</button>
                      <button type="button" onClick={() => setEditing(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    r.name
                  )}
                  {r.is_default && <span class="badge">default</span>}
                </td>
                <td>
                  <code>{r.slug}</code>
                </td>
                <td>{r.node_count}</td>
                <td class="row-actions">
                  <Link href={`/rooms/${r.id}/charts`}>Charts</Link>
                  {admin && editing !== r.id && (
                    <button type="button" onClick={() => setEditing(r.id)}>
                      Rename
                    </button>
                  )}
                  {admin && !r.is_default && (
                    <ConfirmButton
                      label="Delete"
                      danger
                      question={`Delete room ${r.name}? Its nodes stay in the space and in their other rooms.`}
                      onConfirm={() =>
                        ok(client.DELETE('/api/rooms/{id}', { params: { path: { id: r.id } } })).then(() =>
                          load(),
                        )
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {admin && (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              const form = e.currentTarget;
              const name = field(form, 'name');
              if (!spaceId) return;
              void act(() =>
                ok(
                  client.POST('/api/spaces/{id}/rooms', {
                    params: { path: { id: spaceId } },
                    body: { name },
                  }),
                ),
              ).then(() => form.reset());
            }}
          >
            <label>
              New room
              <input name="name" required maxLength={100} />
            </label>
            <button class="primary" type="submit">
              Create room
            </button>
          </form>
        )}
      </Card>
    </>
  );
}
