import { randomUUID } from 'node:crypto';
import type { AlertKind, Severity, SilenceView } from '../../protocol/api/alerts.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { SilencesTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';

export interface SilenceInput {
  kind?: AlertKind | null;
  node_id?: string | null;
  room_id?: string | null;
  severity?: Severity | null;
  starts_at?: number;
  ends_at: number;
  comment: string;
}

/** What a silence looks at in an alert. */
export interface Silenceable {
  kind: string;
  severity: string;
  node_id: string | null;
}

const RELOAD_MS = 10_000;

const who = (a: Actor) =>
  a.kind === 'user' || a.kind === 'api_key' ? a.username : a.kind === 'agent' ? `node ${a.nodeId}` : a.kind;

/**
 * Silences: matchers on kind, node, room and severity, from a time until a time. They mute notifications; the alert
 * stays visible. A silence on one node that starts later is that node's maintenance window. Kept in memory.
 */
export function createSilences(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  let active: SilencesTable[] = [];
  let loadedAt = -Infinity;
  async function reload() {
    active = await store.repos.alerts.listSilences(clock.now());
    loadedAt = clock.now();
  }
  const present = (s: SilencesTable, now: number): SilenceView => ({
    id: s.id,
    kind: s.kind as AlertKind | null,
    node_id: s.node_id,
    room_id: s.room_id,
    severity: s.severity as Severity | null,
    starts_at: s.starts_at,
    ends_at: s.ends_at,
    comment: s.comment,
    created_by: s.created_by,
    created_at: s.created_at,
    active: s.starts_at <= now && now < s.ends_at,
  });
  return {
    reload,
    /** Re-read the silences if they are old (outside a transaction: `mutes` reads none itself). */
    async fresh() {
      if (clock.now() - loadedAt > RELOAD_MS) await reload();
    },
    /** Whether a silence mutes this alert now; `rooms` are its node's rooms (asked for only when a silence needs them). */
    async mutes(a: Silenceable, rooms: () => Promise<string[]>): Promise<boolean> {
      const now = clock.now();
      for (const s of active) {
        if (s.starts_at > now || s.ends_at <= now) continue;
        if (s.kind && s.kind !== a.kind) continue;
        if (s.severity && s.severity !== a.severity) continue;
        if (s.node_id && s.node_id !== a.node_id) continue;
        if (s.room_id && !(a.node_id && (await rooms()).includes(s.room_id))) continue;
        return true;
      }
      return false;
    },
    /** Silences in force or still to come, each as muting now or not. */
    async list() {
      const now = clock.now();
      return (await store.repos.alerts.listSilences(now)).map((s) => present(s, now));
    },
    async create(actor: Actor, input: SilenceInput): Promise<SilenceView> {
      const now = clock.now();
      const starts = input.starts_at ?? now;
      if (input.ends_at <= Math.max(starts, now))
        throw new AppError('VALIDATION_FAILED', 'ends_at must be later than starts_at and than now');
      if (input.node_id && !(await store.repos.nodes.findNode(input.node_id)))
        throw new AppError('NOT_FOUND', `no node ${input.node_id}`);
      if (input.room_id && !(await store.repos.spaces.findRoom(input.room_id)))
        throw new AppError('NOT_FOUND', `no room ${input.room_id}`);
      const row: SilencesTable = {
        id: randomUUID(),
        kind: input.kind ?? null,
        node_id: input.node_id ?? null,
        room_id: input.room_id ?? null,
        severity: input.severity ?? null,
        starts_at: starts,
        ends_at: input.ends_at,
        comment: input.comment,
        created_by: who(actor),
        created_at: now,
      };
      await store.transaction(async (r) => {
        await r.alerts.insertSilence(row);
        await r.audit.record(
          actor,
          'silence.created',
          { type: 'silence', id: row.id },
          {
            kind: row.kind,
            node_id: row.node_id,
            room_id: row.room_id,
            severity: row.severity,
            ends_at: row.ends_at,
          },
        );
      });
      await reload();
      return present(row, now);
    },
    async remove(actor: Actor, id: string) {
      if (!(await store.repos.alerts.findSilence(id))) throw new AppError('NOT_FOUND', `no silence ${id}`);
      await store.transaction(async (r) => {
        await r.alerts.deleteSilence(id);
        await r.audit.record(actor, 'silence.deleted', { type: 'silence', id });
      });
      await reload();
    },
  };
}
export type Silences = ReturnType<typeof createSilences>;
