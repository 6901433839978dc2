import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventBus } from '../../events/event-bus.ts';
import type { EventStreams } from '../../events/event-streams.ts';
import { EVENT_TYPES, type EventSummary, type MusterEvent } from '../../../protocol/api/events.ts';
import { canonicalId } from '../../../protocol/ids.ts';
import type { AccessService } from '../../auth/access-service.ts';
import type { Grants } from '../../auth/grants.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { eventStream, routeOptions } from '../route-schema.ts';

/** Refresh what a stream may show at most this often, when an event names a node it does not know. */
const REFRESH_MS = 5000;
/** A stream that asks for summaries gets one at most this often. */
const SUMMARY_MS = 1000;
/** Node ids one stream may name. */
const MAX_NODES = 1000;

const STREAM_TYPES = [...EVENT_TYPES, 'summary'] as const;
/** A comma-separated list in a query string, each item checked by `item`. */
const commaList = <T extends z.ZodType<string, string>>(item: T, max: number) =>
  z
    .string()
    .max(max * 101)
    .transform((v) => v.split(',').filter((s) => s !== ''))
    .pipe(z.array(item).max(max));
const streamQuery = z.object({
  types: commaList(z.enum(STREAM_TYPES), STREAM_TYPES.length)
    .optional()
    .describe(
      'comma-separated event types to send (default: all but `summary`); `summary`: at most once a second, how many events of each type happened',
    ),
  nodes: commaList(
    z
      .string()
      .min(1)
      .max(100)
      .transform((v) => canonicalId(v) ?? v),
    MAX_NODES,
  )
    .optional()
    .describe(`comma-separated node ids (at most ${MAX_NODES}): only these nodes' events and job output`),
});
type StreamQuery = z.infer<typeof streamQuery>;

/**
 * What one subscriber may receive: events of the nodes they see, and job output only of nodes where they are an
 * operator (a job's node is learnt from its state events). A node that enters their rooms later is picked up when an
 * event names it (the sets are read again, at most every few seconds).
 */
async function mayReceive(
  access: AccessService,
  g: Grants,
  jobNodes: ReadonlyMap<string, string>,
): Promise<(e: MusterEvent) => boolean> {
  let seen = await access.nodesWith(g, 'viewer');
  let operates = await access.nodesWith(g, 'operator');
  let readAt = Date.now();
  const refresh = async () => {
    if (Date.now() - readAt < REFRESH_MS) return;
    readAt = Date.now();
    [seen, operates] = await Promise.all([access.nodesWith(g, 'viewer'), access.nodesWith(g, 'operator')]);
  };
  return (e) => {
    if (e.type === 'job.log') {
      if (operates === null) return true;
      const node = jobNodes.get(e.job_id);
      return node !== undefined && operates.has(node);
    }
    if (seen === null) return true;
    if (!seen.has(e.node_id)) {
      void refresh();
      return false;
    }
    return true;
  };
}

/**
 * What a stream sends of the events its subscriber may receive: the types and nodes it asked for, and, if it asked,
 * a summary of everything that happened at most once a second. A browser on one page of a 10,000-node list names
 * that page's nodes and takes a summary, instead of every event of a reconnect storm.
 */
function streamSender(
  q: StreamQuery,
  jobNodes: ReadonlyMap<string, string>,
  send: (type: string, data: unknown) => void,
): { take: (e: MusterEvent) => void; stop: () => void } {
  const types = q.types ? new Set<string>(q.types) : null;
  const nodes = q.nodes ? new Set(q.nodes) : null;
  const wantsSummary = types?.has('summary') ?? false;
  let counts: EventSummary['counts'] = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sentAt = 0;
  const flush = () => {
    timer = undefined;
    sentAt = Date.now();
    const summary: EventSummary = { type: 'summary', counts };
    counts = {};
    send('summary', summary);
  };
  return {
    take(e) {
      if (wantsSummary && e.type !== 'job.log') {
        counts[e.type] = (counts[e.type] ?? 0) + 1;
        timer ??= setTimeout(flush, Math.max(0, sentAt + SUMMARY_MS - Date.now()));
      }
      if (types && !types.has(e.type)) return;
      if (nodes && !nodes.has(e.type === 'job.log' ? (jobNodes.get(e.job_id) ?? '') : e.node_id)) return;
      send(e.type, e);
    },
    stop: () => clearTimeout(timer),
  };
}

/** GET /api/events: server-sent events of node presence and job changes. */
export function eventsRoutes(deps: {
  bus: EventBus;
  guard: AuthGuard;
  streams: EventStreams;
}): FastifyPluginAsyncZod {
  const route = routeOptions(deps.guard);
  return async (app) => {
    app.get(
      '/api/events',
      route({
        access: 'viewer',
        scope: 'any',
        summary:
          'Server-sent events: node presence, claims, repositories, job states and output — of the nodes you may see (job output: where you are an operator), cut to the types and nodes asked for',
        tags: ['events'],
        schema: { querystring: streamQuery, response: { 200: eventStream } },
        errors: [429],
      }),
      async (req, reply) => {
        // What the subscriber may see is read before the stream opens: from the moment the client sees the
        // stream open, no event is missed.
        // The node of each job queued or running, learnt from its state events: job output names only its job.
        const jobNodes = new Map<string, string>();
        const may = await mayReceive(deps.guard.access, req.principal!.grants, jobNodes);
        // Subscribed, and heard across the cluster, before the stream opens; what comes meanwhile waits.
        const waiting: MusterEvent[] = [];
        let take = (e: MusterEvent) => void waiting.push(e);
        const unsubscribe = deps.bus.subscribe((e) => take(e));
        try {
          await deps.bus.heard();
        } catch (err) {
          unsubscribe();
          throw err;
        }
        const stream = deps.streams.open(req, reply, actorOf(req).userId);
        const sender = streamSender(req.query, jobNodes, (type, data) => stream.send(type, data));
        stream.onEnd(() => sender.stop());
        stream.onEnd(unsubscribe);
        take = (e) => {
          if (e.type === 'job.state') {
            if (e.state === 'queued' || e.state === 'running') jobNodes.set(e.job_id, e.node_id);
            else jobNodes.delete(e.job_id);
          }
          if (may(e)) sender.take(e);
        };
        for (const e of waiting) take(e);
      },
    );
  };
}
