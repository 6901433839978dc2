import { useEffect, useState } from 'preact/hooks';
import { answer, client, type AuditEvent } from '../api.ts';
import { Card, ErrorText, when, Head } from '../components.tsx';

export function AuditPage() {
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [action, setAction] = useState('');
  const [error, setError] = useState<unknown>(null);
  const load = async (before?: number) => {
    try {
      const r = await answer(
        client.GET('/api/audit', {
          params: { query: { limit: 100, ...(action ? { action } : {}), ...(before ? { before } : {}) } },
        }),
      );
      setEvents((old) => (before ? [...old, ...r.events] : r.events));
      setNext(r.next_before);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [action]);
  return (
    <>
      <h1>Audit</h1>
      <ErrorText error={error} />
      <Card
        title="What happened, by whom, from where"
        actions={
          <label>
            Action
            <select value={action} onChange={(e) => setAction(e.currentTarget.value)}>
              <option value="">All</option>
              <option value="login.">Sign-ins</option>
              <option value="token.">Tokens</option>
              <option value="node.">Nodes</option>
              <option value="user.">Users</option>
              <option value="schedule.">Schedules</option>
            </select>
          </label>
        }
      >
        <table>
          <Head cols={['When', 'Action', 'Actor', 'Target', 'From', 'Detail']} />
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{when(e.at)}</td>
                <td>{e.action}</td>
                <td>{e.actor_name ?? `${e.actor_type}${e.actor_id ? ` ${e.actor_id.slice(0, 8)}` : ''}`}</td>
                <td title={e.target_id ?? undefined}>
                  {e.target_type
                    ? `${e.target_type} ${e.target_name ?? e.target_id?.slice(0, 8) ?? ''}`
                    : '—'}
                </td>
                <td>{e.source_ip ?? '—'}</td>
                <td class="detail">{Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {next && (
          <button type="button" onClick={() => load(next)}>
            Older
          </button>
        )}
      </Card>
    </>
  );
}
