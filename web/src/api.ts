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

import type {
  AlertRuleView,
  AlertView,
  ChannelView,
  NodeEventView,
  OverviewView,
  SilenceView,
} from '../../src/protocol/api/alerts.ts';
import createClient, { type Middleware } from 'openapi-fetch';
import { z } from 'zod';
import type { paths } from './api-types.ts';
import type { snapshotFilesView, snapshotView } from '../../src/protocol/api/views.ts';

// The server's views, as the API answers them (one contract, in src/protocol/api).
export type { Role } from '../../src/protocol/api/roles.ts';
export { role } from '../../src/protocol/api/roles.ts';
import { roleAtLeast as atLeast, type Role as RoleName } from '../../src/protocol/api/roles.ts';
/** Whether a role (null: none held) is at least `need`; the server checks it again on what is acted on. */
export const roleAtLeast = (have: RoleName | null | undefined, need: RoleName) =>
  !!have && atLeast(have, need);
import {
  EVENT_TYPES,
  type EventOf,
  type JobStreamLog,
  type JobStreamState,
  type MusterEvent,
  type StreamEvent,
} from '../../src/protocol/api/events.ts';
export type { EventOf, JobStreamLog, JobStreamState, MusterEvent };
export type Me = MeView;
export type Alert = AlertView;
export type AlertRule = AlertRuleView;
export type Channel = ChannelView;
export type NodeEvent = NodeEventView;
export type Overview = OverviewView;
export type Silence = SilenceView;
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
export type {
  ContextInfo,
  DataAnswer,
  FunctionInfo,
  FunctionTable,
  NodeAlert,
} from '../../src/protocol/node-data.ts';
export type SnapshotFiles = z.infer<typeof snapshotFilesView>;
/** What POST /api/hosts/{id}/jobs takes: a job type and that type's parameters. */
export type JobRequestBody =
  paths['/api/hosts/{id}/jobs']['post']['requestBody']['content']['application/json'];

/** An API failure with the server's message, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's error code (`second_factor_required`, …), when it sent one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

let onUnauthenticated: () => void = () => undefined;
export const setUnauthenticatedHandler = (fn: () => void) => void (onUnauthenticated = fn);

/**
 * The management API, typed from the server's own OpenAPI document (api-types.ts, written by npm run docs:api):
 * paths, parameters, bodies and answers. Every request says it comes from a script or this UI (X-Requested-With),
 * which the server asks of signed-in requests without a JSON body.
 */
export const client = createClient<paths>({
  credentials: 'same-origin',
  headers: { 'x-requested-with': 'muster-ui' },
});
client.use({
  onResponse({ request, response }) {
    if (response.status === 401 && new URL(request.url).pathname !== '/api/auth/login') onUnauthenticated();
  },
});
// In development every answer is parsed with the schema the server documents for it.
if (import.meta.env.DEV) client.use(answersParsed());

type Success<D> = { data: D; error?: never; response: Response };
type Failure<E> = { data?: never; error: E; response: Response };
// By the status, not the body: a failure whose body is empty still fails.
const succeeded = <D, E>(r: Success<D> | Failure<E>): r is Success<D> => r.response.ok;

/** The answer of a request that succeeded, or an ApiError with the server's message. */
export async function answer<D, E>(pending: Promise<Success<D> | Failure<E>>): Promise<NonNullable<D>> {
  const r = await pending;
  if (!succeeded(r)) throw failure(r);
  if (r.data === undefined || r.data === null)
    throw new ApiError(r.response.status, `${r.response.url}: the server sent no answer`);
  return r.data;
}

/** Wait for a request whose answer is not needed (204 No Content, or a change whose page reloads). */
export async function ok<D, E>(pending: Promise<Success<D> | Failure<E>>): Promise<void> {
  const r = await pending;
  if (!succeeded(r)) throw failure(r);
}

