import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, roleAtLeast, type Me, type Silence } from '../api.ts';
import { Card, ErrorText, field, useAction, when } from '../components.tsx';

/** A local date and time input's value for `ms`. */
const local = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/**
 * A node's maintenance windows: silences of this node from a time until a time. Its alerts still show; nothing is
 * sent for them meanwhile.
 */
export function MaintenanceCard({ nodeId, me }: { nodeId: string; me: Me }) {
  const [windows, setWindows] = useState<Silence[]>([]);
  const load = async () =>
    setWindows((await answer(client.GET('/api/silences'))).filter((s) => s.node_id === nodeId && !s.kind));
  const { error, act } = useAction(load);
  useEffect(() => void act(async () => undefined), [nodeId]);
  const operator = roleAtLeast(me.role, 'operator');
  const now = Date.now();
  return (
    <Card title="Maintenance">
      {windows.length === 0 ? (
        <p class="empty">No maintenance window: alerts of this node are sent as their rules say.</p>
      ) : (
        <ul class="recent">
          {windows.map((w) => (
            <li key={w.id}>
              {w.active ? 'Now' : 'From ' + when(w.starts_at)} until {when(w.ends_at)}: {w.comment} (
              {w.created_by}){' '}
              {operator && (
                <button
                  type="button"
                  onClick={() =>
                    act(() => ok(client.DELETE('/api/silences/{id}', { params: { path: { id: w.id } } })))
                  }
                >
                  End
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {operator && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = e.currentTarget;
            void act(() =>
              ok(
                client.POST('/api/silences', {
                  body: {
                    node_id: nodeId,
                    starts_at: new Date(field(f, 'from')).getTime(),
                    ends_at: new Date(field(f, 'until')).getTime(),
                    comment: field(f, 'comment'),
                  },
                }),
              ),
            );
          }}
        >
          <label>
            From
            <input name="from" type="datetime-local" required defaultValue={local(now)} />
          </label>
          <label>
            Until
            <input name="until" type="datetime-local" required defaultValue={local(now + 2 * 3600_000)} />
          </label>
          <label>
            Comment
            <input name="comment" required placeholder="kernel upgrade" />
          </label>
          <button type="submit">Plan maintenance</button>
        </form>
      )}
      <ErrorText error={error} />
    </Card>
  );
}
