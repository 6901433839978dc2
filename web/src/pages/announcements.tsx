import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, type Room } from '../api.ts';
import { ago, Card, ErrorText } from '../components.tsx';

interface Announcement {
  id: string;
  node_id: string;
  hostname: string;
  fingerprint: string;
  facts: Record<string, unknown>;
  source_ip: string | null;
  state: string;
  created_at: number;
  expires_at: number;
}

/**
 * Agents that announced themselves without a token (muster-agent run --announce) and wait for an operator: compare
 * the key fingerprint with the one the machine shows, then approve into a room or reject.
 */
export function AwaitingApproval({ rooms, onApproved }: { rooms: Room[]; onApproved: () => void }) {
  const [items, setItems] = useState<Announcement[]>([]);
  const [room, setRoom] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    answer(client.GET('/api/announcements')).then(
      (l) => setItems((l as Announcement[]).filter((a) => a.state === 'pending')),
      setError,
    );
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => clearInterval(t);
  }, []);
  if (items.length === 0) return null;
  const decide = (a: Announcement, how: 'approve' | 'reject') =>
    (how === 'approve'
      ? ok(
          client.POST('/api/announcements/{id}/approve', {
            params: { path: { id: a.id } },
            body: { room_id: room[a.id] || null },
          }),
        )
      : ok(client.POST('/api/announcements/{id}/reject', { params: { path: { id: a.id } } }))
    ).then(() => {
      setError(null);
      void load();
      if (how === 'approve') onApproved();
    }, setError);
  return (
    <Card title={`Awaiting approval (${items.length})`}>
      <table class="announcements">
        <thead>
          <tr>
            <th>Host name</th>
            <th>Key fingerprint</th>
            <th>System</th>
            <th>From</th>
            <th>Announced</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id} data-announcement={a.hostname}>
              <td>{a.hostname}</td>
              <td>
                <code title={a.fingerprint}>{a.fingerprint.slice(0, 16)}…</code>
              </td>
              <td>{[a.facts.os, a.facts.arch].filter(Boolean).join(' · ') || '—'}</td>
              <td>{a.source_ip ?? '—'}</td>
              <td>{ago(a.created_at)}</td>
              <td class="row-actions">
                <select
                  aria-label={`Room for ${a.hostname}`}
                  value={room[a.id] ?? ''}
                  onChange={(e) => setRoom({ ...room, [a.id]: e.currentTarget.value })}
                >
                  <option value="">Default rooms only</option>
                  {rooms
                    .filter((r) => !r.is_default)
                    .map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name}
                      </option>
                    ))}
                </select>
                <button type="button" class="primary" onClick={() => void decide(a, 'approve')}>
                  Approve
                </button>
                <button type="button" class="danger" onClick={() => void decide(a, 'reject')}>
                  Reject
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorText error={error} />
      <p class="hint">
        Compare the fingerprint with <code>muster-agent status</code> on the machine before approving; a
        rejected key is refused from then on.
      </p>
    </Card>
  );
}
