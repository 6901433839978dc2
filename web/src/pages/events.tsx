import { useEffect, useState } from 'preact/hooks';
import { answer, changed, client, follow, reloader, type NodeEvent } from '../api.ts';
import { NODE_EVENT_KINDS } from '../../../src/protocol/api/alerts.ts';
import { Card, Choice, ErrorText, Head, Link, when } from '../components.tsx';
import { useSpaceRooms } from '../live-nodes.ts';

type Kind = (typeof NODE_EVENT_KINDS)[number];

/** The events timeline of the fleet, or of one node (`nodeId`), newest first, paged, live. */
export function EventsTimeline({ nodeId, title = 'Events' }: { nodeId?: string; title?: string }) {
  const [events, setEvents] = useState<NodeEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind | ''>('');
  const [room, setRoom] = useState('');
  const [error, setError] = useState<unknown>(null);
  const { rooms } = useSpaceRooms();
  const load = async (before?: string) => {
    try {
      const r = await answer(
        client.GET('/api/events/history', {
          params: {
            query: {
              limit: 50,
              ...(nodeId ? { node_id: nodeId } : {}),
              ...(kind ? { kind } : {}),
              ...(room ? { room_id: room } : {}),
              ...(before ? { before } : {}),
            },
          },
        }),
      );
      setEvents((old) => (before ? [...old, ...r.events] : r.events));
      setNext(r.next);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    void load();
    const { soon, stop: stopSoon } = reloader(load, 700, 3000);
    // One node's events as they come; the fleet's, a summary a second.
    const stop = nodeId
      ? follow(
          '/api/events',
          { 'node.presence': soon, 'node.claimed': soon, 'job.state': soon, 'node.repo': soon },
          { nodes: [nodeId], opened: soon },
        )
      : follow(
          '/api/events',
          { summary: (s) => changed(s, 'node.presence', 'node.claimed', 'job.state', 'node.repo') && soon() },
          { nodes: [], opened: soon },
        );
    return () => {
      stop();
      stopSoon();
    };
  }, [kind, room, nodeId]);
  return (
    <Card
      title={title}
      actions={
        <>
          {!nodeId && (
            <Choice
              label="Room"
              any="All rooms"
              value={room}
              onChange={setRoom}
              options={rooms.map((r) => [r.id, r.name])}
            />
          )}
          <Choice
            label="Kind"
            any="All"
            value={kind}
            onChange={setKind}
            options={NODE_EVENT_KINDS.map((k) => [k, k.replace('_', ' ')])}
          />
        </>
      }
    >
      <ErrorText error={error} />
      {events.length === 0 ? (
        <p class="empty">No events yet.</p>
      ) : (
        <table class="events">
          <Head cols={nodeId ? ['When', 'Event'] : ['When', 'Node', 'Event']} />
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-kind={e.kind}>
                <td>{when(e.at)}</td>
                {!nodeId && (
                  <td>
                    {e.node_id ? <Link href={`/nodes/${e.node_id}`}>{e.hostname ?? e.node_id}</Link> : '—'}
                  </td>
                )}
                <td class={`event-${e.kind}`}>{e.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={() => load(next)}>
          Older
        </button>
      )}
    </Card>
  );
}

export function EventsPage() {
  return (
    <>
      <h1>Events</h1>
      <EventsTimeline title="Every state change of every node" />
    </>
  );
}
