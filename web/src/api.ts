// The management API as the UI uses it: same-origin fetches with the session cookie.
import type {
  ApiKeyView,
  AuditEventView,
  BackupHealthView,
  EnrollmentTokenView,
  JobView,
  MeView,
  NodeView,
  RoomView,
  ScheduleView,
  ServerInfoView,
  SourceGroupView,
  SpaceTokenView,
  UserView,
} from '../../src/protocol/api/views.ts';

import type { z } from 'zod';
import type { snapshotFilesView, snapshotView } from '../../src/protocol/api/views.ts';

// The server's views, as the API answers them (one contract, in src/protocol/api).
export type { Role } from '../../src/protocol/api/roles.ts';
export { roleAtLeast } from '../../src/protocol/api/roles.ts';
import type { EventOf, JobStreamLog, JobStreamState, MusterEvent } from '../../src/protocol/api/events.ts';
export type { EventOf, JobStreamLog, JobStreamState, MusterEvent };
export type Me = MeView;
export type Room = RoomView;
export type Node = NodeView;
export type Job = JobView;
export type SourceGroup = SourceGroupView;
export type Schedule = ScheduleView;
export type ServerInfo = ServerInfoView;
export type SpaceToken = SpaceTokenView;
export type EnrollmentToken = EnrollmentTokenView;
export type User = UserView;
export type ApiKey = ApiKeyView;
export type AuditEvent = AuditEventView;
export type BackupHealth = BackupHealthView;
export type Snapshot = z.infer<typeof snapshotView>;
export type SnapshotFiles = z.infer<typeof snapshotFilesView>;

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
export const put = <T = void>(path: string, body: unknown = {}) => api<T>('PUT', path, body);

type Handlers = object;
/** Listeners of /api/events, by event type, each given its event. */
export type EventHandlers = { [K in MusterEvent['type']]?: (e: EventOf<K>) => void };
/** Listeners of a job's stream. */
export interface JobStreamHandlers {
  log?: (d: JobStreamLog) => void;
  state?: (d: JobStreamState) => void;
}
const sources = new Map<string, { source: EventSource; users: Set<Handlers> }>();

/**
 * Follow a server-sent-events endpoint; returns a function that stops following. Followers of one path share
 * one connection (a page and its parts all follow /api/events), so a page never holds more than it needs of
 * the browser's few connections per server.
 */
export function follow(path: '/api/events', handlers: EventHandlers): () => void;
export function follow(path: string, handlers: JobStreamHandlers): () => void;
export function follow(path: string, handlers: EventHandlers | JobStreamHandlers): () => void {
  let shared = sources.get(path);
  if (!shared) {
    const entry = { source: new EventSource(path, { withCredentials: true }), users: new Set<Handlers>() };
    sources.set(path, entry);
    shared = entry;
  }
  const { source, users } = shared;
  const listeners = Object.entries(handlers).map(([event, fn]) => {
    const listener = (e: Event) => (fn as (d: unknown) => void)(JSON.parse((e as MessageEvent<string>).data));
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
