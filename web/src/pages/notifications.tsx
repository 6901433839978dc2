import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, roleAtLeast, type AlertRule, type Channel, type Me } from '../api.ts';
import { KIND_LABELS } from '../alerts-data.ts';
import { SEVERITIES } from '../../../src/protocol/api/alerts.ts';
import { Card, ConfirmButton, ErrorText, field, Head, useAction, when } from '../components.tsx';

const TYPES = ['webhook', 'email', 'slack', 'discord', 'teams', 'mattermost', 'ntfy', 'gotify'] as const;
type ChannelType = (typeof TYPES)[number];

/** The configuration a form gives, per channel type (docs/alerts.md). */
function configOf(type: ChannelType, form: HTMLFormElement): Record<string, unknown> {
  const v = (name: string) => field(form, name).trim();
  if (type === 'email')
    return {
      host: v('host'),
      port: Number(v('port') || '587'),
      secure: v('security') === 'tls',
      require_tls: v('security') === 'starttls',
      ...(v('username') ? { username: v('username'), password: v('password') } : {}),
      from: v('from'),
      to: v('to')
        .split(/[,\s]+/)
        .filter(Boolean),
    };
  return {
    url: v('url'),
    ...(type === 'webhook' && v('secret') ? { secret: v('secret') } : {}),
    ...((type === 'ntfy' || type === 'gotify') && v('token') ? { token: v('token') } : {}),
  };
}

function AddChannel({ onAdded }: { onAdded: () => Promise<void> }) {
  const [type, setType] = useState<ChannelType>('webhook');
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        setError(null);
        try {
          await ok(
            client.POST('/api/notification-channels', {
              body: { name: field(form, 'name'), type, config: configOf(type, form), enabled: true },
            }),
          );
          form.reset();
          await onAdded();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <label>
        Name
        <input name="name" required placeholder="ops on-call" />
      </label>
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.currentTarget.value as ChannelType)}>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {type === 'email' ? (
        <>
          <label>
            SMTP host
            <input name="host" required />
          </label>
          <label>
            Port
            <input name="port" type="number" placeholder="587" />
          </label>
          <label>
            Security
            <select name="security">
              <option value="opportunistic">STARTTLS when offered</option>
              <option value="starttls">STARTTLS required</option>
              <option value="tls">TLS (port 465)</option>
            </select>
          </label>
          <label>
            User name
            <input name="username" autoComplete="off" />
          </label>
          <label>
            Password
            <input name="password" type="password" autoComplete="new-password" />
          </label>
          <label>
            From
            <input name="from" required placeholder="muster@example.com" />
          </label>
          <label>
            To
            <input name="to" required placeholder="ops@example.com, oncall@example.com" />
          </label>
        </>
      ) : (
        <>
          <label>
            {type === 'ntfy' ? 'Topic URL' : type === 'gotify' ? 'Server URL' : 'Webhook URL'}
            <input name="url" type="url" required placeholder="https://…" />
          </label>
          {type === 'webhook' && (
            <label>
              Signing secret
              <input name="secret" autoComplete="off" placeholder="optional, 8 characters or more" />
            </label>
          )}
          {(type === 'ntfy' || type === 'gotify') && (
            <label>
              {type === 'gotify' ? 'Application token' : 'Access token'}
              <input name="token" autoComplete="off" required={type === 'gotify'} />
            </label>
          )}
        </>
      )}
      <button class="primary" type="submit">
        Add channel
      </button>
      <ErrorText error={error} />
    </form>
  );
}