function failure<E>(r: Failure<E>): ApiError {
  const e = r.error as { code?: unknown } | undefined;
  return new ApiError(
    r.response.status,
    errorMessage(r.error) ?? `${r.response.status} ${r.response.statusText}`,
    typeof e?.code === 'string' ? e.code : null,
  );
}

function errorMessage(body: unknown): string | null {
  return typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
    ? body.message
    : null;
}

/**
 * Development builds only: parse each JSON answer with the schema the server's OpenAPI document gives for its
 * route and status, so that a page reading a field the server does not send is caught where it happens.
 */
function answersParsed(): Middleware {
  let document: Promise<OpenApiDocument> | null = null;
  const schemas = new Map<string, z.ZodType | null>();
  return {
    async onResponse({ request, response, schemaPath }) {
      if (!response.ok || response.status === 204) return;
      document ??= fetch('/api/openapi.json')
        .then((r) => r.json())
        .then((d: unknown) => openApiDocument.parse(d));
      const key = `${request.method} ${schemaPath} ${response.status}`;
      if (!schemas.has(key)) {
        const op = (await document).paths[schemaPath]?.[request.method.toLowerCase()];
        const schema = op?.responses?.[String(response.status)]?.content?.['application/json']?.schema;
        schemas.set(key, schema ? z.fromJSONSchema(schema, { defaultTarget: 'openapi-3.0' }) : null);
      }
      const schema = schemas.get(key);
      if (!schema) return;
      const parsed = schema.safeParse(await response.clone().json());
      if (!parsed.success)
        throw new Error(`${key}: the answer does not match its schema: ${parsed.error.message}`);
    },
  };
}
type JsonSchema = Parameters<typeof z.fromJSONSchema>[0];
/** The part of the OpenAPI document the check reads: each route's answer schemas by status. */
const openApiDocument = z.object({
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        responses: z
          .record(
            z.string(),
            z.object({
              content: z
                .record(
                  z.string(),
                  z.object({
                    schema: z.custom<JsonSchema>((v) => typeof v === 'object' && v !== null).optional(),
                  }),
                )
                .optional(),
            }),
          )
          .optional(),
      }),
    ),
  ),
});
type OpenApiDocument = z.infer<typeof openApiDocument>;

/** Listeners of /api/events, by event type, each given its event (`summary`: what happened in the last second). */
export type EventHandlers = { [K in StreamEvent['type']]?: (e: EventOf<K>) => void };
/** Listeners of a job's stream. */
export interface JobStreamHandlers {
  log?: (d: JobStreamLog) => void;
  state?: (d: JobStreamState) => void;
}

/** How a follower of /api/events follows it. */
export interface FollowOptions {
  /** Only these nodes' events (with a summary, for the rest); absent: every node's. */
  nodes?: readonly string[];
  /**
   * The stream this follower is on opened: events from now on reach it. Called once it has joined (a new stream
   * opens for the followers' new needs) and again after the browser reconnected a broken stream: read again
   * what the events keep current, since some may have been missed.
   */
  opened?: () => void;
}
interface EventsFollower {
  handlers: EventHandlers;
  nodes: Set<string> | null;
  opened?: () => void;
  /** Not told yet that its stream is open. */
  waiting: boolean;
}
const eventsFollowers = new Set<EventsFollower>();
let events: { url: string; source: EventSource } | null = null;
let syncing: ReturnType<typeof setTimeout> | undefined;

/** The stream the followers need together: the types they listen to, and the nodes, if each of them names some. */
function eventsUrl(): string | null {
  if (eventsFollowers.size === 0) return null;
  const types = new Set<string>();
  let nodes: Set<string> | null = new Set();
  for (const f of eventsFollowers) {
    for (const t of Object.keys(f.handlers)) types.add(t);
    if (!f.nodes) nodes = null;
    else if (nodes) for (const n of f.nodes) nodes.add(n);
  }
  const q = new URLSearchParams({ types: [...types].sort().join(',') });
  if (nodes) q.set('nodes', [...nodes].sort().join(','));
  return `/api/events?${q}`;
}

