import { z } from 'zod';
import { type RefusalCode } from '../../protocol/link-methods.ts';
import {
  DATA_METHODS,
  dataCaller,
  type DataCaller,
  type AlertsAnswer,
  type ContextInfo,
  type ContextsAnswer,
  type DataAnswer,
  type FunctionsAnswer,
  type FunctionTable,
  type NodeAlert,
} from '../../protocol/node-data.ts';
import { AclkQueryError, type AclkAnswer, type AclkQueries, type AclkQuery } from './aclk-queries.ts';
import type { NetdataStreams } from './netdata-streams.ts';

/** A request of Muster's link answered for a Netdata agent failed for this reason (the agent's refusal code). */
export class DataRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** What a failed answer becomes on Muster's link. */
export function refusalOf(err: unknown): { code: RefusalCode; message: string } {
  if (err instanceof DataRefusal) return { code: err.code, message: err.message };
  if (err instanceof AclkQueryError)
    return {
      code: err.kind === 'too_large' ? 'too_large' : err.kind === 'busy' ? 'busy' : 'refused',
      message: err.message,
    };
  return { code: 'refused', message: err instanceof Error ? err.message : String(err) };
}

// What the Netdata agent answers, read only as far as we use it (extra fields are ignored).
const v1Contexts = z.object({
  contexts: z.record(
    z.string(),
    z.looseObject({
      title: z.string().catch(''),
      units: z.string().catch(''),
      family: z.string().catch(''),
      chart_type: z.string().catch('line'),
      priority: z.number().catch(0),
      first_time_t: z.number().optional().catch(undefined),
      last_time_t: z.number().optional().catch(undefined),
      deleted: z.boolean().optional().catch(undefined),
    }),
  ),
});
const jsonData = z.looseObject({
  view: z
    .looseObject({
      units: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .catch(undefined),
      title: z.string().optional().catch(undefined),
      chart_type: z.string().optional().catch(undefined),
      update_every: z.number().optional().catch(undefined),
    })
    .catch({}),
  result: z.object({
    labels: z.array(z.string()),
    data: z.array(z.array(z.number().nullable())),
  }),
});
const v1Alarms = z.object({
  alarms: z.record(
    z.string(),
    z.looseObject({
      name: z.string().catch(''),
      chart: z.string().catch(''),
      context: z.string().catch(''),
      status: z.string().catch('UNDEFINED'),
      value: z.number().nullable().catch(null),
      value_string: z.string().optional().catch(undefined),
      units: z.string().catch(''),
      last_status_change: z.number().nullable().catch(null),
      summary: z.string().optional().catch(undefined),
      info: z.string().optional().catch(undefined),
    }),
  ),
});
const functionsList = z.object({
  functions: z.record(
    z.string(),
    z.looseObject({
      help: z.string().catch(''),
      tags: z.string().optional().catch(undefined),
      timeout: z.number().optional().catch(undefined),
    }),
  ),
});
const functionResult = z.looseObject({
  status: z.number().optional().catch(undefined),
  type: z.string().optional().catch(undefined),
  help: z.string().optional().catch(undefined),
  columns: z
    .record(
      z.string(),
      z.looseObject({
        index: z.number(),
        name: z.string().optional().catch(undefined),
        type: z.string().catch('string'),
        units: z.string().optional().catch(undefined),
        visible: z.boolean().catch(true),
      }),
    )
    .catch({}),
  data: z.array(z.array(z.unknown())).catch([]),
  default_sort_column: z.string().optional().catch(undefined),
  errorMessage: z.string().optional().catch(undefined),
});

/** Largest table a function answer is cut to (rows). */
const MAX_ROWS = 20_000;

