import type { IncomingHttpHeaders } from 'node:http';

/** What a request to the server answered. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The link's websocket as a session uses it, whichever client carries it. */
export interface LinkSocket {
  readonly open: boolean;
  send(text: string): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
}

/** What happens on a link's websocket; `onClose` comes last, once. */
export interface LinkSocketEvents {
  onOpen(): void;
  onMessage(text: string): void;
  onPong(): void;
  /** The server answered the upgrade with another status than 101 (the body when the client can read it). */
  onRefused(res: HttpResponse): void;
  onError(err: unknown): void;
  onClose(code: number, reason: string): void;
}

/** How long the upgrade may take before the attempt is given up. */
export const HANDSHAKE_TIMEOUT_MS = 15_000;
/** How long a request to the server may go without an answer. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** What both websocket clients (Bun's and `ws`) offer, under the same names. */
interface ClientSocket {
  readonly readyState: number;
  send(text: string): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** A client's websocket as a LinkSocket; `closed` resolves on its close event. */
export function linkSocketOn(ws: ClientSocket, closed: Promise<void>): LinkSocket {
  return {
    get open() {
      return ws.readyState === 1; // OPEN, in both clients
    },
    send: (text) => ws.send(text),
    ping: () => ws.ping(),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    closed,
  };
}
