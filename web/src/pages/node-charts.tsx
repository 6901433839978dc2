import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { answer, client, type ContextInfo as Context, type DataAnswer as Data } from '../api.ts';
import { ago, ErrorText } from '../components.tsx';

/** The time ranges a chart shows, as far back as the node has data. */
export const RANGES = [
  { key: '15m', label: '15 min', seconds: 900 },
  { key: '1h', label: '1 hour', seconds: 3600 },
  { key: '6h', label: '6 hours', seconds: 6 * 3600 },
  { key: '24h', label: '24 hours', seconds: 86_400 },
  { key: '7d', label: '7 days', seconds: 7 * 86_400 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];
const rangeOf = (k: RangeKey) => RANGES.find((r) => r.key === k)!;
/** Points a chart asks for: about one per two pixels of a chart's width. */
const POINTS = 240;
const COLORS = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
];
/** How often a chart is asked again: often enough to follow a short range live, rarely for a week. */
const refreshMs = (seconds: number) => Math.max(2000, Math.min(60_000, (seconds / POINTS) * 1000));

/** A value with its unit, short: 950, 1.2k, 3.4M; percentages with one decimal. */
export function formatValue(v: number | null | undefined, units = ''): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  const n =
    a >= 1e9
      ? `${+(v / 1e9).toFixed(2)}G`
      : a >= 1e6
        ? `${+(v / 1e6).toFixed(2)}M`
        : a >= 1e4
          ? `${+(v / 1e3).toFixed(1)}k`
          : `${+v.toFixed(a < 1 ? 3 : a < 100 ? 2 : 1)}`;
  return units ? `${n} ${units}` : n;
}

