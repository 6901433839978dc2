import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { answer, client } from '../api.ts';
import { ErrorText } from '../components.tsx';

/** Samples by series: `[unix seconds, value]` pairs (arrays in the API document, which has no tuples). */
type Series = Record<string, number[][]>;

const CHARTS: { title: string; series: { key: string; label: string; scale?: number }[]; unit: string }[] = [
  {
    title: 'CPU',
    unit: '%',
    series: [
      { key: 'cpu.user', label: 'user' },
      { key: 'cpu.system', label: 'system' },
      { key: 'cpu.iowait', label: 'iowait' },
    ],
  },
  { title: 'Memory', unit: 'MiB', series: [{ key: 'mem.used_bytes', label: 'used', scale: 1 / 1048576 }] },
  {
    title: 'Load',
    unit: '',
    series: [
      { key: 'load.1', label: '1 min' },
      { key: 'load.5', label: '5 min' },
    ],
  },
  {
    title: 'Disk',
    unit: 'KiB/s',
    series: [
      { key: 'disk.read_bytes_per_s', label: 'read', scale: 1 / 1024 },
      { key: 'disk.write_bytes_per_s', label: 'write', scale: 1 / 1024 },
    ],
  },
  {
    title: 'Network',
    unit: 'KiB/s',
    series: [
      { key: 'net.rx_bytes_per_s', label: 'received', scale: 1 / 1024 },
      { key: 'net.tx_bytes_per_s', label: 'sent', scale: 1 / 1024 },
    ],
  },
];
const ALL_SERIES = CHARTS.flatMap((c) => c.series.map((s) => s.key));
const WINDOW = 300;
const COLORS = ['#2563eb', '#dc2626', '#16a34a'];

/** Live charts: the agent's in-memory samples, fetched through the link every 2 s. Nothing is stored. */
export function LiveCharts({ id, online }: { id: string; online: boolean }) {
  const [data, setData] = useState<Series>({});
  const [error, setError] = useState<unknown>(null);
  const last = useRef(0);
  useEffect(() => {
    if (!online) return;
    let stopped = false;
    const poll = async () => {
      try {
        const r = await answer(
          client.GET('/api/nodes/{id}/metrics', {
            params: {
              path: { id },
              query: { series: ALL_SERIES.join(','), after: last.current, points: WINDOW },
            },
          }),
        );
        if (stopped) return;
        setError(null);
        setData((old) => {
          const next: Series = {};
          for (const k of ALL_SERIES) next[k] = [...(old[k] ?? []), ...(r.series[k] ?? [])].slice(-WINDOW);
          const t = next['cpu.user']?.at(-1)?.[0];
          if (t) last.current = t;
          return next;
        });
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    void poll();
    const t = setInterval(poll, 2000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [id, online]);
  if (!online) return <p class="hint">Live data comes from the agent: it shows while the node is online.</p>;
  return (
    <>
      <ErrorText error={error} />
      <div class="charts">
        {CHARTS.map((c) => (
          <Chart key={c.title} def={c} data={data} />
        ))}
      </div>
    </>
  );
}

/** Axis numbers short enough for the axis: 950, 1.2k, 3.4M; never clipped thousands separators. */
function axisNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(a < 10 ? 1 : 0)}`;
}

/** Axis text and grid in the page's colours (light or dark theme); uPlot draws on a canvas, outside CSS. */
function axisColours() {
  const css = getComputedStyle(document.documentElement);
  const line = css.getPropertyValue('--line').trim() || '#e5e7eb';
  return {
    stroke: css.getPropertyValue('--muted-strong').trim() || '#4b5563',
    grid: { stroke: line, width: 1 },
    ticks: { stroke: line, width: 1 },
  };
}

function Chart({ def, data }: { def: (typeof CHARTS)[number]; data: Series }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const first = data[def.series[0]!.key] ?? [];
  const aligned: uPlot.AlignedData = [
    first.map(([t = 0]) => t / 1000),
    ...def.series.map((s) => {
      const byT = new Map((data[s.key] ?? []).map(([t = 0, v = 0]) => [t, v * (s.scale ?? 1)]));
      return first.map(([t = 0]) => byT.get(t) ?? null);
    }),
  ];
  useEffect(() => {
    if (!box.current) return;
    plot.current = new uPlot(
      {
        width: 360,
        height: 160,
        series: [{}, ...def.series.map((s, i) => ({ label: s.label, stroke: COLORS[i], width: 1.5 }))],
        // Times only on the x axis (the date line overlapped the first label); short numbers on the y axis.
        axes: [
          {
            ...axisColours(),
            values: (_u, splits) =>
              splits.map((t) =>
                new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
              ),
          },
          { ...axisColours(), size: 44, values: (_u, splits) => splits.map(axisNumber) },
        ],
        // The series names only: the latest values are in the caption, not "--" until the pointer is over it.
        legend: { show: true, live: false },
      },
      aligned,
      box.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    plot.current?.setData(aligned);
  }, [data]);
  const latest = def.series.map((s) => {
    const v = data[s.key]?.at(-1)?.[1];
    return v === undefined ? '—' : `${Math.round(v * (s.scale ?? 1) * 10) / 10}`;
  });
  return (
    <figure class="chart" data-chart={def.title} data-points={first.length}>
      <figcaption>
        {def.title} {def.unit && <span class="unit">({def.unit})</span>}{' '}
        <span class="latest">{latest.join(' / ')}</span>
      </figcaption>
      <div ref={box} />
    </figure>
  );
}
