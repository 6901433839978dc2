import { useEffect, useMemo, useState } from 'preact/hooks';
import { answer, client, type DataAnswer } from '../api.ts';
import { ErrorText, Link } from '../components.tsx';
import { RangePicker, RANGES, TimeChart, type RangeKey } from './node-charts.tsx';

/** Contexts both agents have, offered first (any other context id can be typed). */
const COMMON = ['system.cpu', 'system.load', 'system.ram', 'system.net', 'system.io', 'disk.space'];
const POINTS = 150;

type RoomNode = {
  node_id: string;
  hostname: string;
  status: string;
  data: DataAnswer | null;
  error: { code: string; message: string } | null;
};

/** A node's points as one series: the sum of its dimensions (CPU of every state, traffic both ways). */
function total(d: DataAnswer): Map<number, number | null> {
  return new Map(
    d.points.map((p) => {
      const vals = p.slice(1).filter((v): v is number => v !== null);
      return [p[0]!, vals.length ? vals.reduce((a, b) => a + Math.abs(b), 0) : null];
    }),
  );
}

/**
 * One context of every node in a room, side by side or on one chart (the CPU of all web servers): the server asks
 * the nodes a few at a time and answers each node's points or why there are none.
 */
export function RoomChartsPage({ id }: { id: string }) {
  const [context, setContext] = useState('system.cpu');
  const [range, setRange] = useState<RangeKey>('1h');
  const [layout, setLayout] = useState<'grid' | 'overlay'>('grid');
  const [nodes, setNodes] = useState<RoomNode[] | null>(null);
  const [roomName, setRoomName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const seconds = RANGES.find((r) => r.key === range)!.seconds;
  useEffect(() => {
    let stopped = false;
    const load = () =>
      answer(
        client.GET('/api/rooms/{id}/data', {
          params: { path: { id }, query: { context, after: -seconds, points: POINTS } },
        }),
      ).then(
        (r) => !stopped && (setNodes(r.nodes), setError(null)),
        (err: unknown) => !stopped && setError(err),
      );
    setNodes(null);
    void load();
    const t = setInterval(load, Math.max(5000, (seconds / POINTS) * 1000));
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [id, context, seconds]);
  useEffect(() => {
    answer(client.GET('/api/spaces')).then(async (spaces) => {
      for (const s of spaces) {
        const rooms = await answer(client.GET('/api/spaces/{id}/rooms', { params: { path: { id: s.id } } }));
        const room = rooms.find((r) => r.id === id);
        if (room) return setRoomName(room.name);
      }
    }, setError);
  }, [id]);
  const withData = (nodes ?? []).filter((n) => n.data && n.data.points.length > 0);
  const overlay = useMemo(() => {
    if (layout !== 'overlay' || withData.length === 0) return null;
    const series = withData.map((n) => total(n.data!));
    const times = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
    return {
      labels: ['time', ...withData.map((n) => n.hostname)],
      points: times.map((t) => [t, ...series.map((s) => s.get(t) ?? null)]),
      units: withData[0]!.data!.units,
    };
  }, [layout, nodes]);
  return (
    <>
      <h2>
        Room charts{roomName && `: ${roomName}`} <Link href="/rooms">(rooms)</Link>
      </h2>
      <div class="chart-tools">
        <label>
          Chart{' '}
          <input
            list="room-contexts"
            value={context}
            onChange={(e) => setContext(e.currentTarget.value.trim() || 'system.cpu')}
          />
          <datalist id="room-contexts">
            {COMMON.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <RangePicker value={range} onChange={setRange} />
        <div class="segmented" role="group" aria-label="Layout">
          <button type="button" class={layout === 'grid' ? 'current' : ''} onClick={() => setLayout('grid')}>
            side by side
          </button>
          <button
            type="button"
            class={layout === 'overlay' ? 'current' : ''}
            onClick={() => setLayout('overlay')}
          >
            one chart
          </button>
        </div>
      </div>
      <ErrorText error={error} />
      {!nodes && !error && <p class="hint">Asking the room's nodes…</p>}
      {nodes && nodes.length === 0 && <p class="hint">This room has no nodes.</p>}
      {overlay && (
        <figure class="chart wide" data-chart="overlay">
          <figcaption>
            {context}, every node (the sum of its dimensions) <span class="unit">({overlay.units})</span>
          </figcaption>
          <TimeChart
            labels={overlay.labels}
            points={overlay.points}
            units={overlay.units}
            span={seconds}
            height={300}
          />
        </figure>
      )}
      {layout === 'grid' && (
        <div class="charts">
          {(nodes ?? []).map((n) => (
            <figure key={n.node_id} class="chart" data-chart={`${n.hostname}:${context}`}>
              <figcaption>
                <Link href={`/nodes/${n.node_id}`}>{n.hostname}</Link>{' '}
                {n.data && <span class="unit">({n.data.units})</span>}
              </figcaption>
              {n.data && n.data.points.length > 0 ? (
                <TimeChart
                  labels={n.data.labels}
                  points={n.data.points}
                  units={n.data.units}
                  span={seconds}
                />
              ) : (
                <p class="hint">{n.error ? n.error.message : 'No data in this range.'}</p>
              )}
            </figure>
          ))}
        </div>
      )}
      {layout === 'overlay' &&
        (nodes ?? [])
          .filter((n) => !n.data || n.data.points.length === 0)
          .map((n) => (
            <p key={n.node_id} class="hint">
              {n.hostname}: {n.error ? n.error.message : 'no data in this range'}
            </p>
          ))}
    </>
  );
}
