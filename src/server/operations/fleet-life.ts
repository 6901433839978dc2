import type { Logger } from 'pino';
import { z } from 'zod';
import { SYSTEM, type Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { NodesTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import type { RemoveNode } from './remove-node.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Nodes removed per space and kind in one sweep (the next sweep takes the rest). */
const SWEEP_BATCH = 500;
/** How long a space's rule rooms are kept in memory (rules changed on another replica apply this late). */
const RULES_TTL_MS = 5000;

/** A space's settings for the life of its nodes. */
export const spaceSettings = z.object({
  ephemeral_remove_hours: z
    .number()
    .positive()
    .max(24 * 365)
    .describe('an ephemeral node offline this long is removed (default 24)'),
  stale_remove_days: z
    .number()
    .positive()
    .max(3650)
    .nullable()
    .describe(
      'a stale node (offline longer than the server stale age) is removed this many days later; null: never (the default)',
    ),
  announce: z
    .boolean()
    .describe(
      'agents may announce themselves without a token and wait for an operator to approve them (default false)',
    ),
});
export type SpaceSettings = z.infer<typeof spaceSettings>;
export const DEFAULT_SPACE_SETTINGS: SpaceSettings = {
  ephemeral_remove_hours: 24,
  stale_remove_days: null,
  announce: false,
};

/** What a room rule may look at: a node's facts, its agent kind, its tags, or a host label (`label.env`). */
const RULE_KEY =
  /^(label\.[A-Za-z0-9_.:/-]{1,100}|hostname|os|os_version|kernel|arch|agent_kind|virtualization|container|tag)$/;

/**
 * A room rule: every key must match (`*` and `?` are wildcards, letter case ignored); a node joins the room when any
 * of the room's rules matches it.
 */
export const roomRule = z
  .record(
    z
      .string()
      .regex(
        RULE_KEY,
        'a fact (hostname, os, os_version, kernel, arch, agent_kind, virtualization, container), tag, or label.<key>',
      ),
    z.string().min(1).max(200),
  )
  .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 10, '1 to 10 conditions per rule');
export const roomRules = z.array(roomRule).max(20);
export type RoomRule = z.infer<typeof roomRule>;

/** A wildcard pattern as an anchored, case-insensitive expression. */
function globRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether a node (its stored facts) matches one rule. */
export function ruleMatches(
  node: Pick<NodesTable, 'labels' | 'tags'> & Partial<NodesTable>,
  rule: RoomRule,
): boolean {
  const labels = JSON.parse(node.labels || '{}') as Record<string, string>;
  const tags = JSON.parse(node.tags || '[]') as string[];
  return Object.entries(rule).every(([key, pattern]) => {
    const re = globRegex(pattern);
    if (key === 'tag') return tags.some((t) => re.test(t));
    const value = key.startsWith('label.') ? labels[key.slice(6)] : node[key as keyof NodesTable];
    return typeof value === 'string' && re.test(value);
  });
}

/**
 * The life of a space's nodes: its settings; rooms that take nodes by rule (evaluated when a node links, which is
 * when its facts arrive or change, and for the whole space when a room's rules change); and the sweep that removes
 * ephemeral nodes and, where the space asks for it, stale ones.
 */
export function createFleetLife(deps: {
  store: Store;
  clock: Clock;
  removeNode: RemoveNode;
  /** A node's rooms changed: backup plans follow room membership. */
  membershipChanged: (actor: Actor, nodeId: string) => Promise<void>;
  staleMs: number;
  log: Logger;
}) {
  const { store, clock } = deps;
  type RuleRoom = { id: string; name: string; rules: RoomRule[] };
  /** Every space's rule rooms, read again at most every few seconds: a link or a claim usually costs no query. */
  let kept: { at: number; bySpace: Map<string, RuleRoom[]> } | null = null;

  async function settingsOf(spaceId: string): Promise<SpaceSettings> {
    const space = await store.repos.spaces.findSpace(spaceId);
    if (!space) throw new AppError('NOT_FOUND', `space ${spaceId} does not exist`);
    return { ...DEFAULT_SPACE_SETTINGS, ...(JSON.parse(space.settings ?? '{}') as Partial<SpaceSettings>) };
  }

  async function ruleRooms(): Promise<Map<string, RuleRoom[]>> {
    if (kept && clock.now() - kept.at < RULES_TTL_MS) return kept.bySpace;
    const bySpace = new Map<string, RuleRoom[]>();
    for (const r of await store.repos.spaces.roomsWithRules()) {
      const list = bySpace.get(r.space_id) ?? [];
      list.push({ id: r.id, name: r.name, rules: JSON.parse(r.rules ?? '[]') as RoomRule[] });
      bySpace.set(r.space_id, list);
    }
    kept = { at: clock.now(), bySpace };
    return bySpace;
  }

  /** Put a node in rooms and take it out of others by rule, audited by the system; its plans follow. */
  async function moveByRule(nodeId: string, join: RuleRoom[], leave: RuleRoom[]): Promise<void> {
    await store.transaction(async (r) => {
      for (const room of join) await r.spaces.addNodeByRule(room.id, nodeId);
      for (const room of leave) await r.spaces.removeNodeFromRoom(room.id, nodeId);
      await r.audit.recordAll(SYSTEM, [
        ...join.map((room) => ({
          action: 'room.node_added' as const,
          target: { type: 'node' as const, id: nodeId },
          detail: { room_id: room.id, room: room.name, by_rule: true },
        })),
        ...leave.map((room) => ({
          action: 'room.node_removed' as const,
          target: { type: 'node' as const, id: nodeId },
          detail: { room_id: room.id, room: room.name, by_rule: true },
        })),
      ]);
    });
    await deps.membershipChanged(SYSTEM, nodeId);
  }

  /** Put the node in the rule rooms it matches and take it out of those it no longer matches; true if it moved. */
  async function applyRules(nodeId: string, spaceId?: string): Promise<boolean> {
    // The common case, no rule rooms (in its space, or at all), costs no query.
    const bySpace = await ruleRooms();
    if (bySpace.size === 0 || (spaceId !== undefined && !bySpace.has(spaceId))) return false;
    const node = await store.repos.nodes.findNode(nodeId);
    if (!node || node.status === 'removed') return false;
    const rooms = bySpace.get(node.space_id) ?? [];
    if (rooms.length === 0) return false;
    const memberships = new Map(
      (await store.repos.spaces.membershipsOf(nodeId)).map((m) => [m.room_id, m.by_rule === 1]),
    );
    const join: RuleRoom[] = [];
    const leave: RuleRoom[] = [];
    for (const room of rooms) {
      const matches = room.rules.some((rule) => ruleMatches(node, rule));
      if (matches && !memberships.has(room.id)) join.push(room);
      if (!matches && memberships.get(room.id) === true) leave.push(room);
    }
    if (join.length + leave.length === 0) return false;
    await moveByRule(nodeId, join, leave);
    return true;
  }

  return {
    settingsOf,
    async setSettings(actor: Actor, spaceId: string, patch: Partial<SpaceSettings>): Promise<SpaceSettings> {
      const next = { ...(await settingsOf(spaceId)), ...patch };
      await store.transaction(async (r) => {
        await r.spaces.setSpaceSettings(spaceId, JSON.stringify(next));
        await r.audit.record(actor, 'space.settings_changed', { type: 'space', id: spaceId }, { ...patch });
      });
      return next;
    },
    applyRules,
    /** Set a room's rules, then place the space's nodes by them before answering. */
    async setRoomRules(actor: Actor, roomId: string, rules: RoomRule[]): Promise<{ moved: number }> {
      const room = await store.repos.spaces.findRoom(roomId);
      if (!room) throw new AppError('NOT_FOUND', `room ${roomId} does not exist`);
      if (room.is_default && rules.length > 0)
        throw new AppError('DEFAULT_ROOM', `"${room.name}" holds every node of the space; it takes no rules`);
      await store.transaction(async (r) => {
        await r.spaces.setRoomRules(roomId, JSON.stringify(rules));
        await r.audit.record(actor, 'room.rules_changed', { type: 'room', id: roomId }, { rules });
      });
      kept = null;
      let moved = 0;
      // With no rules left the room holds nobody by rule: the nodes its rules placed leave.
      if (rules.length === 0) {
        for (const { node_id } of await store.repos.spaces.ruleMembersOf(roomId)) {
          await moveByRule(node_id, [], [{ id: roomId, name: room.name, rules }]);
          moved++;
        }
        return { moved };
      }
      for (let after = ''; ;) {
        const page = await store.repos.nodes.idsInSpace(room.space_id, after, 500);
        for (const { id } of page) if (await applyRules(id, room.space_id)) moved++;
        if (page.length < 500) return { moved };
        after = page[page.length - 1]!.id;
      }
    },
    /**
     * Remove ephemeral nodes offline longer than their space allows, and stale nodes where the space asks for it:
     * each removal is audited (by the system, with why) and announced like any other.
     */
    async sweep(): Promise<{ ephemeral: number; stale: number }> {
      const now = clock.now();
      let ephemeral = 0;
      let stale = 0;
      for (const space of await store.repos.spaces.listSpaces()) {
        const s = await settingsOf(space.id);
        const gone = await store.repos.nodes.offlineSince(
          space.id,
          now - s.ephemeral_remove_hours * HOUR_MS,
          true,
          SWEEP_BATCH,
        );
        for (const n of gone) {
          await deps.removeNode.removeNode(SYSTEM, n.id, {
            why: `ephemeral node offline more than ${s.ephemeral_remove_hours} h`,
          });
          ephemeral++;
        }
        if (s.stale_remove_days !== null) {
          const old = await store.repos.nodes.offlineSince(
            space.id,
            now - deps.staleMs - s.stale_remove_days * DAY_MS,
            false,
            SWEEP_BATCH,
          );
          for (const n of old) {
            await deps.removeNode.removeNode(SYSTEM, n.id, {
              why: `stale: offline more than ${Math.round((deps.staleMs / DAY_MS) * 10) / 10 + s.stale_remove_days} days`,
            });
            stale++;
          }
        }
      }
      if (ephemeral + stale > 0)
        deps.log.info({ ephemeral, stale }, `removed ${ephemeral} ephemeral and ${stale} stale nodes`);
      return { ephemeral, stale };
    },
  };
}
export type FleetLife = ReturnType<typeof createFleetLife>;
