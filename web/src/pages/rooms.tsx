import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, roleAtLeast, type Me, type Room } from '../api.ts';
import { Card, ConfirmButton, ErrorText, field, Head, Link, useAction } from '../components.tsx';
import { loadSpace } from '../live-nodes.ts';

/** A room's rules as people write them: one rule per line, `key=pattern` conditions separated by spaces. */
const rulesText = (rules: Record<string, string>[]) =>
  rules
    .map((r) =>
      Object.entries(r)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    )
    .join('\n');
function parseRules(text: string): Record<string, string>[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) =>
      Object.fromEntries(
        line.split(/\s+/).map((c) => {
          const i = c.indexOf('=');
          if (i <= 0) throw new Error(`"${c}" is not key=pattern`);
          return [c.slice(0, i), c.slice(i + 1)];
        }),
      ),
    );
}

/** When the space removes ephemeral and stale nodes, and whether agents may announce themselves. */
function NodeLifeSettings({ spaceId, admin }: { spaceId: string; admin: boolean }) {
  const [s, setS] = useState<{
    ephemeral_remove_hours: number;
    stale_remove_days: number | null;
    announce: boolean;
  } | null>(null);
  const [saved, setSaved] = useState(false);
  const { error, setError, act } = useAction(async () => {
    setS(await answer(client.GET('/api/spaces/{id}/settings', { params: { path: { id: spaceId } } })));
  });
  useEffect(() => {
    answer(client.GET('/api/spaces/{id}/settings', { params: { path: { id: spaceId } } })).then(
      setS,
      setError,
    );
  }, [spaceId]);
  if (!s) return null;
  // The fields hold what the user types (default values, not controlled ones): the page re-renders whenever the
  // app does (the open alerts are read again every few seconds), which would put a controlled field back.
  return (
    <Card title="Nodes that come and go">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const stale = field(form, 'stale_remove_days');
          setSaved(false);
          void act(() =>
            ok(
              client.PATCH('/api/spaces/{id}/settings', {
                params: { path: { id: spaceId } },
                body: {
                  ephemeral_remove_hours: Number(field(form, 'ephemeral_remove_hours')),
                  stale_remove_days: stale ? Number(stale) : null,
                  announce: (form.elements.namedItem('announce') as HTMLInputElement).checked,
                },
              }),
            ),
          ).then(() => setSaved(true));
        }}
      >
        <label>
          Remove ephemeral nodes after (hours offline)
          <input
            name="ephemeral_remove_hours"
            type="number"
            min="0.01"
            step="any"
            required
            disabled={!admin}
            defaultValue={String(s.ephemeral_remove_hours)}
          />
        </label>
        <label>
          Remove stale nodes after a further (days; empty: never)
          <input
            name="stale_remove_days"
            type="number"
            min="0.01"
            step="any"
            disabled={!admin}
            defaultValue={s.stale_remove_days === null ? '' : String(s.stale_remove_days)}
          />
        </label>
        <label class="check">
          <input name="announce" type="checkbox" disabled={!admin} defaultChecked={s.announce} /> Agents may
          announce themselves (no token) and wait for approval
        </label>
        {admin && (
          <button class="primary" type="submit">
            Save
          </button>
        )}
      </form>
      {saved && <p role="status">Saved.</p>}
      <ErrorText error={error} />
      <p class="hint">
        Ephemeral nodes are those claimed with <code>--ephemeral</code> (autoscaled machines, CI runners) or
        whose Netdata agent has the <code>_is_ephemeral</code> label. A node offline longer than the server's
        stale age is shown as stale.
      </p>
    </Card>
  );
}

export function RoomsPage({ me }: { me: Me }) {
  const [rulesOf, setRulesOf] = useState<string | null>(null);
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
        chosen when they connect, and the rooms whose rules match their facts and host labels (one rule per
        line, every <code>key=pattern</code> of a line must match: <code>hostname</code>, <code>os</code>,{' '}
        <code>arch</code>, <code>agent_kind</code>, <code>tag</code>, <code>label.NAME</code>…; <code>*</code>{' '}
        is a wildcard).
      </p>
      <ErrorText error={error} />
      <Card title="Rooms of the space">
        <table>
          <Head cols={['Name', 'Slug', 'Nodes', 'Rules', '']} />
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
                      <input name="name" defaultValue={r.name} aria-label="New name" autoFocus />
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
                <td class="rules">
                  {rulesOf === r.id ? (
                    <form
                      onSubmit={(e) => {
                        e.preventDefault();
                        let rules: Record<string, string>[];
                        try {
                          rules = parseRules(field(e.currentTarget, 'rules'));
                        } catch (err) {
                          setError(err);
                          return;
                        }
                        void act(() =>
                          ok(
                            client.PUT('/api/rooms/{id}/rules', {
                              params: { path: { id: r.id } },
                              body: { rules },
                            }),
                          ),
                        ).then(() => setRulesOf(null));
                      }}
                    >
                      <textarea
                        name="rules"
                        rows={3}
                        aria-label={`Rules of ${r.name}`}
                        placeholder={'label.env=prod os=Debian*\narch=arm64'}
                        defaultValue={rulesText(r.rules)}
                      />
                      <button type="submit">Save rules</button>
                      <button type="button" onClick={() => setRulesOf(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <pre class="rules-text">{rulesText(r.rules) || '—'}</pre>
                  )}
                </td>
                <td class="row-actions">
                  <Link href={`/rooms/${r.id}/charts`}>Charts</Link>
                  {admin && editing !== r.id && (
                    <button type="button" onClick={() => setEditing(r.id)}>
                      Rename
                    </button>
                  )}
                  {admin && !r.is_default && rulesOf !== r.id && (
                    <button type="button" onClick={() => setRulesOf(r.id)}>
                      Rules
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
      {spaceId && <NodeLifeSettings spaceId={spaceId} admin={admin} />}
    </>
  );
}
