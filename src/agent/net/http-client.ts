import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import https from 'node:https';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import {
  createSecureContext,
  rootCertificates,
  type DetailedPeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { EXIT } from '../../protocol/errors.ts';
import { certPin, formatPin } from '../../protocol/pin.ts';
import { AgentError, networkError } from './net-errors.ts';
import { proxyAgent, proxyFor, type ProxySetting } from './proxy.ts';

/** zstd decompression, where the runtime has it (Bun, Node.js 22.15 and newer). */
const zstdDecompress = (zlib as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;

/** How the agent decides to trust the server; one setting serves the claim and the link. */
export interface TrustSettings {
  insecure: boolean;
  /** Bare hex SHA-256 of the CA's public key. */
  pin: string | null;
  caFile: string | null;
  /** Where a CA learned through the pin is kept, so later runs trust it without a network round. */
  savedCaPath: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** TLS and proxy options for one connection to the server (HTTP or websocket). */
export interface ConnectOptions {
  ca?: string[];
  secureContext?: SecureContext;
  rejectUnauthorized: boolean;
  agent?: Agent;
}

const REQUEST_TIMEOUT_MS = 30_000;

function pemOf(raw: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${raw
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
}

function certsIn(pem: string): string[] {
  return (
    pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((c) => `${c}\n`) ?? []
  );
}

/** What the HTTP client is given: the proxy, what it trusts, the environment (for proxy variables). */
/** What a request trusts: the CAs (or a context built from them), and whether it checks at all. */
type TlsOptions = { ca?: string[]; secureContext?: SecureContext; rejectUnauthorized: boolean };

interface ClientOptions {
  proxy: ProxySetting;
  trust: TrustSettings;
  env: NodeJS.ProcessEnv;
}

/** The proxy agent for a target, when the proxy settings route it through one. */
function agentFor(opts: ClientOptions, target: URL): Agent | undefined {
  const p = proxyFor(opts.proxy, target, opts.env);
  try {
    return p ? proxyAgent(p) : undefined;
  } catch (err) {
    throw new AgentError(EXIT.UNKNOWN_ARGUMENT, `proxy "${p}": ${(err as Error).message}`);
  }
}

/** One request, with the peer's certificate chain (for finding the CA to pin). */
function rawRequest(
  opts: ClientOptions,
  method: string,
  url: URL,
  body: string | undefined,
  tls: TlsOptions,
  headers: Record<string, string> = {},
) {
  return new Promise<{ res: HttpResponse; chain: DetailedPeerCertificate | null }>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method,
        // Discovering the pinned CA needs the full chain, which a resumed TLS session does not present.
        agent:
          agentFor(opts, url) ??
          (tls.rejectUnauthorized ? undefined : new https.Agent({ maxCachedSessions: 0 })),
        ca: tls.ca,
        // Handed on to tls.connect, which uses it instead of building a context from `ca`.
        ...({ secureContext: tls.secureContext } as object),
        rejectUnauthorized: tls.rejectUnauthorized,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          accept: 'application/json',
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const sock = res.socket as TLSSocket;
        const chain = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate(true) : null;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            res: {
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            },
            chain,
          }),
        );
        res.on('error', reject);
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
/** HTTP(S) client for the server with the agent's trust and proxy settings. */
export function createHttpClient(opts: ClientOptions) {
  const { trust } = opts;
  let trustedCa: string[] | null = null;

  /** Find the certificate whose key matches the pin in the chain the server presents. */
  async function discoverPinnedCa(base: URL): Promise<string> {
    const pin = trust.pin!;
    let chain: DetailedPeerCertificate | null;
    try {
      ({ chain } = await rawRequest(opts, 'GET', new URL('/ca.pem', base), undefined, {
        rejectUnauthorized: false,
      }));
    } catch (err) {
      throw networkError(err, base.origin);
    }
    const seen: string[] = [];
    for (let c = chain; c && c.raw; c = c.issuerCertificate === c ? null : c.issuerCertificate) {
      const pem = pemOf(c.raw);
      const p = certPin(pem);
      if (p === pin) return pem;
      seen.push(formatPin(p));
    }
    throw new AgentError(
      EXIT.UNTRUSTED_SERVER,
      `the server at ${base.origin} does not present the pinned CA ${formatPin(pin)} (its chain has ${seen.join(', ') || 'no certificates'}); check the pin, or that nothing intercepts the connection`,
    );
  }

  /** Decide, once, which CA certificates to trust beyond the system ones. */
  async function ensureTrust(base: URL): Promise<void> {
    if (trustedCa || trust.insecure || base.protocol !== 'https:') return;
    if (trust.caFile) {
      if (!existsSync(trust.caFile))
        throw new AgentError(EXIT.UNTRUSTED_SERVER, `CA file ${trust.caFile} does not exist`);
      const certs = certsIn(readFileSync(trust.caFile, 'utf8'));
      if (certs.length === 0)
        throw new AgentError(EXIT.UNTRUSTED_SERVER, `CA file ${trust.caFile} holds no PEM certificate`);
      if (trust.pin && !certs.some((c) => certPin(c) === trust.pin))
        throw new AgentError(
          EXIT.UNTRUSTED_SERVER,
          `no certificate in ${trust.caFile} matches the pin ${formatPin(trust.pin)}`,
        );
      trustedCa = certs;
      return;
    }
    if (existsSync(trust.savedCaPath)) {
      const saved = readFileSync(trust.savedCaPath, 'utf8');
      if (!trust.pin || certsIn(saved).some((c) => certPin(c) === trust.pin)) {
        trustedCa = certsIn(saved);
        return;
      }
    }
    if (trust.pin) trustedCa = [await discoverPinnedCa(base)];
  }

  /**
   * The system's roots and the learned CA, parsed once: a context built from 140 roots costs about 20 ms of CPU,
   * and every request and every reconnect needs one. `ca` stays beside it, so kept-alive connections are still
   * pooled by the trust they were opened with.
   */
  let context: { for: string[]; ca: string[]; secureContext: SecureContext } | null = null;
  function tlsFor(): TlsOptions {
    if (trust.insecure) return { rejectUnauthorized: false };
    if (!trustedCa) return { rejectUnauthorized: true };
    if (context?.for !== trustedCa) {
      const ca = [...rootCertificates, ...trustedCa];
      context = { for: trustedCa, ca, secureContext: createSecureContext({ ca }) };
    }
    return { ca: context.ca, secureContext: context.secureContext, rejectUnauthorized: true };
  }

  return {
    /** One request; network and trust failures become AgentErrors with exit codes. */
    async request(
      method: string,
      url: string,
      body?: unknown,
      headers?: Record<string, string>,
    ): Promise<HttpResponse> {
      const target = new URL(url);
      await ensureTrust(target);
      try {
        const { res } = await rawRequest(
          opts,
          method,
          target,
          body === undefined ? undefined : JSON.stringify(body),
          tlsFor(),
          headers,
        );
        return res;
      } catch (err) {
        throw networkError(err, target.origin);
      }
    },
    /**
     * GET `url` into `file` (created 0700) with the same trust and proxy, hashing while it streams: a large file
     * never sits in memory. Asks for zstd where this runtime can decompress it (a third of the bytes for an
     * executable). Resolves with the status and the SHA-256 and size of what was written (decompressed).
     */
    async download(url: string, file: string): Promise<{ status: number; sha256: string; size: number }> {
      const target = new URL(url);
      await ensureTrust(target);
      const tls = tlsFor();
      try {
        return await new Promise((resolve, reject) => {
          const lib = target.protocol === 'https:' ? https : http;
          const req = lib.get(
            target,
            {
              agent: agentFor(opts, target),
              ca: tls.ca,
              ...({ secureContext: tls.secureContext } as object),
              rejectUnauthorized: tls.rejectUnauthorized,
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
                reject(
                  new Error(`the server sent the file ${encoding}-encoded, which this agent cannot decode`),
                );
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
      } catch (err) {
        throw networkError(err, target.origin);
      }
    },
    /** Options for a websocket to `url` with the same trust and proxy. */
    async connectOptions(url: string): Promise<ConnectOptions> {
      const target = new URL(url);
      await ensureTrust(new URL(target.href.replace(/^ws/, 'http')));
      const tlsOptions = tlsFor();
      // Without a proxy, the link goes over the kept-alive connection its authentication just used (Node's
      // global agent keeps connections alive): one TLS handshake per link instead of two, on both ends.
      const agent =
        agentFor(opts, target) ??
        (target.protocol === 'wss:' && tlsOptions.rejectUnauthorized ? https.globalAgent : undefined);
      return { ...tlsOptions, ...(agent ? { agent } : {}) };
    },
    /** The CA learned from a pin or file, to keep in the state directory. */
    trustedCaPem: (): string | null => (trustedCa ? trustedCa.join('') : null),
  };
}
export type HttpClient = ReturnType<typeof createHttpClient>;
