// A child process of fleet.ts: holds up to a few thousand simulated links, either Muster agent links (link
// authentication as the agent does it: env, challenge, decrypt, the websocket opened with the answer (a password
// first on servers without that); then, on a server that takes it, every later link opened with the node's
// signature alone; hello, heartbeats) or MQTT 5 clients of a reference broker (CONNECT/CONNACK,
// PINGREQ at the keep-alive). Reports over IPC.
import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import mqtt from 'mqtt-packet';
import WebSocket from 'ws';
import { LINK_SIGNATURE_CAPABILITY } from '../src/protocol/claim-api.ts';
import { signedAuthorization, signedMiss } from '../src/agent/link/link-auth.ts';
import { call } from './http-call.ts';

export interface MusterAgent {
  id: string;
  key: string;
}
export type Command =
  | {
      cmd: 'muster';
      url: string;
      ca: string | null;
      agents: MusterAgent[];
      concurrency: number;
      /**
       * Each agent connects from a loopback address of its own, 127.<sourceNet>.x.y, as each machine of a fleet has
       * its own: one address has about 28,000 ports towards one server address, and every connection closed keeps
       * its port a minute (TIME_WAIT), so a fleet sharing a few addresses and reconnecting through a proxy that
       * answers 502 runs out of ports, which no real fleet does. None: the system's choice.
       */
      sourceNet?: number;
      /** Any answer but 101 to a signed upgrade sends the next link the long way (as the agent did before it told a proxy's 502-504 and a 429 apart). */
      anyAnswerRefuses?: boolean;
    }
  | { cmd: 'close' }
  | {
      cmd: 'mqtt';
      host: string;
      port: number;
      ca: string | null;
      count: number;
      keepAlive: number;
      concurrency: number;
    }
  | { cmd: 'drop' };
export type Report =
  | { kind: 'progress'; linked: number; failed: number; lastError: string | null }
  | { kind: 'done'; linked: number; failed: number; lastError: string | null };

const facts = {
  os: 'linux',
  kernel: '6.1.0',
  arch: 'x64',
  cpus: 2,
  memory_bytes: 4e9,
  virtualization: 'none',
  container: 'none',
  labels: {},
  capabilities: [],
};

/** The simulated machines share a few keys, each parsed once per process (an agent decrypts on its own machine). */
const privateKeys = new Map<string, KeyObject>();
const privateKey = (pem: string) => {
  let k = privateKeys.get(pem);
  if (!k) privateKeys.set(pem, (k = createPrivateKey(pem)));
  return k;
};
/**
 * One TLS context (the trusted CA) per process, as each agent keeps its own across reconnects: building one per
 * connection (parsing the CA, filling a store) costs more than the handshake, on both sides of the comparison.
 */
const contexts = new Map<string, tls.SecureContext>();
const secureContext = (ca: string | null) => {
  if (ca === null) return undefined;
  let c = contexts.get(ca);
  if (!c) contexts.set(ca, (c = tls.createSecureContext({ ca })));
  return c;
};
let linked = 0;
/** Links closed on purpose ('close'): a clean goodbye, and no reconnecting. */
let stopping = false;
let failed = 0;
let lastError: string | null = null;
const open = new Set<{ close(): void }>();
const send = (r: Report) => process.send!(r);
const progress = setInterval(() => send({ kind: 'progress', linked, failed, lastError }), 100);
progress.unref();

