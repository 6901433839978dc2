import { useEffect, useMemo, useState } from 'preact/hooks';
import { answer, client, type FunctionInfo, type FunctionTable, type NodeAlert } from '../api.ts';
import { ago, asText, Card, ErrorText } from '../components.tsx';
import { formatValue } from './node-charts.tsx';

const STATUS_ORDER = ['CRITICAL', 'WARNING', 'UNDEFINED', 'UNINITIALIZED', 'CLEAR'];
/** Rows a function table shows at once (the answer may hold thousands). */
const SHOWN_ROWS = 500;

/** The alerts the node's agent evaluates itself (Netdata's, or Muster's agent's checks), worst first. */
export function NodeAlertsCard({ id, online }: { id: string; online: boolean }) {
  const [alerts, setAlerts] = useState<NodeAlert[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [all, setAll] = useState(false);
  useEffect(() => {
    if (!online) return;
    let stopped = false;
    const load = () =>
      answer(client.GET('/api/nodes/{id}/alerts', { params: { path: { id } } })).then(
        (r) => !stopped && (setAlerts(r.alerts), setError(null)),
        (err: unknown) => !stopped && setError(err),
      );
    void load();
    const t = setInterval(load, 15_000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [id, online]);
  const sorted = (alerts ?? [])
    .filter((a) => all || a.status === 'WARNING' || a.status === 'CRITICAL')
    .sort(
      (a, b) =>
        STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.name.localeCompare(b.name),
    );
  const raised = (alerts ?? []).filter((a) => a.status === 'WARNING' || a.status === 'CRITICAL').length;
  return (
    <Card
      title={`Agent alerts${alerts ? ` (${raised} raised of ${alerts.length})` : ''}`}
      actions={
        <label>
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> show all
        </label>
      }
    >
      {!online && <p class="hint">The agent evaluates these: they show while the node is online.</p>}
      <ErrorText error={error} />
      {online && alerts && sorted.length === 0 && <p class="hint">No alert is raised on this node.</p>}
      {sorted.length > 0 && (
        <table class="node-alerts">
          <thead>
            <tr>
              <th>Status</th>
              <th>Alert</th>
              <th>Chart</th>
              <th>Value</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((a) => (
              <tr key={`${a.chart}.${a.name}`} title={a.summary}>
                <td>
                  <span class={`nd-status nd-${a.status.toLowerCase()}`}>{a.status}</span>
                </td>
                <td>
                  {a.name}
                  {a.summary && <div class="hint">{a.summary}</div>}
                </td>
                <td>{a.chart}</td>
                <td>{a.value_string || formatValue(a.value, a.units)}</td>
                <td>{a.since ? ago(a.since * 1000) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** A cell as text, numbers short with their column's unit. */
function cell(v: unknown, units?: string): string {
  if (typeof v === 'number') return formatValue(v, units);
  if (v === null || v === undefined) return '';
  return asText(v);
}

/** A function's table, sortable by any column. */
export function FunctionTableView({ table }: { table: FunctionTable }) {
  const visible = table.columns.map((c, i) => ({ ...c, i })).filter((c) => c.visible);
  const [sort, setSort] = useState<{ col: number; desc: boolean }>(() => {
    const i = table.columns.findIndex((c) => c.id === table.sort_column);
    return { col: i >= 0 ? i : 0, desc: i >= 0 };
  });
  const rows = useMemo(() => {
    const copy = [...table.rows];
    copy.sort((a, b) => {
      const x = a[sort.col];
      const y = b[sort.col];
      const c =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : asText(x ?? '').localeCompare(asText(y ?? ''));
      return sort.desc ? -c : c;
    });
    return copy;
  }, [table, sort]);
  return (
    <div class="table-scroll">
      <table class="function-table" data-function={table.name}>
        <thead>
          <tr>
            {visible.map((c) => (
              <th key={c.id}>
                <button
                  type="button"
                  class="sort"
                  onClick={() => setSort((s) => ({ col: c.i, desc: s.col === c.i ? !s.desc : true }))}
                >
                  {c.name}
                  {c.units ? ` (${c.units})` : ''}
                  {sort.col === c.i ? (sort.desc ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN_ROWS).map((r, n) => (
            <tr key={n}>
              {visible.map((c) => (
                <td key={c.id}>{cell(r[c.i], c.units)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > SHOWN_ROWS && (
        <p class="hint">
          The first {SHOWN_ROWS} of {rows.length} rows, in this order.
        </p>
      )}
    </div>
  );
}

/** The functions the node's agent offers (processes, connections, mounts, ...), run on demand. */
export function FunctionsCard({ id, online }: { id: string; online: boolean }) {
  const [list, setList] = useState<FunctionInfo[] | null>(null);
  const [name, setName] = useState('');
  const [table, setTable] = useState<FunctionTable | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!online) return;
    answer(client.GET('/api/nodes/{id}/functions', { params: { path: { id } } })).then((r) => {
      setList(r.functions);
      setName((n) => n || (r.functions.find((f) => f.name === 'processes') ?? r.functions[0])?.name || '');
    }, setError);
  }, [id, online]);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      setTable(
        await answer(
          client.POST('/api/nodes/{id}/functions/{name}', { params: { path: { id, name } }, body: {} }),
        ),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const help = list?.find((f) => f.name === name)?.help;
  return (
    <Card title="Functions">
      {!online && <p class="hint">Functions run on the node's agent: they are here while it is online.</p>}
      {online && list && list.length === 0 && <p class="hint">This agent offers no functions.</p>}
      {online && list && list.length > 0 && (
        <div class="function-bar">
          <label>
            Function{' '}
            <select value={name} onChange={(e) => (setName(e.currentTarget.value), setTable(null))}>
              {list.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void run()} disabled={busy || !name}>
            {busy ? 'Running…' : 'Run'}
          </button>
          {help && <span class="hint">{help}</span>}
        </div>
      )}
      <ErrorText error={error} />
      {table && <FunctionTableView table={table} />}
    </Card>
  );
}
