import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ALERT_KINDS,
  ALERT_STATES,
  alertPage,
  alertRuleView,
  alertView,
  CHANNEL_TYPES,
  channelTestView,
  channelView,
  deliveryAttemptView,
  eventPage,
  NODE_EVENT_KINDS,
  overviewView,
  SEVERITIES,
  silenceView,
} from '../../../protocol/api/alerts.ts';
import type { Alerting } from '../../alerts/alerting.ts';
import { actorOf, visibleTo, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, patchBody, pathId, routeOptions, sendNoContent } from '../route-schema.ts';

const optionalId = z.string().min(1).max(100).nullable().optional();
const ruleBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(ALERT_KINDS),
    severity: z.enum(SEVERITIES),
    for_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .describe('how long the condition must hold before it fires'),
    repeat_seconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86400)
      .nullable()
      .optional()
      .describe('send again this often while firing and unacknowledged; null: never'),
    space_id: optionalId,
    room_id: optionalId,
    channel_ids: z.array(z.string().min(1).max(100)).max(20).default([]),
    send_resolved: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .strict();
const channelBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    type: z.enum(CHANNEL_TYPES),
    config: z
      .record(z.string(), z.unknown())
      .describe(
        'per type (docs/alerts.md): webhook {url, secret?}; email {host, port, secure?, require_tls?, username?, password?, from, to}; slack, discord, teams, mattermost {url}; ntfy {url, token?}; gotify {url, token}',
      ),
    enabled: z.boolean().default(true),
  })
  .strict();
const silenceBody = z
  .object({
    kind: z.enum(ALERT_KINDS).nullable().optional(),
    node_id: optionalId,
    room_id: optionalId,
    severity: z.enum(SEVERITIES).nullable().optional(),
    starts_at: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('default: now; later makes a maintenance window'),
    ends_at: z.number().int().positive(),
    comment: z.string().trim().min(1).max(1000),
  })
  .strict();

/** `since.id` or `at.id` cursors as `next` gives them; a bare number is a time. */
const cursor = z
  .string()
  .max(200)
  .regex(/^\d+(\.[A-Za-z0-9-]+)?$/, 'a `next` value, or milliseconds since the epoch')
  .optional();
