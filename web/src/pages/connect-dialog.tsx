import { useEffect, useState } from 'preact/hooks';
import { answer, client, roleAtLeast, type Me, type Room, type ServerInfo } from '../api.ts';
import { connectCommand, connectHint, ENVIRONMENTS, type Environment } from '../connect-commands.ts';
import { CopyButton, Dialog, ErrorText, field } from '../components.tsx';

/** Rooms, then the environment, then the exact command. Admins get the space token; operators a one-time token. */
export function ConnectDialog(props: { me: Me; spaceId: string; rooms: Room[]; onClose: () => void }) {
  const admin = roleAtLeast(props.me.role, 'admin');
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [env, setEnv] = useState<Environment>('linux');
  const [token, setToken] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState<{ token: string; hostname: string; local: string | null } | null>(
    null,
  );
  const [hostname, setHostname] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    answer(client.GET('/api/server-info')).then(setInfo, setError);
    if (admin)
      answer(client.GET('/api/spaces/{id}/claim-token', { params: { path: { id: props.spaceId } } })).then(
        (t) => setToken(t.token),
        setError,
      );
  }, []);

  const slugs = props.rooms.filter((r) => chosen.includes(r.id)).map((r) => r.slug);
  const usable = oneTime?.token ?? (admin ? token : null);
  const command =
    info && usable
      ? connectCommand(env, {
          url: info.url,
          caPin: info.ca_pin,
          token: usable,
          rooms: admin && !oneTime ? slugs : [],
          installPs1Sha256: info.install_ps1_sha256,
          ...(oneTime?.local ? { writablePaths: [oneTime.local] } : {}),
        })
      : null;

  return (
    <Dialog title="Connect nodes" onClose={props.onClose} wide>
      <fieldset>
        <legend>1. Rooms the new nodes join</legend>
        <div class="choices">
          {props.rooms.map((r) => (
            <label key={r.id} class="check">
              <input
                type="checkbox"
                checked={chosen.includes(r.id)}
                disabled={!admin && oneTime !== null}
                onChange={(e) =>
                  setChosen((c) => (e.currentTarget.checked ? [...c, r.id] : c.filter((x) => x !== r.id)))
                }
              />
              {r.name}
            </label>
          ))}
        </div>
        {chosen.length === 0 && <p class="hint">None chosen: nodes join the space's default room.</p>}
      </fieldset>
      <fieldset>
        <legend>2. Environment</legend>
        <div class="tabs" role="tablist">
          {ENVIRONMENTS.map((e) => (
            <button
              key={e.id}
              type="button"
              role="tab"
              aria-selected={env === e.id}
              class={env === e.id ? 'tab current' : 'tab'}
              onClick={() => setEnv(e.id)}
            >
              {e.label}
            </button>
          ))}
        </div>
      </fieldset>
      {!oneTime && (
        <form
          class="one-time"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            const f = new FormData(e.currentTarget);
            const repoUrl = field(f, 'repo_url');
            const repo = repoUrl
              ? {
                  repo_url: repoUrl,
                  repo_password: field(f, 'repo_password'),
                  ...(field(f, 'repo_username') ? { repo_username: field(f, 'repo_username') } : {}),
                }
              : {};
            try {
              const t = await answer(
                client.POST('/api/enrollment-tokens', {
                  body: {
                    hostname,
                    rooms: chosen,
                    space_id: props.spaceId,
                    ...repo,
                  },
                }),
              );
              const local = repoUrl.startsWith('/')
                ? repoUrl
                : repoUrl.startsWith('local:')
                  ? repoUrl.slice(6)
                  : null;
              setOneTime({ token: t.token, hostname, local });
            } catch (err) {
              setError(err);
            }
          }}
        >
          <p class="hint">
            {admin
              ? 'Or connect one machine with its own backup repository: a one-time token bound to its host name (valid one hour).'
              : 'Operators connect one machine at a time with a one-time token bound to its host name (valid one hour).'}
          </p>
          <label>
            Host name of the machine
            <input value={hostname} required onInput={(e) => setHostname(e.currentTarget.value)} />
          </label>
          <details open={!admin}>
            <summary>Backup repository (optional)</summary>
            <div class="inline">
              <label class="grow">
                Repository URL
                <input
                  name="repo_url"
                  placeholder="/srv/restic/web-1 or sftp:backup@host:/srv/restic"
                  spellcheck={false}
                />
              </label>
              <label>
                Password
                <input name="repo_password" type="password" autocomplete="new-password" />
              </label>
              <label>
                User (REST server)
                <input name="repo_username" autocomplete="off" />
              </label>
            </div>
            <p class="hint">
              The repository is initialised when the machine first connects; it can also be set later on the
              node page.
            </p>
          </details>
          <button class="primary" type="submit">
            Create one-time token
          </button>
        </form>
      )}
      <ErrorText error={error} />
      {command && (
        <div class="command-box">
          <div class="command-head">
            <strong>3. Run this{env === 'kubernetes' || env === 'compose' ? ' manifest' : ''}</strong>
            <CopyButton text={command} />
          </div>
          <pre class="command" data-env={env}>
            {command}
          </pre>
          <p class="hint">{connectHint(env, info?.ca_pin ?? null)}</p>
          {oneTime && (
            <p class="hint">One-time token for {oneTime.hostname}: it works once, then is spent.</p>
          )}
        </div>
      )}
    </Dialog>
  );
}
