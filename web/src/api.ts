// The management API as the UI uses it: same-origin fetches with the session cookie.
import type { NodeView } from '../../src/server/nodes/nodes-presenter.ts';

export type Role = 'admin' | 'operator' | 'viewer';
export interface Me {
  user_id: string;
  username: string;
  role: Role;
}
export interface Room {
  id: string;
  space_id: string;
  name: string;
  slug: string;
  is_default: boolean;
  node_count: number;
}
/** A node exactly as the server presents it. */
export type Node = NodeView;
export interface Job {
  id: string;
  host_id: string;
  type: string;
  params: Record<string, unknown>;
  state: string;
  created_by: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  error: string | null;
  schedule_id: string | null;
}
export interface SourceGroup {
  id: string;
  name: string;
  paths: string[];
  excludes: string[];
  retention: Record<string, number>;
  tag: string;
}
export interface Schedule {
  id: string;
  source_group_id: string;
  action: 'backup' | 'forget' | 'check';
  cron: string;
  timezone: string;
  enabled: boolean;
  next_runs: string[];
}
export interface ServerInfo {
  url: string;
  ca_pin: string | null;
  version: string;
  install_ps1_sha256: string;
}
export interface SpaceToken {
  token: string;
  expires_at: number | null;
  max_uses: number | null;
  uses?: number;
  [k: string]: unknown;
}
export interface EnrollmentToken {
  id: string;
  hostname: string;
  state: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  rooms: string[];
}
export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  created_at: number;
}
export interface AuditEvent {
  id: number;
  at: number;
  actor_type: string;
  actor_id: string | null;
  username?: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  source_ip: string | null;
  detail: Record<string, unknown>;
}

/** An API failure with the server's message, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthenticated: () => void = () => undefined;
export const setUnauthenticatedHandler = (fn: () => void) => void (onUnauthenticated = fn);

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  // Every POST is JSON (an empty object when there is nothing to say): the server refuses other signed-in POSTs.
  const payload = body ?? (method === 'POST' ? {} : undefined);
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') onUnauthenticated();
    const message = (data as { message?: string } | null)?.message ?? `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = (path: string) => api<void>('DELETE', path);
export const put = (path: string) => api<void>('PUT', path, {});

type Handlers = Record<string, (data: unknown) => void>;
const sources = new Map<string, { source: EventSource; users: Set<Handlers> }>();

/**
 * Follow a server-sent-events endpoint; returns a function that stops following. Followers of one path share
 * one connection (a page and its parts all follow /api/events), so a page never holds more than it needs of
 * the browser's few connections per server.
 */
export function follow(path: string, handlers: Handlers): () => void {
  let shared = sources.get(path);
  if (!shared) {
    const entry = { source: new EventSource(path, { withCredentials: true }), users: new Set<Handlers>() };
    sources.set(path, entry);
    shared = entry;
  }
  const { source, users } = shared;
  const listeners = Object.entries(handlers).map(([event, fn]) => {
    const listener = (e: Event) => fn(JSON.parse((e as MessageEvent<string>).data) as unknown);
    source.addEventListener(event, listener);
    return [event, listener] as const;
  });
  users.add(handlers);
  return () => {
    for (const [event, listener] of listeners) source.removeEventListener(event, listener);
    users.delete(handlers);
    if (users.size === 0) {
      source.close();
      sources.delete(path);
    }
  };
}

export const roleAtLeast = (role: Role, wanted: Role) =>
  ({ viewer: 0, operator: 1, admin: 2 })[role] >= { viewer: 0, operator: 1, admin: 2 }[wanted];
