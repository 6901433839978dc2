import { z } from 'zod';

/**
 * A node's data as the management API shows it, whatever agent the node runs (binding: scripts rely on these
 * fields; docs/netdata.md). Muster's agent answers these from its own history; a stock Netdata agent's answers
 * are translated on the server from what it serves on its ACLK (`/api/v3/...`).
 */

/** One chart context: a kind of chart a node has (`system.cpu`, `disk.space`, ...). */
export const contextInfo = z.object({
  id: z.string(),
  title: z.string(),
  units: z.string(),
  /** The group it is shown in, as Netdata's dashboard groups them (`cpu`, `mem`, `disk`, ...). */
  family: z.string(),
  chart_type: z.string().describe('line, area or stacked'),
  priority: z.number().describe('lower first, within its family'),
  dimensions: z.array(z.string()).optional(),
  first_entry: z.number().optional().describe('unix seconds of its oldest point'),
  last_entry: z.number().optional().describe('unix seconds of its newest point'),
});
export type ContextInfo = z.infer<typeof contextInfo>;
/** Set when the node is offline and this is the server's copy of its last answer (ms since the epoch). */
const cachedAt = z.number().optional().describe('the node is offline: its last answer, kept since then (ms)');
export const contextsAnswer = z.object({ contexts: z.array(contextInfo), cached_at: cachedAt });
export type ContextsAnswer = z.infer<typeof contextsAnswer>;

/**
 * Who asks, for agents that apply their own access rules (a Netdata agent maps it onto its roles and permission
 * bits); Muster's agent ignores it.
 */
export const dataCaller = z
  .object({
    role: z.enum(['admin', 'operator', 'viewer']),
    user: z.string().max(200),
    account: z.string().max(100),
  })
  .optional();
export type DataCaller = z.infer<typeof dataCaller>;

/** A time: unix seconds, or (zero and below) seconds relative to now. */
const relTime = z
  .number()
  .int()
  .min(-10 * 365 * 86400);

export const dataParams = z.object({
  context: z.string().min(1).max(200),
  after: relTime.default(-600),
  before: relTime.default(0),
  points: z.number().int().min(1).max(1500).default(300),
  caller: dataCaller,
});
export type DataParams = z.infer<typeof dataParams>;

/** One context's points: `labels[0]` is "time" (unix seconds), the rest its dimensions; oldest first. */
export const dataAnswer = z.object({
  context: z.string(),
  title: z.string().optional(),
  units: z.string(),
  chart_type: z.string().optional(),
  labels: z.array(z.string()),
  points: z.array(z.array(z.number().nullable())),
  /** Seconds between two points as answered. */
  update_every: z.number().optional(),
  cached_at: cachedAt,
});
export type DataAnswer = z.infer<typeof dataAnswer>;

/** A Netdata alert's status (Muster's agent uses the same words). */
export const NODE_ALERT_STATUSES = ['CLEAR', 'WARNING', 'CRITICAL', 'UNDEFINED', 'UNINITIALIZED'] as const;
export type NodeAlertStatus = (typeof NODE_ALERT_STATUSES)[number];

/** One alert instance the node's agent evaluates. */
export const nodeAlert = z.object({
  name: z.string(),
  chart: z.string(),
  context: z.string(),
  status: z.enum(NODE_ALERT_STATUSES),
  value: z.number().nullable(),
  /** The value as the agent renders it, with its units. */
  value_string: z.string(),
  units: z.string(),
  since: z.number().nullable().describe('unix seconds of its last status change'),
  summary: z.string(),
});
export type NodeAlert = z.infer<typeof nodeAlert>;
export const alertsAnswer = z.object({ alerts: z.array(nodeAlert) });
export type AlertsAnswer = z.infer<typeof alertsAnswer>;

/** A function the agent offers (processes, network connections, mount points, ...). */
export const functionInfo = z.object({
  name: z.string(),
  help: z.string(),
  tags: z.string().optional(),
  timeout: z.number().optional().describe('seconds'),
});
export type FunctionInfo = z.infer<typeof functionInfo>;
export const functionsAnswer = z.object({ functions: z.array(functionInfo) });
export type FunctionsAnswer = z.infer<typeof functionsAnswer>;

export const functionParams = z.object({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _.:- only'),
  params: z.record(z.string(), z.unknown()).default({}),
  timeout_s: z.number().int().min(1).max(120).default(30),
  caller: dataCaller,
});

/** A function's answer as a table: columns in order, then rows of cells in the same order. */
export const functionTable = z.object({
  name: z.string(),
  help: z.string().optional(),
  columns: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.string().describe('string, integer, number, bar-with-integer, duration, timestamp, ...'),
      units: z.string().optional(),
      visible: z.boolean(),
    }),
  ),
  rows: z.array(z.array(z.unknown())),
  /** The column the agent sorts by at first. */
  sort_column: z.string().optional(),
});
export type FunctionTable = z.infer<typeof functionTable>;

/** The data link methods: the same for both agents (Netdata's are served by the server's ACLK translation). */
export const DATA_METHODS = {
  'data.contexts': { params: z.object({ caller: dataCaller }), result: contextsAnswer },
  'data.query': { params: dataParams, result: dataAnswer },
  'data.alerts': { params: z.object({ caller: dataCaller }), result: alertsAnswer },
  'data.functions': { params: z.object({ caller: dataCaller }), result: functionsAnswer },
  'data.function': { params: functionParams, result: functionTable },
} as const;
export type DataMethod = keyof typeof DATA_METHODS;
export const isDataMethod = (m: string): m is DataMethod => Object.hasOwn(DATA_METHODS, m);
