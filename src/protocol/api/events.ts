/** Events the server pushes to live views (server-sent events on /api/events and a job's stream). */
import type { JobView, NodeView } from './views.ts';

export type MusterEvent =
  | { type: 'node.presence'; node_id: string; status: NodeView['status']; since: number; reason: string }
  | { type: 'node.duplicate'; node_id: string; duplicate_suspected: boolean; reason: string }
  | { type: 'node.claimed'; node_id: string; space_id: string; hostname: string }
  | { type: 'node.repo'; node_id: string; repo_status: NodeView['repo_status'] }
  /** The node's facts changed after it came online (a Netdata agent reports them a few seconds in). */
  | { type: 'node.facts'; node_id: string }
  | {
      type: 'job.state';
      job_id: string;
      node_id: string;
      /** The job's type (restic.backup, agent.update, …). */
      job_type: string;
      state: JobView['state'];
      exit_code: number | null;
      error: string | null;
    }
  | { type: 'job.log'; job_id: string; seq: number; stream: string; data: string };

/** The types of events, as `GET /api/events?types=` names them. */
export const EVENT_TYPES = [
  'node.presence',
  'node.duplicate',
  'node.claimed',
  'node.repo',
  'node.facts',
  'job.state',
  'job.log',
] as const satisfies readonly MusterEvent['type'][];

/**
 * Sent on a stream that asks for it (`types=summary`), at most once a second: how many events of each type
 * happened since the last one, of the nodes the subscriber may see, whether or not the stream's filters sent them.
 * A view that shows counts or one page of a list reads them again on it instead of taking every event.
 */
export interface EventSummary {
  type: 'summary';
  counts: Partial<Record<Exclude<MusterEvent['type'], 'job.log'>, number>>;
}
/** What `GET /api/events` sends. */
export type StreamEvent = MusterEvent | EventSummary;

/** The payload of one event type, as a listener receives it. */
export type EventOf<T extends StreamEvent['type']> = Extract<StreamEvent, { type: T }>;

/** A job stream's events: its output, and its state until it ends. */
export type JobStreamLog = Omit<EventOf<'job.log'>, 'type' | 'job_id'>;
export type JobStreamState = Pick<EventOf<'job.state'>, 'state' | 'exit_code' | 'error'>;
