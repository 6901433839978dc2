import { useEffect, useState } from 'preact/hooks';
import { answer, changed, client, follow, reloader, type Overview } from '../api.ts';
import { Card, ErrorText, Link, when } from '../components.tsx';

const bytes = (n: number) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};

/** The first page after sign-in: the fleet at a glance, kept live. */
export function HomePage() {
  const [o, setO] = useState<Overview | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const load = () =>
      answer(client.GET('/api/overview')).then(
        (v) => (setO(v), setError(null)),
        (err: unknown) => setError(err),
      );
    void load();
    const { soon, stop: stopSoon } = reloader(load, 1500, 5000);
    const timer = setInterval(() => void load(), 15_000);
    const stop = follow(
      '/api/events',
      { summary: (s) => changed(s, 'node.presence', 'node.claimed', 'job.state') && soon() },
      { nodes: [], opened: soon },
    );
    return () => {
      stop();
      clearInterval(timer);
      stopSoon();
    };
  }, []);
  if (!o) return error ? <ErrorText error={error} /> : <p class="loading">Loading…</p>;
  return (
    <>
      <h1>Fleet</h1>
      <ErrorText error={error} />
      <div class="tiles">
        <Card title="Nodes">
          <p class="big">
            <Link href="/nodes">{o.nodes.total}</Link>
          </p>
          <p class="counts">
            <span class="status-online">{o.nodes.online} online</span>
            <span class="status-offline">{o.nodes.offline} offline</span>
            <span class="status-pending">{o.nodes.pending} pending</span>
            <span class="status-stale">{o.nodes.stale} stale</span>
          </p>
        </Card>
        <Card title="Alerts firing">
          <p class="big">
            <Link href="/alerts">{o.alerts.critical + o.alerts.warning + o.alerts.info}</Link>
          </p>
          <p class="counts">
            <span class="sev-critical">{o.alerts.critical} critical</span>
            <span class="sev-warning">{o.alerts.warning} warning</span>
            <span class="sev-info">{o.alerts.info} info</span>
          </p>
        </Card>
        <Card title="Backups">
          <p class="big">{bytes(o.backups.bytes_protected)}</p>
          <p class="counts">
            <span class="status-online">{o.backups.ok} ok</span>
            <span class="status-overdue">{o.backups.overdue} overdue</span>
            <span class="status-offline">{o.backups.failing} failing</span>
          </p>
        </Card>
      </div>
      <div class="tiles">
        <Card title="Recent events" actions={<Link href="/events">All events</Link>}>
          {o.recent_events.length === 0 ? (
            <p class="empty">Nothing has happened yet.</p>
          ) : (
            <ul class="recent">
              {o.recent_events.map((e) => (
                <li key={e.id}>
                  <span class="when">{when(e.at)}</span>{' '}
                  {e.node_id ? <Link href={`/nodes/${e.node_id}`}>{e.hostname ?? e.node_id}</Link> : null}{' '}
                  {e.summary}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Most alerts in 24 h">
          {o.noisiest_nodes.length === 0 ? (
            <p class="empty">No node alerted in the last day.</p>
          ) : (
            <ul class="recent">
              {o.noisiest_nodes.map((n) => (
                <li key={n.node_id}>
                  <Link href={`/nodes/${n.node_id}`}>{n.hostname}</Link>: {n.alerts}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
