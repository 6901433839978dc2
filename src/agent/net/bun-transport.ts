// The agent's connections to the server through Bun's own fetch and WebSocket client, which the agent executable
// uses when no proxy is in the way: Node.js's http, https and tls modules and the `ws` client are not loaded then.
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpResponse, LinkSocket, LinkSocketEvents } from './link-socket.ts';
import { HANDSHAKE_TIMEOUT_MS, linkSocketOn, REQUEST_TIMEOUT_MS } from './link-socket.ts';

/** True when the agent runs on Bun (its executable); Node.js's modules carry the connections otherwise. */
export const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

/** Bun's TLS settings for fetch and WebSocket: the CAs to trust (its default roots when absent). */
export interface BunTls {
  rejectUnauthorized: boolean;
  ca?: string[];
}

function headersOf(h: Headers): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  h.forEach((value, name) => (out[name] = value));
  return out;
}

/** One request with Bun's fetch: redirects are answers (as with Node.js's http), 30 s at most. */
export async function bunRequest(
  method: string,
  url: URL,
  body: string | undefined,
  tls: BunTls,
  headers: Record<string, string>,
): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ...({ tls } as object),
    });
    return { status: res.status, headers: headersOf(res.headers), text: await res.text() };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError')
      throw Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), {
        code: 'ETIMEDOUT',
      });
    throw err;
  }
}

/** Bun's error and close events (not in Node.js's DOM types). */
type ErrorEvent = Event & { error?: Error; message?: string };
type CloseEvent = Event & { code: number; reason: string };

interface BunWebSocket extends WebSocket {
  ping(): void;
  terminate(): void;
}

/**
 * The link's websocket on Bun's client. A refused upgrade tells only its status (Bun does not hand the answer's
 * body on): the session retries with backoff, and the next authentication reads the server's reason in full.
 */
export function bunLinkSocket(
  url: URL,
  headers: Record<string, string>,
  maxPayload: number,
  tls: BunTls,
  ev: LinkSocketEvents,
): LinkSocket {
  const ws = new WebSocket(url, { headers, tls } as unknown as string[]) as BunWebSocket;
  let opened = false;
  const handshake = setTimeout(() => {
    ev.onError(Object.assign(new Error('Opening handshake has timed out'), { code: 'ETIMEDOUT' }));
    ws.terminate();
  }, HANDSHAKE_TIMEOUT_MS);
  let closedResolve: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (closedResolve = resolve));
  ws.addEventListener('open', () => {
    clearTimeout(handshake);
    opened = true;
    ev.onOpen();
  });
  ws.addEventListener('message', (e: MessageEvent) => {
    if (typeof e.data !== 'string') return;
    if (e.data.length > maxPayload) {
      ws.close(1009, 'frame too large');
      return;
    }
    ev.onMessage(e.data);
  });
  ws.addEventListener('pong' as 'open', () => ev.onPong());
  ws.addEventListener('error', (e: Event) => {
    const err = (e as ErrorEvent).error ?? new Error((e as ErrorEvent).message || 'websocket error');
    const status = opened ? null : /Expected 101 status code[^0-9]*(\d{3})/.exec(String(err.message ?? ''));
    if (status) {
      ev.onRefused({ status: Number(status[1]), headers: {}, text: '' });
      return;
    }
    ev.onError(err);
  });
  ws.addEventListener('close', (ev0: Event) => {
    const e = ev0 as CloseEvent;
    clearTimeout(handshake);
    ev.onClose(e.code, e.reason);
    closedResolve();
  });
  return linkSocketOn(ws, closed);
}