/** The simulated agents' backoff after a failed attempt, between these (see retry). */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/** One agent's link, reconnecting whenever it drops (the server restarting, say), as an agent would. */
function musterAgent(start: Extract<Command, { cmd: 'muster' }>, a: MusterAgent, i: number): Promise<void> {
  let firstDone: (() => void) | null = null;
  const first = new Promise<void>((r) => (firstDone = r));
  /** As the agent does: once a server said it takes signatures, later links are the signed upgrade alone. */
  let signedEndpoint: string | null = null;
  /** As the agent does after a proxy's 502-504 or a 429: the env first, then the signed upgrade. */
  let envFirst = false;
  const attempt = async (): Promise<void> => {
    const from =
      start.sourceNet === undefined
        ? {}
        : { localAddress: `127.${start.sourceNet}.${Math.floor(i / 250)}.${1 + (i % 250)}` };
    const agent = start.url.startsWith('https:')
      ? new https.Agent({ keepAlive: true, secureContext: secureContext(start.ca), maxSockets: 1, ...from })
      : new http.Agent({ keepAlive: true, maxSockets: 1, ...from });
    try {
      if (signedEndpoint) {
        if (envFirst) {
          const env = await call(agent, `${start.url}/api/v1/env?claim_id=${a.id}`, 'GET');
          if (env.status !== 200) throw new Error(`env ${env.status} ${env.text.slice(0, 100)}`);
          envFirst = false;
        }
        try {
          await link(signedEndpoint, signedAuthorization(a.id, privateKey(a.key), Date.now()), agent);
        } catch (err) {
          // A refused signature sends the next attempt the long way, as the agent's does; a server still down
          // does not, and a proxy's 502-504 or a 429 sends it through the env first (the agent reads the env
          // the whole way only after many misses, minutes apart with its backoff).
          const status = /Unexpected server response: (\d+)/.exec((err as Error).message);
          if (status && (start.anyAnswerRefuses || !signedMiss(Number(status[1])))) signedEndpoint = null;
          else if (status) envFirst = true;
          throw err;
        }
        return;
      }
      const env = await call(agent, `${start.url}/api/v1/env?claim_id=${a.id}`, 'GET');
      if (env.status !== 200) throw new Error(`env ${env.status} ${env.text.slice(0, 100)}`);
      const { authEndpoint, transports, capabilities } = JSON.parse(env.text) as {
        authEndpoint: string;
        transports: { endpoint: string }[];
        capabilities?: { name: string }[];
      };
      const ch = await call(agent, `${authEndpoint}/node/${a.id}/challenge`, 'GET');
      if (ch.status !== 200) throw new Error(`challenge ${ch.status} ${ch.text.slice(0, 100)}`);
      const nonce = privateDecrypt(
        { key: privateKey(a.key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        Buffer.from((JSON.parse(ch.text) as { challenge: string }).challenge, 'base64'),
      );
      const pair = (secret: string) => Buffer.from(`${a.id}:${secret}`).toString('base64');
      // As the agent does: the answer opens the link itself where the server offers that, else a password first.
      let authorization = `Challenge ${pair(nonce.toString('base64'))}`;
      if (!capabilities?.some((c) => c.name === 'link-answer')) {
        const pw = await call(agent, `${authEndpoint}/node/${a.id}/password`, 'POST', {
          agent_version: 'bench',
          response: nonce.toString('base64'),
        });
        if (pw.status !== 201 && pw.status !== 200)
          throw new Error(`password ${pw.status} ${pw.text.slice(0, 100)}`);
        authorization = `Basic ${pair((JSON.parse(pw.text) as { password: string }).password)}`;
      }
      // As the agent does: the websocket goes over the connection the authentication used (one TLS handshake).
      await link(transports[0]!.endpoint, authorization, agent);
      if (capabilities?.some((c) => c.name === LINK_SIGNATURE_CAPABILITY))
        signedEndpoint = transports[0]!.endpoint;
    } finally {
      agent.destroy();
    }
  };
  const link = (endpoint: string, authorization: string, agent: http.Agent) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(endpoint, {
        agent,
        headers: { authorization },
        perMessageDeflate: false,
      });
      let heartbeat: NodeJS.Timeout | undefined;
      let up = false;
      const handle = { close: () => (stopping ? ws.close(1000, 'agent stopping') : ws.terminate()) };
      ws.once('open', () =>
        ws.send(
          JSON.stringify({
            t: 'hello',
            protocol: 1,
            agent_version: 'bench',
            facts: { ...facts, hostname: a.id },
          }),
        ),
      );
      ws.on('message', (data) => {
        const f = JSON.parse((data as Buffer).toString()) as {
          t: string;
          id?: string;
          heartbeat?: string;
          heartbeat_interval_ms?: number;
        };
        if (f.t === 'welcome') {
          up = true;
          linked++;
          open.add(handle);
          heartbeat = setInterval(() => {
            ws.ping();
            if (f.heartbeat !== 'ping') ws.send('{"t":"heartbeat"}');
          }, f.heartbeat_interval_ms);
          firstDone?.();
          resolve();
        } else if (f.t === 'request')
          // The facts the link contract asks for (the benchmarks ask for nothing else).
          ws.send(JSON.stringify({ t: 'reply', id: f.id, ok: true, result: { ...facts, hostname: a.id } }));
      });
      ws.once('error', (err) => {
        if (!up) reject(err);
      });
      ws.once('close', () => {
        clearInterval(heartbeat);
        open.delete(handle);
        if (!up) return reject(new Error('closed before welcome'));
        linked--;
        if (!stopping) void retry();
      });
    });
  // Reconnect soon: the bench measures how fast the server takes a whole fleet back. Failures back off as the
  // agent's do (exponential, full jitter), on a shorter scale (0.1-5 s where the agent's is 1-60 s): a fleet
  // retrying every few hundred milliseconds through a proxy answering 502 would open and close tens of thousands of
  // connections a second and run this machine out of ports, which no real fleet does.
  const retry = async () => {
    for (let misses = 0; ; misses++) {
      if (stopping) return;
      try {
        await gate(attempt);
        return;
      } catch (err) {
        failed++;
        lastError = (err as Error).message;
        const ceiling = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** misses);
        await new Promise((r) => setTimeout(r, RETRY_MIN_MS + Math.random() * ceiling));
      }
    }
  };
  void retry();
  return first;
}