interface Context {
  caller?: DataCaller;
  queries: AclkQueries;
  streams: NetdataStreams;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Run a GET (or POST with a body) on the agent and read its JSON; its own failures are refusals. */
async function getJson(c: Context, path: string, body?: unknown): Promise<unknown> {
  const q: AclkQuery = {
    method: body === undefined ? 'GET' : 'POST',
    path,
    timeoutMs: Math.max(1000, c.timeoutMs - 500),
    signal: c.signal,
    ...(c.caller ? { caller: c.caller } : {}),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
  const answer: AclkAnswer = await c.queries.run(q);
  const text = answer.body.toString('utf8');
  if (answer.status === 404)
    throw new DataRefusal('not_found', `the Netdata agent has no such thing (${path})`);
  if (answer.status >= 400)
    throw new DataRefusal(
      'refused',
      `the Netdata agent answered ${answer.status}: ${text.slice(0, 300) || 'no reason given'}`,
    );
  try {
    return JSON.parse(text);
  } catch {
    throw new DataRefusal('refused', 'the Netdata agent answered something that is not JSON');
  }
}

function read<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DataRefusal('refused', `the Netdata agent's ${what} could not be read`);
  return parsed.data;
}

async function contexts(c: Context): Promise<ContextsAnswer> {
  const streamed = c.streams.contexts();
  if (streamed) return { contexts: streamed };
  const raw = read(v1Contexts, await getJson(c, '/api/v1/contexts'), 'contexts');
  const list: ContextInfo[] = Object.entries(raw.contexts)
    .filter(([, v]) => !v.deleted)
    .map(([id, v]) => ({
      id,
      title: v.title,
      units: v.units,
      family: v.family,
      chart_type: v.chart_type,
      priority: v.priority,
      ...(v.first_time_t ? { first_entry: v.first_time_t } : {}),
      ...(v.last_time_t ? { last_entry: v.last_time_t } : {}),
    }));
  return { contexts: list };
}

async function data(c: Context, raw: unknown): Promise<DataAnswer> {
  const p = DATA_METHODS['data.query'].params.parse(raw);
  const qs = new URLSearchParams({
    contexts: p.context,
    scope_contexts: p.context,
    after: String(p.after),
    before: String(p.before),
    points: String(p.points),
    group_by: 'dimension',
    aggregation: 'average',
    time_group: 'average',
    format: 'json',
    options: 'jsonwrap|seconds|flip|unaligned|minify',
  });
  const answer = read(jsonData, await getJson(c, `/api/v3/data?${qs.toString()}`), 'data');
  const known = c.streams.contexts()?.find((x) => x.id === p.context);
  const view = answer.view;
  const units = Array.isArray(view.units) ? (view.units[0] ?? '') : (view.units ?? known?.units ?? '');
  if (answer.result.labels.length <= 1)
    throw new DataRefusal('not_found', `the node has no data for ${p.context} in that time`);
  return {
    context: p.context,
    ...((view.title ?? known?.title) ? { title: view.title ?? known?.title } : {}),
    units,
    ...((view.chart_type ?? known?.chart_type) ? { chart_type: view.chart_type ?? known?.chart_type } : {}),
    labels: answer.result.labels,
    points: answer.result.data,
    ...(view.update_every ? { update_every: view.update_every } : {}),
  };
}

async function alerts(c: Context): Promise<AlertsAnswer> {
  const streamed = c.streams.alerts();
  if (streamed) return { alerts: streamed };
  const raw = read(v1Alarms, await getJson(c, '/api/v1/alarms?all'), 'alerts');
  const statuses = new Set(['CLEAR', 'WARNING', 'CRITICAL', 'UNDEFINED', 'UNINITIALIZED']);
  const list: NodeAlert[] = Object.values(raw.alarms).map((a) => ({
    name: a.name,
    chart: a.chart,
    context: a.context,
    status: (statuses.has(a.status) ? a.status : 'UNDEFINED') as NodeAlert['status'],
    value: a.value,
    value_string: a.value_string ?? (a.value === null ? '-' : `${a.value} ${a.units}`.trim()),
    units: a.units,
    since: a.last_status_change,
    summary: a.summary ?? a.info ?? '',
  }));
  return { alerts: list };
}

async function functions(c: Context): Promise<FunctionsAnswer> {
  const raw = read(functionsList, await getJson(c, '/api/v1/functions'), 'functions');
  return {
    functions: Object.entries(raw.functions)
      .map(([name, f]) => ({
        name,
        help: f.help,
        ...(f.tags ? { tags: f.tags } : {}),
        ...(f.timeout ? { timeout: f.timeout } : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** A Netdata function's table as Muster shows it: columns in the agent's order, rows as they came. */
export function tableOf(name: string, raw: unknown): FunctionTable {
  const r = read(functionResult, raw, `answer to ${name}`);
  if (r.status !== undefined && r.status >= 400)
    throw new DataRefusal(
      r.status === 404 ? 'not_found' : 'refused',
      `${name}: ${r.errorMessage ?? `the function failed (${r.status})`}`,
    );
  const columns = Object.entries(r.columns)
    .sort(([, a], [, b]) => a.index - b.index)
    .map(([id, col]) => ({ ...col, id }));
  return {
    name,
    ...(r.help ? { help: r.help } : {}),
    columns: columns.map((col) => ({
      id: col.id,
      name: col.name ?? col.id,
      type: col.type,
      ...(col.units ? { units: col.units } : {}),
      visible: col.visible,
    })),
    rows: r.data.slice(0, MAX_ROWS).map((row) => columns.map((col) => row[col.index] ?? null)),
    ...(r.default_sort_column ? { sort_column: r.default_sort_column } : {}),
  };
}

async function runFunction(c: Context, raw: unknown): Promise<FunctionTable> {
  const p = DATA_METHODS['data.function'].params.parse(raw);
  const qs = new URLSearchParams({ function: p.name, timeout: String(p.timeout_s) });
  const hasParams = Object.keys(p.params).length > 0;
  const answer = await getJson(c, `/api/v3/function?${qs.toString()}`, hasParams ? p.params : undefined);
  return tableOf(p.name, answer);
}

/**
 * Answer one data request of Muster's link for a Netdata agent: contexts and alerts from what it streams (or, until
 * it has, from a query), points and functions with queries on its ACLK.
 */
export async function answerDataRequest(method: string, params: unknown, context: Context): Promise<unknown> {
  const caller = z.object({ caller: dataCaller }).safeParse(params);
  const c: Context =
    caller.success && caller.data.caller ? { ...context, caller: caller.data.caller } : context;
  switch (method) {
    case 'data.contexts':
      return contexts(c);
    case 'data.query':
      return data(c, params);
    case 'data.alerts':
      return alerts(c);
    case 'data.functions':
      return functions(c);
    case 'data.function':
      return runFunction(c, params);
    default:
      throw new DataRefusal('refused', `a Netdata agent does not answer ${method}`);
  }
}
