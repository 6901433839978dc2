import {
  AlarmStatus,
  type AlarmLogEntry,
  type AlarmSnapshot,
  type ContextsSnapshot,
  type ContextsUpdated,
  type ContextUpdated,
} from '../../protocol/aclk/aclk_pb.ts';
import type { ContextInfo, NodeAlert, NodeAlertStatus } from '../../protocol/node-data.ts';

/** Contexts and alerts one node may stream; more are dropped (a parent with thousands of children is not one node). */
const MAX_CONTEXTS = 20_000;
const MAX_ALERTS = 20_000;

/** What a Netdata node's alerts tell the rest of the server: Muster alerts of kind `netdata` follow them. */
export interface NetdataAlertSink {
  /** Every alert the agent holds now (a complete snapshot): what is not raised in it has cleared. */
  snapshot(nodeId: string, alerts: NodeAlert[]): Promise<void>;
  /** One alert changed status. */
  transition(nodeId: string, alert: NodeAlert): Promise<void>;
}

const STATUS: Partial<Record<AlarmStatus, NodeAlertStatus>> = {
  [AlarmStatus.NULL]: 'UNINITIALIZED',
  [AlarmStatus.UNKNOWN]: 'UNDEFINED',
  [AlarmStatus.NOT_A_NUMBER]: 'UNDEFINED',
  [AlarmStatus.CLEAR]: 'CLEAR',
  [AlarmStatus.WARNING]: 'WARNING',
  [AlarmStatus.CRITICAL]: 'CRITICAL',
};

/** A Netdata alert log entry as a node alert; null for a removed alert. */
export function nodeAlertOf(e: AlarmLogEntry): NodeAlert | null {
  const status = STATUS[e.status];
  if (!status) return null;
  return {
    name: e.name.slice(0, 200),
    chart: e.chart.slice(0, 200),
    context: e.chartContext.slice(0, 200),
    status,
    value: Number.isFinite(e.value) ? e.value : null,
    value_string: e.valueString.slice(0, 100),
    units: '',
    since: e.when ? Number(e.when) : null,
    summary: (e.summary || e.renderedInfo).slice(0, 500),
  };
}

const contextOf = (c: ContextUpdated): ContextInfo => ({
  id: c.id.slice(0, 200),
  title: c.title.slice(0, 300),
  units: c.units.slice(0, 50),
  family: c.family.slice(0, 100),
  chart_type: c.chartType.slice(0, 20),
  priority: Number(c.priority),
  first_entry: Number(c.firstEntry),
  last_entry: Number(c.lastEntry),
});

/**
 * What one Netdata agent streams about its own node on its link: its contexts (ContextsSnapshot, then
 * ContextsUpdated) and its alerts (AlarmSnapshot in chunks, then each transition as AlarmLogEntry). Held in
 * memory by the replica holding the link, for as long as it does; the agent sends all of it again on the next
 * link. Children a parent streams are not kept (they are not Muster nodes).
 */
export function createNetdataStreams(
  nodeIdOf: () => string,
  instanceId: () => string,
  sink: NetdataAlertSink | null,
) {
  const contexts = new Map<string, ContextInfo>();
  const alerts = new Map<string, NodeAlert>();
  let contextsReady = false;
  let alertsReady = false;
  /** Chunks of the snapshot being received, by snapshot id. */
  let snapshot: { uuid: string; chunks: number; seen: Set<number>; alerts: NodeAlert[] } | null = null;

  const ours = (id: string) => id === '' || id === instanceId();
  const alertKey = (a: NodeAlert) => `${a.chart}\u0000${a.name}`;

  function putContexts(list: ContextUpdated[]) {
    for (const c of list) {
      if (c.deleted) contexts.delete(c.id);
      else if (contexts.size < MAX_CONTEXTS || contexts.has(c.id)) contexts.set(c.id, contextOf(c));
    }
  }

  return {
    contextsSnapshot(m: ContextsSnapshot) {
      if (!ours(m.nodeId)) return;
      contexts.clear();
      putContexts(m.contexts);
      contextsReady = true;
    },
    contextsUpdated(m: ContextsUpdated) {
      if (!ours(m.nodeId)) return;
      putContexts(m.contextUpdates);
      contextsReady = true;
    },
    async alarmSnapshot(m: AlarmSnapshot) {
      if (!ours(m.nodeId)) return;
      if (!snapshot || snapshot.uuid !== m.snapshotUuid)
        snapshot = { uuid: m.snapshotUuid, chunks: m.chunks || 1, seen: new Set(), alerts: [] };
      snapshot.seen.add(m.chunk);
      for (const e of m.alarms) {
        const a = nodeAlertOf(e);
        if (a && snapshot.alerts.length < MAX_ALERTS) snapshot.alerts.push(a);
      }
      if (snapshot.seen.size < snapshot.chunks) return;
      const complete = snapshot.alerts;
      snapshot = null;
      alerts.clear();
      for (const a of complete) alerts.set(alertKey(a), a);
      alertsReady = true;
      await sink?.snapshot(nodeIdOf(), complete);
    },
    async alarmLogEntry(e: AlarmLogEntry) {
      if (!ours(e.nodeId)) return;
      const a = nodeAlertOf(e);
      if (!a) {
        const removed = alerts.get(`${e.chart}\u0000${e.name}`);
        alerts.delete(`${e.chart}\u0000${e.name}`);
        if (removed) await sink?.transition(nodeIdOf(), { ...removed, status: 'CLEAR' });
        return;
      }
      if (alerts.size < MAX_ALERTS || alerts.has(alertKey(a))) alerts.set(alertKey(a), a);
      alertsReady = true;
      await sink?.transition(nodeIdOf(), a);
    },
    /** The node's contexts, or null until the agent has sent them. */
    contexts: () => (contextsReady ? [...contexts.values()] : null),
    /** The node's alerts, or null until the agent has sent them. */
    alerts: () => (alertsReady ? [...alerts.values()] : null),
  };
}
export type NetdataStreams = ReturnType<typeof createNetdataStreams>;