/** At most `concurrency` connection attempts of this process at once, as a fleet's agents spread over time. */
let inFlight = 0;
let limit = 100;
const waiting: (() => void)[] = [];
async function gate<T>(fn: () => Promise<T>): Promise<T> {
  if (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
  inFlight++;
  try {
    return await fn();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

function mqttClient(start: Extract<Command, { cmd: 'mqtt' }>, n: number): Promise<void> {
  return gate(
    () =>
      new Promise<void>((resolve, reject) => {
        const socket: net.Socket = start.ca
          ? tls.connect({
              host: start.host,
              port: start.port,
              secureContext: secureContext(start.ca),
              servername: 'localhost',
            })
          : net.connect({ host: start.host, port: start.port });
        const parser = mqtt.parser({ protocolVersion: 5 });
        let ping: NodeJS.Timeout | undefined;
        socket.once(start.ca ? 'secureConnect' : 'connect', () =>
          socket.write(
            mqtt.generate({
              cmd: 'connect',
              protocolId: 'MQTT',
              protocolVersion: 5,
              clean: true,
              clientId: `bench-${process.pid}-${n}`,
              keepalive: start.keepAlive,
            }),
          ),
        );
        parser.on('packet', (p) => {
          if (p.cmd === 'connack') {
            linked++;
            open.add({ close: () => socket.destroy() });
            ping = setInterval(() => socket.write(mqtt.generate({ cmd: 'pingreq' })), start.keepAlive * 1000);
            resolve();
          }
        });
        socket.on('data', (d) => parser.parse(d));
        socket.once('error', reject);
        socket.once('close', () => clearInterval(ping));
      }),
  );
}

process.on('message', (msg: Command) => {
  if (msg.cmd === 'drop' || msg.cmd === 'close') {
    if (msg.cmd === 'close') stopping = true;
    for (const h of open) h.close();
    return;
  }
  limit = msg.concurrency;
  void (async () => {
    if (msg.cmd === 'muster') await Promise.all(msg.agents.map((a, i) => musterAgent(msg, a, i)));
    else
      await Promise.all(
        Array.from({ length: msg.count }, (_, n) =>
          mqttClient(msg, n).catch((err: Error) => {
            failed++;
            lastError = err.message;
          }),
        ),
      );
    send({ kind: 'done', linked, failed, lastError });
  })();
});
process.on('disconnect', () => process.exit(0));
