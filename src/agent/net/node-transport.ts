// The agent's connections to the server through Node.js's http, https and tls modules and the `ws` client: under
// Node.js always, under Bun when a proxy is in the way or the peer's certificate chain must be read. Loaded only
// then: these modules cost the Bun executable megabytes it does not otherwise need.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Agent, IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { DetailedPeerCertificate, SecureContext, TLSSocket } from 'node:tls';
import type { HttpResponse, LinkSocket, LinkSocketEvents } from './link-socket.ts';
import { HANDSHAKE_TIMEOUT_MS, linkSocketOn, REQUEST_TIMEOUT_MS } from './link-socket.ts';

/** zstd decompression, where the runtime has it (Bun, Node.js 22.15 and newer). */
const zstdDecompress = (zlib as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;

/** What a connection trusts: the system's roots plus `extraCa` (none when null), or nothing when unchecked. */
export interface TransportTrust {
  rejectUnauthorized: boolean;
  extraCa: string[] | null;
}

// Their default exports: the whole module, however the bundle hands it over.
const [{ default: https }, { default: http }, { default: tls }] = await Promise.all([
  import('node:https'),
  import('node:http'),
  import('node:tls'),
]);

/** An agent that tunnels through the proxy, chosen by the proxy's scheme (CONNECT for http(s), SOCKS otherwise). */
export async function proxyAgent(proxyUrl: string): Promise<Agent> {
  const scheme = new URL(proxyUrl).protocol;
  if (scheme === 'http:' || scheme === 'https:') {
    const { HttpsProxyAgent } = await import('https-proxy-agent');
    return new HttpsProxyAgent(proxyUrl);
  }
  if (['socks5:', 'socks5h:', 'socks4:', 'socks4a:', 'socks:'].includes(scheme)) {
    const { SocksProxyAgent } = await import('socks-proxy-agent');
    return new SocksProxyAgent(proxyUrl);
  }
  throw new Error(`unsupported proxy scheme ${scheme} (use http://, socks5:// or socks5h://)`);
}

/**
 * The system's roots and the learned CA, parsed once: a context built from 140 roots costs about 20 ms of CPU,
 * and every request and every reconnect needs one. `ca` stays beside it, so kept-alive connections are still
 * pooled by the trust they were opened with.
 */
let context: { for: string[]; ca: string[]; secureContext: SecureContext } | null = null;
function tlsOptions(trust: TransportTrust): {
  ca?: string[];
  secureContext?: SecureContext;
  rejectUnauthorized: boolean;
} {
  if (!trust.rejectUnauthorized || !trust.extraCa) return { rejectUnauthorized: trust.rejectUnauthorized };
  if (context?.for !== trust.extraCa) {
    const ca = [...tls.rootCertificates, ...trust.extraCa];
    context = { for: trust.extraCa, ca, secureContext: tls.createSecureContext({ ca }) };
  }
  // `secureContext` is handed on to tls.connect, which uses it instead of building one from `ca`.
  return { ca: context.ca, secureContext: context.secureContext, rejectUnauthorized: true };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** One request, with the peer's certificate chain (for finding the CA to pin). */
export function nodeRequest(
  method: string,
  url: URL,
  body: string | undefined,
  trust: TransportTrust,
  headers: Record<string, string>,
  agent: Agent | undefined,
) {
  return new Promise<{ res: HttpResponse; chain: DetailedPeerCertificate | null }>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method,
        // Discovering the pinned CA needs the full chain, which a resumed TLS session does not present.
        agent: agent ?? (trust.rejectUnauthorized ? undefined : new https.Agent({ maxCachedSessions: 0 })),
        ...tlsOptions(trust),
        timeout: REQUEST_TIMEOUT_MS,
        headers,
      },
      (res) => {
        const sock = res.socket as TLSSocket;
        const chain = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate(true) : null;
        readAll(res).then(
          (text) => resolve({ res: { status: res.statusCode ?? 0, headers: res.headers, text }, chain }),
          reject,
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' }),
      ),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GET `target` into `file` (created 0700), hashing while it streams; see HttpClient.download. */
export function nodeDownload(
  target: URL,
  file: string,
  trust: TransportTrust,
  agent: Agent | undefined,
): Promise<{ status: number; sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.get(
      target,
      {
        agent,
        ...tlsOptions(trust),
        timeout: REQUEST_TIMEOUT_MS,
        ...(zstdDecompress ? { headers: { 'accept-encoding': 'zstd' } } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          resolve({ status, sha256: '', size: 0 });
          return;
        }
        const encoding = res.headers['content-encoding'] ?? 'identity';
        if (encoding !== 'identity' && !(encoding === 'zstd' && zstdDecompress)) {
          res.destroy();
          reject(new Error(`the server sent the file ${encoding}-encoded, which this agent cannot decode`));
          return;
        }
        const decode = encoding === 'zstd' ? zstdDecompress!() : null;
        const hash = createHash('sha256');
        let size = 0;
        (decode ?? res).on('data', (c: Buffer) => {
          hash.update(c);
          size += c.length;
        });
        const out = createWriteStream(file, { mode: 0o700 });
        (decode ? pipeline(res, decode, out) : pipeline(res, out)).then(
          () => resolve({ status, sha256: hash.digest('hex'), size }),
          reject,
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`stalled for ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' }),
      ),
    );
    req.on('error', reject);
  });
}

/**
 * The link's websocket on the `ws` client. Without a proxy it goes over the kept-alive connection its
 * authentication just used (Node's global agent keeps connections alive): one TLS handshake per link instead of
 * two, on both ends.
 */
export async function nodeLinkSocket(
  url: URL,
  headers: Record<string, string>,
  maxPayload: number,
  trust: TransportTrust,
  proxy: Agent | undefined,
  ev: LinkSocketEvents,
): Promise<LinkSocket> {
  const { default: WebSocket } = await import('ws');
  const agent =
    proxy ?? (url.protocol === 'wss:' && trust.rejectUnauthorized ? https.globalAgent : undefined);
  const ws = new WebSocket(url, {
    ...tlsOptions(trust),
    ...(agent ? { agent } : {}),
    headers,
    maxPayload,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('unexpected-response', (_req, res) => {
    void readAll(res).then(
      (text) => {
        ev.onRefused({ status: res.statusCode ?? 0, headers: res.headers, text });
        ws.terminate();
      },
      () => ws.terminate(),
    );
  });
  ws.on('open', () => ev.onOpen());
  ws.on('message', (data, isBinary) => {
    if (!isBinary) ev.onMessage((data as Buffer).toString('utf8'));
  });
  ws.on('pong', () => ev.onPong());
  ws.on('error', (err) => ev.onError(err));
  ws.on('close', (code, reason) => ev.onClose(code, reason.toString()));
  return linkSocketOn(ws, closed);
}
