import { useEffect, useState } from 'preact/hooks';
import { answer, client, ok, roleAtLeast, type EnrollmentToken, type Me, type SpaceToken } from '../api.ts';
import { ago, Card, ConfirmButton, CopyButton, ErrorText, when, field, Head } from '../components.tsx';
import { loadSpace } from '../live-nodes.ts';

function SpaceTokenCard({ spaceId }: { spaceId: string }) {
  const [token, setToken] = useState<SpaceToken | null>(null);
  const [shown, setShown] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    answer(client.GET('/api/spaces/{id}/claim-token', { params: { path: { id: spaceId } } })).then(
      setToken,
      setError,
    );
  useEffect(() => void load(), [spaceId]);
  return (
    <Card title="Space claim token">
      <p class="hint">
        Any number of machines can claim into the space with it. Rotating it stops the old one at once.
      </p>
      <ErrorText error={error} />
      {token && (
        <>
          <p>
            <code class="secret">{shown ? token.token : '•'.repeat(24)}</code>{' '}
            <button type="button" onClick={() => setShown(!shown)}>
              {shown ? 'Hide' : 'Show'}
            </button>{' '}
            <CopyButton text={token.token} />
          </p>
          <p>
            Expires: {token.expires_at ? when(token.expires_at) : 'never'} · Use limit:{' '}
            {token.max_uses ?? 'none'}
            {token.uses !== undefined ? ` · used ${token.uses} times` : ''}
          </p>
          <form
            class="inline"
            onSubmit={async (e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const days = Number(f.get('days'));
              const uses = Number(f.get('uses'));
              setError(null);
              try {
                await ok(
                  client.PATCH('/api/spaces/{id}/claim-token', {
                    params: { path: { id: spaceId } },
                    body: {
                      expires_at: days > 0 ? Date.now() + days * 86400_000 : null,
                      max_uses: uses > 0 ? uses : null,
                    },
                  }),
                );
                await load();
              } catch (err) {
                setError(err);
              }
            }}
          >
            <label>
              Expires in (days, 0 = never)
              <input name="days" type="number" min="0" defaultValue="0" />
            </label>
            <label>
              Use limit (0 = none)
              <input name="uses" type="number" min="0" defaultValue="0" />
            </label>
            <button type="submit">Set limits</button>
          </form>
          <ConfirmButton
            label="Rotate token"
            danger
            question="Rotate the space claim token? Machines not yet claimed with the old one will need the new one."
            onConfirm={() =>
              ok(
                client.POST('/api/spaces/{id}/claim-token/rotate', {
                  params: { path: { id: spaceId } },
                  body: {},
                }),
              ).then(load)
            }
          />
        </>
      )}
    </Card>
  );
}

export function TokensPage({ me }: { me: Me }) {
  const [spaceId, setSpaceId] = useState<string | null>(null);
  const [tokens, setTokens] = useState<EnrollmentToken[]>([]);
  const [minted, setMinted] = useState<{ token: string; hostname: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => answer(client.GET('/api/enrollment-tokens')).then(setTokens, setError);
  useEffect(() => {
    loadSpace().then((s) => setSpaceId(s.id), setError);
    void load();
  }, []);
  if (!roleAtLeast(me.role, 'operator')) return <p>Tokens are for operators and admins.</p>;
  return (
    <>
      <h1>Tokens</h1>
      <ErrorText error={error} />
      <Card title="One-time tokens">
        <p class="hint">Each connects one machine with the given host name, once, within an hour.</p>
        <form
          class="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const hostname = field(form, 'hostname');
            setError(null);
            try {
              const t = await answer(client.POST('/api/enrollment-tokens', { body: { hostname } }));
              setMinted({ token: t.token, hostname });
              form.reset();
              await load();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <label>
            Host name
            <input name="hostname" required />
          </label>
          <button class="primary" type="submit">
            Mint token
          </button>
        </form>
        {minted && (
          <p class="minted">
            Token for {minted.hostname} (shown once): <code class="secret">{minted.token}</code>{' '}
            <CopyButton text={minted.token} />
          </p>
        )}
        <table>
          <Head cols={['Host name', 'State', 'By', 'Created', 'Expires', '']} />
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.hostname}</td>
                <td>
                  <span class={`badge token-${t.state}`}>{t.state}</span>
                </td>
                <td>{t.created_by ?? '—'}</td>
                <td>{ago(t.created_at)}</td>
                <td>{when(t.expires_at)}</td>
                <td>
                  {t.state === 'active' && (
                    <ConfirmButton
                      label="Revoke"
                      danger
                      question={`Revoke the token for ${t.hostname}? It stops working at once.`}
                      onConfirm={() =>
                        ok(
                          client.DELETE('/api/enrollment-tokens/{id}', { params: { path: { id: t.id } } }),
                        ).then(load)
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {roleAtLeast(me.role, 'admin') && spaceId && <SpaceTokenCard spaceId={spaceId} />}
    </>
  );
}
