import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NodeEventView } from '../../protocol/api/alerts.ts';
import type { MusterEvent } from '../../protocol/api/events.ts';
import type { Clock } from '../clock.ts';
import type { EventFilter } from '../repos/node-events-repo.ts';
import type { Repos, Store } from '../repos/store.ts';
import { createWriteBatch } from '../repos/write-batch.ts';

type Kind = NodeEventView['kind'];

/** What one event means on the timeline, or null when it is not a change of a node's state. */
function describe(e: MusterEvent): { node_id: string; kind: Kind; summary: string } | null {
  switch (e.type) {
    case 'node.presence':
      if (e.status === 'removed')
        return { node_id: e.node_id, kind: 'removed', summary: `removed: ${e.reason}` };
      if (e.status === 'online')
        return /replaced|took over|taken over/i.test(e.reason)
          ? { node_id: e.node_id, kind: 'taken_over', summary: `link taken over: ${e.reason}` }
          : { node_id: e.node_id, kind: 'online', summary: `online: ${e.reason}` };
      if (e.status === 'offline')
        return { node_id: e.node_id, kind: 'offline', summary: `offline: ${e.reason}` };
      return null;
    case 'node.claimed':
      return { node_id: e.node_id, kind: 'claimed', summary: `claimed as ${e.hostname}` };
    case 'node.duplicate':
      return e.duplicate_suspected
        ? { node_id: e.node_id, kind: 'duplicate', summary: e.reason || 'duplicate identity suspected' }
        : null;
    case 'node.repo':
      return {
        node_id: e.node_id,
        kind: 'repository',
        summary: `repository ${e.repo_status.replace('_', ' ')}`,
      };
    case 'job.state':
      if (!['succeeded', 'failed', 'lost'].includes(e.state)) return null;
      if (e.job_type === 'restic.backup')
        return e.state === 'succeeded'
          ? { node_id: e.node_id, kind: 'backup_succeeded', summary: 'backup succeeded' }
          : {
              node_id: e.node_id,
              kind: 'backup_failed',
              summary: `backup ${e.state}: ${e.error ?? 'no reason given'}`,
            };
      if (e.job_type === 'agent.update')
        return {
          node_id: e.node_id,
          kind: 'update',
          summary: e.state === 'succeeded' ? 'agent updated' : `agent update ${e.state}: ${e.error ?? ''}`,
        };
      return null;
    default:
      return null;
  }
}

/** Events whose row was written in the transaction of the change itself (writeOnTimeline): record() leaves them. */
const written = new WeakSet<MusterEvent>();

/** The timeline row of an event, or null when it is not a change of a node's state. */
function rowOf(e: MusterEvent, at: number) {
  const d = describe(e);
  return d && { id: randomUUID(), at, node_id: d.node_id, kind: d.kind, summary: d.summary.slice(0, 1000) };
}

/**
 * Write an event's timeline row in the transaction that makes the change (a link up or down: one commit for both),
 * before the event is published; the timeline's own record() then leaves it.
 */
export async function writeOnTimeline(r: Repos, e: MusterEvent, at: number): Promise<void> {
  const row = rowOf(e, at);
  if (!row) return;
  await r.nodeEvents.insertForNode(row);
  written.add(e);
}

/**
 * The events timeline: every state change of a node (claimed, online, offline with its reason, removed, taken over,
 * its repository, backups, updates) as one row, written where it happened (one replica) through a write batch, or
 * in the transaction of the change itself (a link up or down), and kept for the configured days.
 */
export function createNodeEvents(deps: { store: Store; clock: Clock; log: Logger }) {
  const { store, clock } = deps;
  const batch = createWriteBatch(store);
  return {
    async record(e: MusterEvent): Promise<void> {
      try {
        if (written.has(e)) return;
        const event = rowOf(e, clock.now());
        if (!event) return;
        // The node's name and space are copied in the same statement (no read per event on the link's path).
        await batch.write(async (r) => {
          await r.nodeEvents.insertForNode(event);
        });
      } catch (err) {
        deps.log.warn({ err }, 'could not record an event on the timeline');
      }
    },
    async list(f: EventFilter): Promise<{ events: NodeEventView[]; next: string | null }> {
      const rows = await store.repos.nodeEvents.list({ ...f, limit: f.limit + 1 });
      const page = rows.slice(0, f.limit);
      const last = page.at(-1);
      return {
        events: page.map((r) => ({
          id: r.id,
          at: r.at,
          node_id: r.node_id,
          hostname: r.hostname,
          kind: r.kind as Kind,
          summary: r.summary,
        })),
        next: rows.length > f.limit && last ? `${last.at}.${last.id}` : null,
      };
    },
  };
}
export type NodeEvents = ReturnType<typeof createNodeEvents>;