function RuleRow({
  rule,
  channels,
  admin,
  saved,
  onSaved,
}: {
  rule: AlertRule;
  channels: Channel[];
  admin: boolean;
  /** Saved a moment ago (kept by the page: the row is made anew when the rule comes back changed). */
  saved: boolean;
  onSaved: (id: string) => Promise<void>;
}) {
  const [error, setError] = useState<unknown>(null);
  return (
    <tr data-rule-id={rule.id}>
      <td>
        <strong>{rule.name}</strong>
        <div class="reason">
          {KIND_LABELS[rule.kind]}
          {rule.room_id ? ' · one room' : rule.space_id ? ' · one space' : ''}
        </div>
      </td>
      <td colSpan={5}>
        <form
          class="rule-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const f = e.currentTarget;
            const data = new FormData(f);
            setError(null);
            try {
              await ok(
                client.PATCH('/api/alert-rules/{id}', {
                  params: { path: { id: rule.id } },
                  body: {
                    severity: field(f, 'severity') as AlertRule['severity'],
                    for_seconds: Number(field(f, 'for_seconds')),
                    channel_ids: data.getAll('channel').map(String),
                    enabled: data.get('enabled') === 'on',
                  },
                }),
              );
              await onSaved(rule.id);
            } catch (err) {
              setError(err);
            }
          }}
        >
          <select name="severity" disabled={!admin} aria-label="Severity">
            {SEVERITIES.map((v) => (
              <option key={v} selected={v === rule.severity}>
                {v}
              </option>
            ))}
          </select>
          <label>
            for
            <input
              name="for_seconds"
              type="number"
              min={0}
              defaultValue={rule.for_seconds}
              disabled={!admin}
            />{' '}
            s
          </label>
          <span class="channels">
            {channels.length === 0
              ? 'no channel yet'
              : channels.map((c) => (
                  <label key={c.id}>
                    <input
                      type="checkbox"
                      name="channel"
                      value={c.id}
                      defaultChecked={rule.channel_ids.includes(c.id)}
                      disabled={!admin}
                    />
                    {c.name}
                  </label>
                ))}
          </span>
          <label>
            <input type="checkbox" name="enabled" defaultChecked={rule.enabled} disabled={!admin} /> enabled
          </label>
          {admin && <button type="submit">{saved ? 'Saved' : 'Save'}</button>}
          <ErrorText error={error} />
        </form>
      </td>
    </tr>
  );
}

export function NotificationsPage({ me }: { me: Me }) {
  const admin = roleAtLeast(me.role, 'admin');
  const [channels, setChannels] = useState<Channel[]>([]);
  const [rules, setRules] = useState<AlertRule[]>([]);
  const [tested, setTested] = useState<Record<string, string>>({});
  const [savedId, setSavedId] = useState<string | null>(null);
  const load = async () => {
    setChannels(await answer(client.GET('/api/notification-channels')));
    setRules(await answer(client.GET('/api/alert-rules')));
  };
  const { error, act } = useAction(load);
  useEffect(() => void act(async () => undefined), []);
  return (
    <>
      <h1>Channels and rules</h1>
      <ErrorText error={error} />
      <Card title="Notification channels">
        {channels.length === 0 ? (
          <p class="empty">No channel yet: alerts show here and on the Alerts page, and are sent nowhere.</p>
        ) : (
          <table class="channels">
            <Head cols={['Name', 'Type', 'Where', 'Last sent', 'Health', '']} />
            <tbody>
              {channels.map((c) => (
                <tr key={c.id} data-channel-id={c.id}>
                  <td>{c.name}</td>
                  <td>{c.type}</td>
                  <td>
                    {typeof c.config.url === 'string'
                      ? c.config.url
                      : Array.isArray(c.config.to)
                        ? c.config.to.join(', ')
                        : '—'}
                  </td>
                  <td>{when(c.last_sent_at)}</td>
                  <td>
                    {c.failures > 0 ? (
                      <span class="error-text">
                        {c.failures} failed: {c.last_error}
                      </span>
                    ) : (
                      'ok'
                    )}
                    {tested[c.id] && <div class="test-result">{tested[c.id]}</div>}
                  </td>
                  <td class="actions">
                    {admin && (
                      <>
                        <button
                          type="button"
                          onClick={() =>
                            act(async () => {
                              const r = await answer(
                                client.POST('/api/notification-channels/{id}/test', {
                                  params: { path: { id: c.id } },
                                }),
                              );
                              setTested((t) => ({
                                ...t,
                                [c.id]: r.ok ? 'Test sent' : `Test failed: ${r.error}`,
                              }));
                            })
                          }
                        >
                          Send test
                        </button>
                        <ConfirmButton
                          label="Delete"
                          danger
                          question={`Delete the channel ${c.name}? Rules stop sending to it.`}
                          onConfirm={() =>
                            act(() =>
                              ok(
                                client.DELETE('/api/notification-channels/{id}', {
                                  params: { path: { id: c.id } },
                                }),
                              ),
                            )
                          }
                        />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {admin && <AddChannel onAdded={load} />}
      </Card>
      <Card title="Alert rules">
        <p class="hint">
          A condition alerts once it held for its rule&apos;s time; the most specific rule (room, then space,
          then everything) decides. Tick channels to send a rule&apos;s alerts there.
        </p>
        <table class="rules">
          <Head cols={['Rule', 'Severity, for, channels, enabled']} />
          <tbody>
            {rules.map((r) => (
              <RuleRow
                key={`${r.id}-${r.updated_at}`}
                rule={r}
                channels={channels}
                admin={admin}
                saved={savedId === r.id}
                onSaved={async (id) => {
                  await load();
                  setSavedId(id);
                  setTimeout(() => setSavedId((was) => (was === id ? null : was)), 3000);
                }}
              />
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