const parseCursor = (c: string | undefined) => {
  if (!c) return undefined;
  const [t, id] = c.split('.');
  return { t: Number(t), id: id ?? '\uffff' };
};
const alertQuery = z.object({
  state: z.enum(ALERT_STATES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  node_id: pathId.optional(),
  room_id: pathId.optional(),
  before: cursor,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const historyQuery = z.object({
  node_id: pathId.optional(),
  room_id: pathId.optional(),
  kind: z.enum(NODE_EVENT_KINDS).optional(),
  before: cursor,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Alerts, rules, silences, notification channels, the events timeline and the home page (docs/alerts.md). */
export function alertsRoutes(deps: { alerting: Alerting; guard: AuthGuard }): FastifyPluginAsyncZod {
  const { rules, silences, engine, channels, timeline } = deps.alerting;
  const route = routeOptions(deps.guard);
  const tags = ['alerts'];
  return async (app) => {
    app.get(
      '/api/overview',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'The fleet at a glance (the home page)',
        tags,
        schema: { response: { 200: overviewView } },
      }),
      async (req) => deps.alerting.overview(visibleTo(req)),
    );
    app.get(
      '/api/alerts',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'Alerts, newest first',
        tags,
        schema: { querystring: alertQuery, response: { 200: alertPage } },
      }),
      async (req) => {
        const { before, ...q } = req.query;
        const c = parseCursor(before);
        return engine.list({
          ...q,
          ...(c ? { before: { at: c.t, id: c.id } } : {}),
          visibleTo: visibleTo(req),
        });
      },
    );
    app.get(
      '/api/alerts/:id',
      route({
        access: 'viewer',
        scope: 'alert',
        summary: 'One alert',
        tags,
        schema: { params: idParams, response: { 200: alertView } },
        errors: [404],
      }),
      async (req) => engine.get(req.params.id),
    );
    app.post(
      '/api/alerts/:id/ack',
      route({
        access: 'operator',
        scope: 'alert',
        summary: 'Acknowledge an alert (no reminders while acknowledged; it still resolves by itself)',
        tags,
        schema: {
          params: idParams,
          body: z
            .object({ comment: z.string().trim().max(1000).optional() })
            .strict()
            .default({}),
          response: { 200: alertView },
        },
        errors: [404, 409],
      }),
      async (req) => engine.ack(actorOf(req), req.params.id, req.body.comment || null),
    );

    app.get(
      '/api/alert-rules',
      route({
        access: 'viewer',
        summary: 'Alert rules',
        tags,
        schema: { response: { 200: z.array(alertRuleView) } },
      }),
      async () => rules.list(),
    );
    app.post(
      '/api/alert-rules',
      route({
        access: 'admin',
        summary: 'Add an alert rule',
        tags,
        schema: { body: ruleBody, response: { 201: alertRuleView } },
        errors: [404],
      }),
      async (req, reply) => reply.code(201).send(await rules.create(actorOf(req), req.body)),
    );
    app.get(
      '/api/alert-rules/:id',
      route({
        access: 'viewer',
        summary: 'One alert rule',
        tags,
        schema: { params: idParams, response: { 200: alertRuleView } },
        errors: [404],
      }),
      async (req) => rules.get(req.params.id),
    );
    app.patch(
      '/api/alert-rules/:id',
      route({
        access: 'admin',
        summary: 'Change an alert rule (fields left out stay as they are)',
        tags,
        schema: { params: idParams, body: patchBody(ruleBody), response: { 200: alertRuleView } },
        errors: [404],
      }),
      async (req) => rules.update(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/api/alert-rules/:id',
      route({
        access: 'admin',
        summary: 'Delete an alert rule',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await rules.remove(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/silences',
      route({
        access: 'viewer',
        summary: 'Silences in force or to come',
        tags,
        schema: { response: { 200: z.array(silenceView) } },
      }),
      async () => silences.list(),
    );
    app.post(
      '/api/silences',
      route({
        access: 'operator',
        summary:
          'Mute notifications of matching alerts until a time (one node from a later start: a maintenance window)',
        tags,
        schema: { body: silenceBody, response: { 201: silenceView } },
        errors: [404],
      }),
      async (req, reply) => reply.code(201).send(await silences.create(actorOf(req), req.body)),
    );
    app.delete(
      '/api/silences/:id',
      route({
        access: 'operator',
        summary: 'End a silence',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await silences.remove(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );

    app.get(
      '/api/notification-channels',
      route({
        access: 'viewer',
        summary: 'Notification channels (secrets never shown)',
        tags,
        schema: { response: { 200: z.array(channelView) } },
      }),
      async () => channels.list(),
    );
    app.post(
      '/api/notification-channels',
      route({
        access: 'admin',
        summary: 'Add a notification channel',
        tags,
        schema: { body: channelBody, response: { 201: channelView } },
      }),
      async (req, reply) => reply.code(201).send(await channels.create(actorOf(req), req.body)),
    );
    app.get(
      '/api/notification-channels/:id',
      route({
        access: 'viewer',
        summary: 'One notification channel',
        tags,
        schema: { params: idParams, response: { 200: channelView } },
        errors: [404],
      }),
      async (req) => channels.get(req.params.id),
    );
    app.patch(
      '/api/notification-channels/:id',
      route({
        access: 'admin',
        summary:
          "Change a channel's name, config or enabled (config is merged: a secret left out is kept; the type stays)",
        tags,
        schema: {
          params: idParams,
          body: patchBody(channelBody.omit({ type: true })),
          response: { 200: channelView },
        },
        errors: [404],
      }),
      async (req) => channels.update(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/api/notification-channels/:id',
      route({
        access: 'admin',
        summary: 'Delete a channel (rules stop sending to it)',
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404],
      }),
      async (req, reply) => {
        await channels.remove(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );
    app.post(
      '/api/notification-channels/:id/test',
      route({
        access: 'admin',
        summary: 'Send a test notification now and say how it went',
        tags,
        schema: { params: idParams, response: { 200: channelTestView } },
        errors: [404],
        perMinute: 30,
      }),
      async (req) => channels.test(actorOf(req), req.params.id),
    );
    app.get(
      '/api/notification-channels/:id/attempts',
      route({
        access: 'viewer',
        summary: "A channel's delivery attempts, newest first",
        tags,
        schema: {
          params: idParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: z.array(deliveryAttemptView) },
        },
        errors: [404],
      }),
      async (req) => channels.attempts(req.params.id, req.query.limit),
    );

    app.get(
      '/api/events/history',
      route({
        access: 'viewer',
        scope: 'any',
        summary: 'The events timeline: state changes of nodes, newest first',
        tags,
        schema: { querystring: historyQuery, response: { 200: eventPage } },
      }),
      async (req) => {
        const { before, ...q } = req.query;
        const c = parseCursor(before);
        return timeline.list({
          ...q,
          ...(c ? { before: { at: c.t, id: c.id } } : {}),
          visibleTo: visibleTo(req),
        });
      },
    );
  };
}