/** Tell followers their stream is open: those that joined since (`all`: every one, after a reconnect). */
function tellOpened(all: boolean) {
  for (const f of [...eventsFollowers])
    if (all || f.waiting) {
      f.waiting = false;
      f.opened?.();
    }
}

/** Open the stream the followers need now (once for all the changes of one render), closing the one before. */
function syncEvents() {
  clearTimeout(syncing);
  syncing = setTimeout(() => {
    const url = eventsUrl();
    if (events?.url === url) {
      // Followers that joined a stream already open are on it from now on.
      if (events.source.readyState === EventSource.OPEN) tellOpened(false);
      return;
    }
    events?.source.close();
    events = null;
    if (!url) return;
    const source = new EventSource(url, { withCredentials: true });
    let opens = 0;
    // After a reconnect every follower may have missed events; the first open concerns those waiting.
    source.addEventListener('open', () => tellOpened(opens++ > 0));
    for (const type of [...EVENT_TYPES, 'summary'] as const)
      source.addEventListener(type, (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { node_id?: unknown };
        for (const f of [...eventsFollowers]) {
          const fn = f.handlers[type] as ((d: unknown) => void) | undefined;
          if (!fn) continue;
          if (f.nodes && typeof data.node_id === 'string' && !f.nodes.has(data.node_id)) continue;
          fn(data);
        }
      });
    events = { url, source };
  }, 0);
}

/**
 * Read something again after changes: `settleMs` after the first one, and no more often than every `everyMs`
 * however many follow (through a reconnect storm of thousands of nodes, a handful of reads).
 */
export function reloader(load: () => unknown, settleMs: number, everyMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  return {
    soon: () => {
      if (timer !== undefined) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          last = Date.now();
          void load();
        },
        Math.max(settleMs, last + everyMs - Date.now()),
      );
    },
    stop: () => clearTimeout(timer),
  };
}

/** Whether a summary counts any event of these types. */
export const changed = (s: EventOf<'summary'>, ...types: (keyof EventOf<'summary'>['counts'])[]) =>
  types.some((t) => (s.counts[t] ?? 0) > 0);

const jobStreams = new Map<string, { source: EventSource; users: number }>();

/**
 * Follow a server-sent-events endpoint; returns a function that stops following. Followers of /api/events share
 * one connection (a page and its parts all follow it), so a page never holds more than it needs of the browser's
 * few connections per server; the server sends it only the event types its followers listen to, and only the
 * named nodes' events when every follower names `nodes` (a page of a large list takes a `summary` for the rest).
 */
export function follow(path: '/api/events', handlers: EventHandlers, options?: FollowOptions): () => void;
export function follow(path: string, handlers: JobStreamHandlers): () => void;
export function follow(
  path: string,
  handlers: EventHandlers | JobStreamHandlers,
  options: FollowOptions = {},
): () => void {
  if (path === '/api/events') {
    const follower: EventsFollower = {
      handlers: handlers as EventHandlers,
      nodes: options.nodes ? new Set(options.nodes) : null,
      opened: options.opened,
      waiting: true,
    };
    eventsFollowers.add(follower);
    syncEvents();
    return () => {
      eventsFollowers.delete(follower);
      syncEvents();
    };
  }
  let shared = jobStreams.get(path);
  if (!shared) {
    shared = { source: new EventSource(path, { withCredentials: true }), users: 0 };
    jobStreams.set(path, shared);
  }
  const entry = shared;
  entry.users++;
  const listeners = Object.entries(handlers).map(([event, fn]) => {
    const listener = (e: Event) => (fn as (d: unknown) => void)(JSON.parse((e as MessageEvent<string>).data));
    entry.source.addEventListener(event, listener);
    return [event, listener] as const;
  });
  return () => {
    for (const [event, listener] of listeners) entry.source.removeEventListener(event, listener);
    if (--entry.users === 0) {
      entry.source.close();
      jobStreams.delete(path);
    }
  };
}