/** Time labels for an axis spanning `span` seconds: no two alike (a label equal to the previous one is left out). */
function timeLabels(splits: number[], span: number): string[] {
  const fmt = (t: number) => {
    const d = new Date(t * 1000);
    if (span > 2 * 86_400) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
    if (span > 86_400)
      return `${d.toLocaleDateString([], { weekday: 'short' })} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
    if (span > 600) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  };
  let last = '';
  return splits.map((t) => {
    const s = fmt(t);
    if (s === last) return '';
    last = s;
    return s;
  });
}

/** The newest value of a series that has one. */
function lastValue(series: ArrayLike<number | null | undefined> | undefined): number | null {
  if (!series) return null;
  for (let i = series.length - 1; i >= 0; i--)
    if (series[i] !== null && series[i] !== undefined) return series[i]!;
  return null;
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

/** Whether an element is on screen (charts far down a long page ask for nothing until scrolled to). */
function useVisible(ref: { current: Element | null }) {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!ref.current || typeof IntersectionObserver === 'undefined') return setVisible(true);
    const io = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)), {
      rootMargin: '200px',
    });
    io.observe(ref.current);
    return () => io.disconnect();
  }, []);
  return visible;
}

/**
 * One chart: series over time with readable axes, every series' value with its unit at the pointer (uPlot's live
 * legend), stacked areas drawn as lines of their own values.
 */
export function TimeChart(props: {
  labels: string[];
  points: (number | null)[][];
  units: string;
  span: number;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const aligned = useMemo<uPlot.AlignedData>(
    () =>
      props.labels.map((_, i) =>
        props.points.map((p) => (i === 0 ? p[0]! : (p[i] ?? null))),
      ) as uPlot.AlignedData,
    [props.points, props.labels],
  );
  useEffect(() => {
    if (!box.current) return;
    const width = Math.max(280, box.current.clientWidth || 360);
    plot.current = new uPlot(
      {
        width,
        height: props.height ?? 170,
        cursor: { points: { size: 6 } },
        series: [
          { value: (_u, t) => (t === null ? '' : new Date(t * 1000).toLocaleString()) },
          ...props.labels.slice(1).map((label, i) => ({
            label,
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            // Away from the chart, the legend holds the latest values rather than dashes.
            value: (u: uPlot, v: number | null, s: number, idx: number | null) =>
              formatValue(idx === null ? lastValue(u.data[s]) : v, props.units),
          })),
        ],
        axes: [
          { ...axisColours(), values: (_u, splits) => timeLabels(splits, props.span), space: 70 },
          {
            ...axisColours(),
            size: 54,
            values: (_u, splits) => {
              let last = '';
              return splits.map((v) => {
                const s = formatValue(v);
                if (s === last) return '';
                last = s;
                return s;
              });
            },
          },
        ],
        // The whole range asked for, the newest point at the right edge (a node with less history fills part).
        scales: { x: { time: true, range: (_u, _min, max) => [max - props.span, max] } },
        legend: { show: true, live: true },
      },
      aligned,
      box.current,
    );
    return () => plot.current?.destroy();
  }, [props.labels.join('\u0000'), props.span, props.units]);
  useEffect(() => {
    plot.current?.setData(aligned);
  }, [aligned]);
  return <div ref={box} class="chart-plot" />;
}

/** One context's chart on a node: asked when on screen, again while the range is live. */
function ContextChart({ node, context, range }: { node: string; context: Context; range: RangeKey }) {
  const el = useRef<HTMLElement>(null);
  const visible = useVisible(el);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { seconds } = rangeOf(range);
  useEffect(() => {
    if (!visible) return;
    let stopped = false;
    const load = async () => {
      try {
        const d = await answer(
          client.GET('/api/nodes/{id}/data', {
            params: { path: { id: node }, query: { context: context.id, after: -seconds, points: POINTS } },
          }),
        );
        if (stopped) return;
        setData(d);
        setError(null);
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    void load();
    const t = setInterval(load, refreshMs(seconds));
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [visible, node, context.id, seconds]);
  const latest = data?.points.at(-1);
  return (
    <figure class="chart" ref={el} data-chart={context.id} data-points={data?.points.length ?? 0}>
      <figcaption>
        <span title={context.id}>{context.title || context.id}</span>{' '}
        <span class="unit">({context.units})</span>
        {data?.cached_at && <span class="hint"> offline: last seen {ago(data.cached_at)}</span>}
      </figcaption>
      {error ? (
        <ErrorText error={error} />
      ) : data && data.points.length > 0 ? (
        <TimeChart labels={data.labels} points={data.points} units={data.units} span={seconds} />
      ) : data ? (
        <p class="hint">No data in this range.</p>
      ) : (
        <p class="hint">Loading…</p>
      )}
      {latest && <span class="sr-only">latest {latest.slice(1).join(' / ')}</span>}
    </figure>
  );
}

/** The families of a node's contexts, in Netdata's dashboard order (the lowest priority first). */
export function groupByFamily(contexts: Context[]): [string, Context[]][] {
  const families = new Map<string, Context[]>();
  for (const c of [...contexts].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id))) {
    const f = c.family || c.id.split('.')[0] || 'other';
    families.set(f, [...(families.get(f) ?? []), c]);
  }
  return [...families];
}

/** A range picker, shared by the node page and the room view. */
export function RangePicker({ value, onChange }: { value: RangeKey; onChange: (k: RangeKey) => void }) {
  return (
    <div class="segmented" role="group" aria-label="Time range">
      {RANGES.map((r) => (
        <button
          key={r.key}
          type="button"
          class={r.key === value ? 'current' : ''}
          aria-pressed={r.key === value}
          onClick={() => onChange(r.key)}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}

/**
 * A node's charts, whatever agent it runs: its contexts grouped by family, a time range, hover values, and a live
 * tail. An offline node shows the server's last copy, or says that none is kept.
 */
export function NodeCharts({ id, online }: { id: string; online: boolean }) {
  const [contexts, setContexts] = useState<Context[] | null>(null);
  const [cachedAt, setCachedAt] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [range, setRange] = useState<RangeKey>('15m');
  const [family, setFamily] = useState('');
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let loads = 0;
    // Asked again now and then: charts come and go (a mount, a new collector), and an agent that has just started
    // has only some (a rate needs two samples), so it is asked again soon at first.
    const load = () =>
      answer(client.GET('/api/nodes/{id}/contexts', { params: { path: { id } } })).then(
        (r) => {
          if (stopped) return;
          setContexts(r.contexts);
          setCachedAt(r.cached_at ?? null);
          setError(null);
          timer = setTimeout(load, r.contexts.length === 0 || ++loads < 3 ? 3000 : 60_000);
        },
        (err: unknown) => {
          if (stopped) return;
          setError(err);
          timer = setTimeout(load, 10_000);
        },
      );
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, online]);
  const families = useMemo(() => groupByFamily(contexts ?? []), [contexts]);
  const shown = families.filter(([f]) => !family || f === family);
  if (error && !contexts)
    return online ? (
      <ErrorText error={error} />
    ) : (
      <p class="hint">
        The node is offline and the server keeps no charts of it yet: they show once it is back.
      </p>
    );
  if (!contexts) return <p class="hint">Loading charts…</p>;
  return (
    <div class="node-charts">
      <div class="chart-tools">
        <RangePicker value={range} onChange={setRange} />
        <label>
          Family{' '}
          <select value={family} onChange={(e) => setFamily(e.currentTarget.value)}>
            <option value="">all ({contexts.length} charts)</option>
            {families.map(([f, list]) => (
              <option key={f} value={f}>
                {f} ({list.length})
              </option>
            ))}
          </select>
        </label>
        {cachedAt && <span class="hint">offline: charts as last seen {ago(cachedAt)}</span>}
      </div>
      {shown.map(([f, list]) => (
        <section key={f} class="chart-family">
          <h3>{f}</h3>
          <div class="charts">
            {list.map((c) => (
              <ContextChart key={`${c.id}-${range}`} node={id} context={c} range={range} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
