import type { NodeAlert, NodeAlertStatus } from '../../protocol/node-data.ts';
import type { History } from './history.ts';

/** The alerts Muster's agent evaluates itself, with Netdata's names and thresholds where it has the same one. */
const CHECKS: {
  name: string;
  context: string;
  units: string;
  summary: (subject: string) => string;
  warn: number;
  crit: number;
  /** Seconds averaged over. */
  window: number;
  /** The values it judges, by subject (a mount point, or the node). */
  values: (p: { labels: string[]; row: (number | null)[] }) => Record<string, number | null>;
}[] = [
  {
    name: '10min_cpu_usage',
    context: 'system.cpu',
    units: '%',
    summary: () => 'Average CPU utilization over the last 10 minutes',
    warn: 75,
    crit: 85,
    window: 600,
    values: ({ row }) => ({ 'system.cpu': row.slice(1).reduce<number>((a, v) => a + (v ?? 0), 0) }),
  },
  {
    name: 'ram_in_use',
    context: 'system.ram',
    units: '%',
    summary: () => 'RAM in use (not available to applications)',
    warn: 80,
    crit: 90,
    window: 60,
    values: ({ labels, row }) => {
      const used = row[labels.indexOf('used')] ?? null;
      const available = row[labels.indexOf('available')] ?? null;
      return {
        'system.ram': used === null || available === null ? null : (used / (used + available || 1)) * 100,
      };
    },
  },
  {
    name: 'disk_space_usage',
    context: 'disk.space',
    units: '%',
    summary: (mount) => `Disk ${mount} space usage`,
    warn: 80,
    crit: 90,
    window: 60,
    values: ({ labels, row }) => Object.fromEntries(labels.slice(1).map((m, i) => [m, row[i + 1] ?? null])),
  },
];

/**
 * The agent's own alert instances, judged from its history when asked: CLEAR, WARNING or CRITICAL, and since when
 * (kept in memory while the agent runs).
 */
export function createNodeAlerts(history: History, now: () => number = Date.now) {
  const since = new Map<string, { status: NodeAlertStatus; at: number }>();
  return {
    evaluate(): NodeAlert[] {
      const out: NodeAlert[] = [];
      for (const c of CHECKS) {
        const data = history.query({ context: c.context, after: -c.window, before: 0, points: 1 });
        const row = data?.points.at(-1);
        if (!data || !row) continue;
        for (const [subject, value] of Object.entries(c.values({ labels: data.labels, row }))) {
          const status: NodeAlertStatus =
            value === null
              ? 'UNDEFINED'
              : value >= c.crit
                ? 'CRITICAL'
                : value >= c.warn
                  ? 'WARNING'
                  : 'CLEAR';
          const chart = c.context === 'disk.space' ? `disk_space.${subject}` : c.context;
          const key = `${chart}/${c.name}`;
          const prev = since.get(key);
          if (!prev || prev.status !== status) since.set(key, { status, at: Math.floor(now() / 1000) });
          out.push({
            name: c.name,
            chart,
            context: c.context,
            status,
            value: value === null ? null : Math.round(value * 10) / 10,
            value_string: value === null ? '-' : `${value.toFixed(1)}${c.units}`,
            units: c.units,
            since: since.get(key)!.at,
            summary: c.summary(subject),
          });
        }
      }
      return out;
    },
  };
}
