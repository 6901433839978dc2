import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeEqualStrings } from '../../protocol/compare.ts';

/** What the daemon gives the local API to answer with. */
export interface LocalApiHandlers {
  info(): Record<string, unknown>;
  infoV2(): Record<string, unknown>;
  /** Current session key (the file proves the caller can read the state directory). */
  sessionKey(): string;
  sessionKeyPath: string;
  claim(params: {
    token: string;
    rooms?: string;
    url?: string;
  }): Promise<{ ok: boolean; status: number; message: string; exitCode: number }>;
  reload(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Host names the local API answers to: loopback only, so a DNS name rebound to 127.0.0.1 gets nothing. */
const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/i;

/**
 * Why a request must be refused, or null: a Host that is not a loopback name (DNS rebinding), or a request a web
 * page made (an Origin other than the local API's own).
 */
export function localRefusal(headers: IncomingMessage['headers']): string | null {
  const host = headers.host ?? '';
  if (!LOOPBACK_HOST.test(host))
    return `this API answers only to loopback host names (127.0.0.1, localhost, [::1]), not "${host.slice(0, 100)}"`;
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return `requests from web pages (Origin ${origin.slice(0, 100)}) are refused`;
  return null;
}

/** The agent's local API on a loopback address: info, status, local claiming and reloads. */
export async function startLocalApi(
  listen: string,
  h: LocalApiHandlers,
): Promise<{ server: Server; address: string }> {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(listen.slice(i + 1));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const refusal = localRefusal(req.headers);
    if (refusal) return send(res, 403, { success: false, message: refusal });
    const url = new URL(req.url ?? '/', 'http://local');
    const route = `${req.method} ${url.pathname}`;
    const run = async () => {
      switch (route) {
        case 'GET /api/v1/info':
          return send(res, 200, h.info());
        case 'GET /api/v2/info':
          return send(res, 200, h.infoV2());
        case 'GET /api/v2/claim': {
          const key = url.searchParams.get('key');
          if (!key)
            return send(res, 200, {
              success: false,
              message: `pass key= with the contents of ${h.sessionKeyPath}`,
              key_filename: h.sessionKeyPath,
              cloud: h.infoV2().cloud,
            });
          if (!safeEqualStrings(key, h.sessionKey()))
            return send(res, 403, { success: false, message: `wrong key; read it from ${h.sessionKeyPath}` });
          const token = url.searchParams.get('token');
          if (!token) return send(res, 400, { success: false, message: 'token= is required' });
          const r = await h.claim({
            token,
            rooms: url.searchParams.get('rooms') ?? undefined,
            url: url.searchParams.get('url') ?? undefined,
          });
          return send(res, r.ok ? 200 : r.status, {
            success: r.ok,
            message: r.message,
            exit_code: r.exitCode,
            cloud: h.infoV2().cloud,
          });
        }
        case 'POST /api/v1/reload-claiming-state':
          await h.reload();
          return send(res, 200, { success: true });
        default:
          return send(res, 404, { success: false, message: `no route ${route}` });
      }
    };
    run().catch((err: unknown) =>
      send(res, 500, { success: false, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return { server, address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` };
}
