import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import { readSecretFile, type ServerConfig } from '../config.ts';

type NatsSettings = Pick<
  ServerConfig,
  | 'nats'
  | 'natsUser'
  | 'natsPassword'
  | 'natsPasswordFile'
  | 'natsToken'
  | 'natsTokenFile'
  | 'natsCreds'
  | 'natsNkey'
  | 'natsCa'
  | 'natsCert'
  | 'natsKey'
>;

/** The connection options for NATS from the replica's settings: credentials (one kind) and TLS. */
export function natsOptions(c: NatsSettings, name: string): NodeConnectionOptions {
  const opts: NodeConnectionOptions = {
    servers: c.nats,
    name: `muster replica ${name}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    // A replica never needs what it published itself back (its own events it hands on at once; it never asks
    // itself), and each echoed message would be opened only to be dropped.
    noEcho: true,
  };
  if (c.natsUser) {
    opts.user = c.natsUser;
    opts.pass = c.natsPassword ?? readSecretFile(c.natsPasswordFile!, '--nats-password-file');
  }
  if (c.natsToken || c.natsTokenFile)
    opts.token = c.natsToken ?? readSecretFile(c.natsTokenFile!, '--nats-token-file');
  if (c.natsCreds)
    opts.authenticator = credsAuthenticator(
      new TextEncoder().encode(readSecretFile(c.natsCreds, '--nats-creds')),
    );
  if (c.natsNkey)
    opts.authenticator = nkeyAuthenticator(
      new TextEncoder().encode(readSecretFile(c.natsNkey, '--nats-nkey')),
    );
  if (c.natsCa || c.natsCert || c.nats?.startsWith('tls://'))
    opts.tls = {
      ...(c.natsCa ? { caFile: c.natsCa } : {}),
      ...(c.natsCert ? { certFile: c.natsCert, keyFile: c.natsKey } : {}),
    };
  return opts;
}

/** Connect to NATS for a replica; a clear error when it cannot be reached or refuses the credentials. */
export async function connectNats(c: NatsSettings, name: string): Promise<NatsConnection> {
  const opts = natsOptions(c, name);
  try {
    return await connect(opts);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const refused = /authori[sz]ation|authentication|permission/i.test(why);
    throw new Error(
      refused
        ? `NATS at ${c.nats} refused this replica's credentials (${why}): give the user and password, token, .creds or nkey that NATS expects (--nats-user with MUSTER_NATS_PASSWORD, MUSTER_NATS_TOKEN, --nats-creds, --nats-nkey; docs/cluster.md)`
        : `cannot reach NATS at ${c.nats} (${why}); cluster mode needs it${opts.tls ? '' : ' (a NATS server that requires TLS needs a tls:// URL or --nats-ca)'}`,
      { cause: err },
    );
  }
}

export /** What is wrong with the connection to NATS, or null when it answers within two seconds. */
async function natsProblem(nc: NatsConnection): Promise<string | null> {
  if (nc.isClosed()) return 'the connection to NATS is closed';
  try {
    await Promise.race([
      nc.flush(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
    ]);
    return null;
  } catch (err) {
    return `NATS does not answer (${err instanceof Error ? err.message : String(err)})`;
  }
}
