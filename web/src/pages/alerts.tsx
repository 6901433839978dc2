import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, roleAtLeast, type Alert, type Me, type Silence } from '../api.ts';
import { KIND_LABELS } from '../alerts-data.ts';
import {
  ALERT_KINDS,
  ALERT_STATES as STATES,
  SEVERITIES,
  type AlertKind,
  type Severity,
} from '../../../src/protocol/api/alerts.ts';

type AlertState = (typeof STATES)[number];
import { ago, Card, Choice, Dialog, ErrorText, field, Head, Link, useAction, when } from '../components.tsx';
import { useSpaceRooms } from '../live-nodes.ts';

const HOURS = [1, 4, 24, 24 * 7];

function AckDialog({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title="Acknowledge" onClose={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await ok(
              client.POST('/api/alerts/{id}/ack', {
                params: { path: { id: alert.id } },
                body: { comment: field(e.currentTarget, 'comment') },
              }),
            );
            onDone();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <p>{alert.summary}</p>
        <label>
          Comment
          <input name="comment" placeholder="who looks at it, what was done" />
        </label>
        <ErrorText error={error} />
        <div class="actions">
          <button class="primary" type="submit">
            Acknowledge
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function SilenceDialog({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title="Silence" onClose={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const scope = field(e.currentTarget, 'scope');
          try {
            await ok(
              client.POST('/api/silences', {
                body: {
                  kind: alert.kind,
                  ...(scope === 'node' && alert.node_id ? { node_id: alert.node_id } : {}),
                  ends_at: Date.now() + Number(field(e.currentTarget, 'hours')) * 3600_000,
                  comment: field(e.currentTarget, 'comment'),
                },
              }),
            );
            onDone();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <p>
          Mute notifications of <strong>{KIND_LABELS[alert.kind]}</strong> alerts; they stay visible here.
        </p>
        {alert.node_id && (
          <label>
            For
            <select name="scope">
              <option value="node">{alert.hostname ?? 'this node'} only</option>
              <option value="all">every node</option>
            </select>
          </label>
        )}
        <label>
          How long
          <select name="hours">
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {h < 24 ? `${h} h` : `${h / 24} d`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Comment
          <input name="comment" required placeholder="why (maintenance, known issue…)" />
        </label>
        <ErrorText error={error} />
        <div class="actions">
          <button class="primary" type="submit">
            Silence
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function AlertsPage({ me }: { me: Me }) {
  const operator = roleAtLeast(me.role, 'operator');
  const [state, setState] = useState<AlertState>('firing');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [kind, setKind] = useState<AlertKind | ''>('');
  const [room, setRoom] = useState('');
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [silences, setSilences] = useState<Silence[]>([]);
  const [acking, setAcking] = useState<Alert | null>(null);
  const [silencing, setSilencing] = useState<Alert | null>(null);
  const { rooms } = useSpaceRooms();
  const load = async () => {
    const r = await answer(
      client.GET('/api/alerts', {
        params: {
          query: {
            state,
            limit: 200,
            ...(severity ? { severity } : {}),
            ...(kind ? { kind } : {}),
            ...(room ? { room_id: room } : {}),
          },
        },
      }),
    );
    setAlerts(r.alerts);
    setSilences(await answer(client.GET('/api/silences')));
  };
  const { error, act } = useAction(load);
  useEffect(() => {
    void act(async () => undefined);
    const t = setInterval(() => void load().catch(() => undefined), 10_000);
    return () => clearInterval(t);
  }, [state, severity, kind, room]);
  return (
    <>
      <div class="page-head">
        <h1>Alerts</h1>
        {roleAtLeast(me.role, 'viewer') && <Link href="/notifications">Channels and rules</Link>}
      </div>
      <div class="filters" role="search">
        <Choice
          label="State"
          value={state}
          onChange={(v) => setState(v || 'firing')}
          options={STATES.map((v) => [v, v])}
        />
        <Choice
          label="Severity"
          any="Any"
          value={severity}
          onChange={setSeverity}
          options={SEVERITIES.map((v) => [v, v])}
        />
        <Choice
          label="Kind"
          any="Any"
          value={kind}
          onChange={setKind}
          options={ALERT_KINDS.map((k) => [k, KIND_LABELS[k]])}
        />
        <Choice
          label="Room"
          any="All rooms"
          value={room}
          onChange={setRoom}
          options={rooms.map((r) => [r.id, r.name])}
        />
      </div>
      <ErrorText error={error} />
      {alerts === null ? (
        <p class="loading">Loading alerts…</p>
      ) : alerts.length === 0 ? (
        <p class="empty">No {state} alerts.</p>
      ) : (
        <table class="alerts">
          <Head
            cols={['Severity', 'Alert', 'Node', 'Since', state === 'resolved' ? 'Resolved' : 'State', '']}
          />
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} data-alert-id={a.id} data-severity={a.severity}>
                <td>
                  <span class={`badge sev-${a.severity}`}>{a.severity}</span>
                </td>
                <td>
                  <strong>{KIND_LABELS[a.kind]}</strong>
                  {a.count > 1 && <span class="badge">×{a.count}</span>}
                  {a.silenced && <span class="badge">silenced</span>}
                  <div class="reason">{a.summary}</div>
                </td>
                <td>
                  {a.node_id ? <Link href={`/nodes/${a.node_id}`}>{a.hostname ?? a.node_id}</Link> : 'server'}
                </td>
                <td title={when(a.since)}>{ago(a.since)}</td>
                <td>
                  {a.state === 'resolved'
                    ? when(a.resolved_at)
                    : a.state === 'acknowledged'
                      ? `acknowledged by ${a.acknowledged_by}${a.ack_comment ? `: ${a.ack_comment}` : ''}`
                      : 'firing'}
                </td>
                <td class="actions">
                  {operator && a.state === 'firing' && (
                    <button type="button" onClick={() => setAcking(a)}>
                      Acknowledge
                    </button>
                  )}
                  {operator && a.state !== 'resolved' && !a.silenced && (
                    <button type="button" onClick={() => setSilencing(a)}>
                      Silence
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Card title="Silences">
        {silences.length === 0 ? (
          <p class="empty">No silences. A silence mutes notifications; alerts stay visible.</p>
        ) : (
          <table>
            <Head cols={['Matches', 'From', 'Until', 'Comment', 'By', '']} />
            <tbody>
              {silences.map((s) => (
                <tr key={s.id}>
                  <td>
                    {[
                      s.kind && KIND_LABELS[s.kind],
                      s.node_id && `node ${s.node_id.slice(0, 8)}`,
                      s.room_id && `room ${rooms.find((r) => r.id === s.room_id)?.name ?? s.room_id}`,
                      s.severity,
                    ]
                      .filter(Boolean)
                      .join(', ') || 'everything'}
                  </td>
                  <td>{when(s.starts_at)}</td>
                  <td>{when(s.ends_at)}</td>
                  <td>{s.comment}</td>
                  <td>{s.created_by}</td>
                  <td>
                    {operator && (
                      <button
                        type="button"
                        onClick={() =>
                          act(() =>
                            ok(client.DELETE('/api/silences/{id}', { params: { path: { id: s.id } } })),
                          )
                        }
                      >
                        End
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {acking && (
        <AckDialog alert={acking} onDone={() => (setAcking(null), void act(async () => undefined))} />
      )}
      {silencing && (
        <SilenceDialog
          alert={silencing}
          onDone={() => (setSilencing(null), void act(async () => undefined))}
        />
      )}
    </>
  );
}
