import { existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import type { DetailedPeerCertificate } from 'node:tls';
import { EXIT } from '../../protocol/errors.ts';
import { certPin, formatPin } from '../../protocol/pin.ts';
import { bunLinkSocket, bunRequest, onBun, type BunTls } from './bun-transport.ts';
import type { HttpResponse, LinkSocket, LinkSocketEvents } from './link-socket.ts';
import { AgentError, networkError } from './net-errors.ts';
import { proxyFor, type ProxySetting } from './proxy.ts';

export type { HttpResponse, LinkSocket, LinkSocketEvents };

/** How the agent decides to trust the server; one setting serves the claim and the link. */
export interface TrustSettings {
  insecure: boolean;
  /** Bare hex SHA-256 of the CA's public key. */
  pin: string | null;
  caFile: string | null;
  /** Where a CA learned through the pin is kept, so later runs trust it without a network round. */
  savedCaPath: string;
}

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
interface ClientOptions {
  proxy: ProxySetting;
  trust: TrustSettings;
  env: NodeJS.ProcessEnv;
}

/** Node.js's http, https, tls and `ws`, loaded the first time something needs them. */
const nodeTransport = () => import('./node-transport.ts');

/** The proxy agent for a proxy URL (none without one). */
async function proxyAgent(p: string | null): Promise<Agent | undefined> {
  if (!p) return undefined;
  try {
    return await (await nodeTransport()).proxyAgent(p);
  } catch (err) {
    throw new AgentError(EXIT.UNKNOWN_ARGUMENT, `proxy "${p}": ${(err as Error).message}`);
  }
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
      const target = new URL('/ca.pem', base);
      const { nodeRequest } = await nodeTransport();
      ({ chain } = await nodeRequest(
        'GET',
        target,
        undefined,
        { rejectUnauthorized: false, extraCa: null },
        {},
        await proxyAgent(proxyFor(opts.proxy, target, opts.env)),
      ));
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

  const transportTrust = () => ({ rejectUnauthorized: !trust.insecure, extraCa: trustedCa });

  /**
   * Bun's TLS settings: the system's roots and the learned CA. Bun takes `ca` instead of its roots, so they are
   * listed too (node:tls is loaded for them only when a CA was learned); the list is built once.
   */
  let bunCa: { for: string[]; ca: string[] } | null = null;
  async function bunTls(): Promise<BunTls> {
    if (trust.insecure) return { rejectUnauthorized: false };
    if (!trustedCa) return { rejectUnauthorized: true };
    if (bunCa?.for !== trustedCa) {
      const { rootCertificates } = await import('node:tls');
      bunCa = { for: trustedCa, ca: [...rootCertificates, ...trustedCa] };
    }
    return { rejectUnauthorized: true, ca: bunCa.ca };
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
      const text = body === undefined ? undefined : JSON.stringify(body);
      const all = {
        accept: 'application/json',
        ...(text !== undefined
          ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }
          : {}),
        ...headers,
      };
      const proxy = proxyFor(opts.proxy, target, opts.env);
      try {
        if (onBun && !proxy) return await bunRequest(method, target, text, await bunTls(), all);
        const { nodeRequest } = await nodeTransport();
        return (await nodeRequest(method, target, text, transportTrust(), all, await proxyAgent(proxy))).res;
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
      try {
        const { nodeDownload } = await nodeTransport();
        const agent = await proxyAgent(proxyFor(opts.proxy, target, opts.env));
        return await nodeDownload(target, file, transportTrust(), agent);
      } catch (err) {
        throw networkError(err, target.origin);
      }
    },
    /**
     * Open the link's websocket to `url` with the same trust and proxy: Bun's own client when the agent runs on
     * Bun and no proxy is in the way, the `ws` client otherwise.
     */
    async openLink(
      url: string,
      headers: Record<string, string>,
      maxPayload: number,
      ev: LinkSocketEvents,
    ): Promise<LinkSocket> {
      const target = new URL(url);
      await ensureTrust(new URL(target.href.replace(/^ws/, 'http')));
      const proxy = proxyFor(opts.proxy, target, opts.env);
      if (onBun && !proxy) return bunLinkSocket(target, headers, maxPayload, await bunTls(), ev);
      const { nodeLinkSocket } = await nodeTransport();
      return nodeLinkSocket(target, headers, maxPayload, transportTrust(), await proxyAgent(proxy), ev);
    },
    /** The CA learned from a pin or file, to keep in the state directory. */
    trustedCaPem: (): string | null => (trustedCa ? trustedCa.join('') : null),
  };
}
export type HttpClient = ReturnType<typeof createHttpClient>;
