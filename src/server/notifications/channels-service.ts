import { randomUUID } from 'node:crypto';
import type { ChannelType, ChannelView } from '../../protocol/api/alerts.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { Sealer } from '../crypto.ts';
import type { NotificationChannelsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Repos, Store } from '../repos/store.ts';
import { CHANNEL_CONFIGS, redactConfig, type ChannelConfig } from './channel-types.ts';
import type { Notifier } from './notifier.ts';

export interface ChannelInput {
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  enabled?: boolean;
}

/** A configuration checked against its type's schema: 400 naming the field when it does not fit. */
function checkConfig(type: ChannelType, config: unknown): ChannelConfig {
  const parsed = CHANNEL_CONFIGS[type].safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'VALIDATION_FAILED',
      `config${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'} (a ${type} channel)`,
    );
  }
  return parsed.data;
}

/**
 * Notification channels: where alerts are sent. The configuration is sealed like a repository's secrets and is
 * never returned (URLs by origin, secrets as set or not); a PATCH merges into it, so a secret left out is kept.
 */
export function createChannelsService(deps: {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  notifier: Notifier;
  /** Told when a channel is deleted, in its transaction, so that no rule sends to it. */
  forget: (r: Repos, channelId: string) => Promise<void>;
  /** Told once that transaction committed (the rules kept in memory are read again). */
  forgotten: () => Promise<void>;
}) {
  const { store, clock, sealer } = deps;
  const open = (c: NotificationChannelsTable) => JSON.parse(sealer.open(c.config)) as ChannelConfig;
  const present = (c: NotificationChannelsTable): ChannelView => ({
    id: c.id,
    name: c.name,
    type: c.type as ChannelType,
    config: redactConfig(open(c)),
    enabled: c.enabled === 1,
    failures: c.failures,
    last_error: c.last_error,
    last_sent_at: c.last_sent_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  });
  async function row(id: string) {
    const c = await store.repos.notifications.findChannel(id);
    if (!c) throw new AppError('NOT_FOUND', `no notification channel ${id}`);
    return c;
  }
  return {
    list: async () => (await store.repos.notifications.listChannels()).map(present),
    get: async (id: string) => present(await row(id)),
    async create(actor: Actor, input: ChannelInput) {
      const config = checkConfig(input.type, input.config);
      const now = clock.now();
      const c: NotificationChannelsTable = {
        id: randomUUID(),
        name: input.name,
        type: input.type,
        config: sealer.seal(JSON.stringify(config)),
        enabled: input.enabled === false ? 0 : 1,
        failures: 0,
        last_error: null,
        last_sent_at: null,
        created_at: now,
        updated_at: now,
      };
      await store.transaction(async (r) => {
        await r.notifications.insertChannel(c);
        await r.audit.record(
          actor,
          'channel.created',
          { type: 'channel', id: c.id },
          { name: c.name, channel_type: c.type },
        );
      });
      return present(c);
    },
    /** Change a channel; its type stays (the route's body has none). */
    async update(actor: Actor, id: string, patch: Partial<Omit<ChannelInput, 'type'>>) {
      const was = await row(id);
      const set: Partial<NotificationChannelsTable> = { updated_at: clock.now() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (patch.config !== undefined)
        set.config = sealer.seal(
          JSON.stringify(checkConfig(was.type as ChannelType, { ...open(was), ...patch.config })),
        );
      await store.transaction(async (r) => {
        await r.notifications.updateChannel(id, set);
        await r.audit.record(
          actor,
          'channel.updated',
          { type: 'channel', id },
          {
            fields: Object.keys(patch),
            ...(patch.config ? { config_fields: Object.keys(patch.config) } : {}),
          },
        );
      });
      return present(await row(id));
    },
    async remove(actor: Actor, id: string) {
      const was = await row(id);
      await store.transaction(async (r) => {
        await r.notifications.deleteChannel(id);
        await deps.forget(r, id);
        await r.audit.record(actor, 'channel.deleted', { type: 'channel', id }, { name: was.name });
      });
      await deps.forgotten();
    },
    async test(actor: Actor, id: string) {
      const c = await row(id);
      const result = await deps.notifier.test(c);
      await store.repos.audit.record(
        actor,
        'channel.tested',
        { type: 'channel', id },
        { ok: result.ok, status_code: result.status_code },
      );
      return result;
    },
    async attempts(id: string, limit: number) {
      await row(id);
      return (await store.repos.notifications.attempts(id, limit)).map((a) => ({
        at: a.at,
        ok: a.ok === 1,
        status_code: a.status_code,
        error: a.error,
        notifications: a.notifications,
        duration_ms: a.duration_ms,
      }));
    },
  };
}
export type ChannelsService = ReturnType<typeof createChannelsService>;
