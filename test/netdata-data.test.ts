import assert from 'node:assert/strict';
import https from 'node:https';
import { before, describe, test } from 'node:test';
import { AlarmLogEntrySchema, AlarmStatus } from '../src/protocol/aclk/aclk_pb.ts';
import type { AlertView } from '../src/protocol/api/alerts.ts';
import type { AlertsAnswer, ContextsAnswer, DataAnswer, FunctionTable } from '../src/protocol/node-data.ts';
import { addUser, login, request, useTestServer, waitFor } from './helpers.ts';
import { netdataIdentity, serveAsNetdata, type AgentAnswer, type AgentQuery } from './netdata-client.ts';

/** Wait until a condition of this suite holds (each test says in its assertions what it waited for). */
const until = <T>(fn: () => Promise<T> | T) => waitFor(fn, 'a condition of the Netdata data suite');

const CONTEXTS = [
  {
    id: 'system.cpu',
    title: 'Total CPU utilization',
    units: 'percentage',
    family: 'cpu',
    chartType: 'stacked',
    priority: 100n,
    firstEntry: 1_700_000_000n,
    lastEntry: 1_700_003_600n,
  },
  {
    id: 'system.load',
    title: 'System Load Average',
    units: 'load',
    family: 'load',
    chartType: 'line',
    priority: 100n,
  },
  {
    id: 'disk.space',
    title: 'Disk Space Usage',
    units: 'GiB',
    family: '/',
    chartType: 'stacked',
    priority: 2023n,
  },
];
const alert = (name: string, chart: string, status: AlarmStatus, value: number) => ({
  name,
  chart,
  chartContext: chart.replace(/\..*$/, '.x'),
  status,
  value,
  valueString: `${value}%`,
  when: 1_700_000_000n,
  summary: `${name} summary`,
});

/** What the agent's /api/v3/data answers, as a stock agent shapes it (format=json, jsonwrap). */
function dataAnswer(q: AgentQuery) {
  const params = new URL(`http://x${q.path}`).searchParams;
  return {
    status: 200,
    json: {
      api: 3,
      view: { title: 'Total CPU utilization', units: 'percentage', chart_type: 'stacked', update_every: 1 },
      result: {
        labels: ['time', 'user', 'system'],
        data: Array.from({ length: Number(params.get('points')) }, (_, i) => [1_700_000_000 + i, i, null]),
      },
    },
  };
}

describe('a stock Netdata node’s data through its ACLK: queries, contexts and alerts', () => {
  const server = useTestServer({ flags: { linkAuthPerMinute: 1_000_000 } });
  let admin: string;
  before(async () => {
    admin = await login(server);
  });
  const api = <T>(method: string, path: string, body?: unknown) =>
    request(server, method, path, { cookie: admin, ...(body !== undefined ? { body } : {}) }).then((r) => ({
      ...r,
      body: r.status < 300 ? r.json<T>() : null,
    }));

  /** A linked simulated agent with a behaviour; the node is online once it returns. */
  async function linked(agent: Parameters<typeof serveAsNetdata>[2]) {
    const nd = await netdataIdentity(server);
    const link = await nd.connect();
    const served = serveAsNetdata(link, nd.id, agent);
    await until(
      async () => (await api<{ status: string }>('GET', `/api/nodes/${nd.id}`)).body?.status === 'online',
    );
    return { id: nd.id, link, ...served };
  }

  test('queries: the envelope, the raw HTTP request with the caller’s role, a gzipped answer, translated', async () => {
    const nd = await linked({ answer: (q) => (q.path.startsWith('/api/v3/data?') ? dataAnswer(q) : null) });
    const res = await api<DataAnswer>(
      'GET',
      `/api/nodes/${nd.id}/data?context=system.cpu&after=-3600&points=60`,
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body!.labels, ['time', 'user', 'system']);
    assert.equal(res.body!.points.length, 60);
    assert.deepEqual(res.body!.points[1], [1_700_000_001, 1, null]);
    assert.equal(res.body!.units, 'percentage');

    const q = nd.queries.at(-1)!;
    assert.equal(q.header.type, 'http');
    assert.equal(q.header.version, 2);
    assert.ok(
      q.header['callback-topic'].startsWith(`/agent/${nd.id}/outbound/`),
      'a topic the agent may publish to',
    );
    assert.equal(q.method, 'GET');
    const params = new URL(`http://x${q.path}`).searchParams;
    assert.equal(params.get('contexts'), 'system.cpu');
    assert.equal(params.get('after'), '-3600');
    assert.equal(q.headers['accept-encoding'], 'gzip');
    assert.equal(q.headers['x-netdata-role'], 'admin');
    assert.equal(q.headers['x-netdata-permissions'], '0x7b');
    assert.equal(q.headers['x-netdata-user-name'], 'admin');

    // A viewer reads data as an observer: no sensitive data, no configuration.
    const viewerCookie = (await addUser(server, admin, 'nd-viewer', 'viewer')).cookie;
    const asViewer = await request(server, 'GET', `/api/nodes/${nd.id}/data?context=system.cpu&points=5`, {
      cookie: viewerCookie,
    });
    assert.equal(asViewer.status, 200, asViewer.text);
    assert.equal(nd.queries.at(-1)!.headers['x-netdata-role'], 'observer');
    assert.equal(nd.queries.at(-1)!.headers['x-netdata-permissions'], '0xb');
    // Functions are for operators and above.
    const fn = await request(server, 'GET', `/api/nodes/${nd.id}/functions`, { cookie: viewerCookie });
    assert.equal(fn.status, 403);
    nd.link.disconnect();
  });

  test('the agent’s errors: 413 (answer too big for the link), 503 (timed out in its queue), 404, no answer', async () => {
    const answers: Record<string, AgentAnswer> = {
      'system.big': {
        error: {
          httpCode: 413,
          errorCode: 4,
          description: 'Request reply produces message bigger than allowed maximum',
        },
      },
      'system.busy': {
        error: { httpCode: 503, errorCode: 6, description: 'Timeout while waiting in queue' },
      },
      'system.none': { status: 404, json: { error: 'no such context' } },
      'system.lost': null,
    };
    const nd = await linked({
      answer: (q) => answers[new URL(`http://x${q.path}`).searchParams.get('contexts') ?? ''] ?? null,
    });
    const ask = (ctx: string) => api('GET', `/api/nodes/${nd.id}/data?context=${ctx}`);
    const big = await ask('system.big');
    assert.equal(big.status, 502);
    assert.equal(big.json<{ code: string }>().code, 'agent_answer_too_large');
    const busy = await ask('system.busy');
    assert.equal(busy.status, 503);
    assert.equal(busy.json<{ code: string }>().code, 'agent_busy');
    const none = await ask('system.none');
    assert.equal(none.status, 404);
    // A reply that never comes: the server gives up (504) and cancels the query on the agent.
    const lost = await ask('system.lost');
    assert.equal(lost.status, 504, lost.text);
    const msgId = nd.queries.at(-1)!.header['msg-id'];
    await until(() => nd.cancelled.includes(msgId));
    nd.link.disconnect();
  });

  test('a caller that goes away cancels its query on the agent; at most 6 run on one agent at once', async () => {
    const held: (() => void)[] = [];
    const nd = await linked({
      answer: (q) => new Promise<AgentAnswer>((resolve) => held.push(() => resolve(dataAnswer(q)))),
    });
    const first = https.request(new URL(`/api/nodes/${nd.id}/data?context=system.cpu&points=3`, server.url), {
      ca: server.ca,
      headers: { cookie: admin },
    });
    first.on('error', () => undefined);
    first.end();
    await until(() => nd.queries.length === 1);
    first.destroy();
    await until(() => nd.cancelled.includes(nd.queries[0]!.header['msg-id']));

    held.splice(0);
    const before = nd.queries.length;
    const many = Array.from({ length: 10 }, () =>
      api<DataAnswer>('GET', `/api/nodes/${nd.id}/data?context=system.cpu&points=3`),
    );
    await until(() => nd.queries.length === before + 6);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(nd.queries.length, before + 6, 'the seventh waits for a free slot');
    while (nd.queries.length < before + 10 || held.length > 0) {
      held.shift()?.();
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const r of await Promise.all(many)) assert.equal(r.status, 200);
    nd.link.disconnect();
  });

  test('contexts and alerts stream in; WARNING and CRITICAL become Muster alerts that follow the transitions', async () => {
    const nd = await linked({
      contexts: CONTEXTS,
      alerts: [
        alert('10min_cpu_usage', 'system.cpu', AlarmStatus.CRITICAL, 97),
        alert('load_average_15', 'system.load', AlarmStatus.CLEAR, 0.3),
        alert('disk_space_usage', 'disk_space./', AlarmStatus.WARNING, 85),
      ],
      chunk: 2,
      // Until its stream arrives, the contexts are asked for (here: in vain).
      answer: () => ({ status: 404, json: {} }),
    });
    await until(
      async () =>
        (await api<ContextsAnswer>('GET', `/api/nodes/${nd.id}/contexts`)).body?.contexts.length === 3,
    );
    const contexts = (await api<ContextsAnswer>('GET', `/api/nodes/${nd.id}/contexts`)).body!.contexts;
    assert.deepEqual(
      contexts.find((c) => c.id === 'system.cpu'),
      {
        id: 'system.cpu',
        title: 'Total CPU utilization',
        units: 'percentage',
        family: 'cpu',
        chart_type: 'stacked',
        priority: 100,
        first_entry: 1_700_000_000,
        last_entry: 1_700_003_600,
      },
    );
    const asked = nd.queries.length;
    await api('GET', `/api/nodes/${nd.id}/contexts`);
    assert.equal(nd.queries.length, asked, 'once streamed, answered from the stream: no query');

    await until(
      async () => (await api<AlertsAnswer>('GET', `/api/nodes/${nd.id}/alerts`)).body?.alerts.length === 3,
    );
    const instances = (await api<AlertsAnswer>('GET', `/api/nodes/${nd.id}/alerts`)).body!.alerts;
    assert.deepEqual(instances.map((a) => [a.name, a.status]).sort(), [
      ['10min_cpu_usage', 'CRITICAL'],
      ['disk_space_usage', 'WARNING'],
      ['load_average_15', 'CLEAR'],
    ]);

    const muster = async () =>
      (
        await api<{ alerts: AlertView[] }>('GET', `/api/alerts?node_id=${nd.id}&state=firing`)
      ).body!.alerts.filter((a) => a.kind === 'netdata');
    await until(async () => (await muster()).length === 2);
    const cpu = (await muster()).find((a) => a.subject === 'system.cpu.10min_cpu_usage')!;
    assert.equal(cpu.severity, 'critical');
    assert.match(cpu.summary, /10min_cpu_usage on system\.cpu is CRITICAL \(97%\)/);
    const firing = await muster();
    const disk = firing.find((a) => a.subject === 'disk_space./.disk_space_usage');
    assert.equal(disk?.severity, 'warning', JSON.stringify(firing.map((a) => [a.subject, a.severity])));

    // The CPU alert clears on the agent: the transition resolves it.
    nd.link.publish('alarm-log-v2', AlarmLogEntrySchema, {
      nodeId: nd.id,
      claimId: nd.id,
      ...alert('10min_cpu_usage', 'system.cpu', AlarmStatus.CLEAR, 12),
    });
    await until(async () => (await muster()).length === 1);
    const cleared = (await api<AlertsAnswer>('GET', `/api/nodes/${nd.id}/alerts`)).body!.alerts;
    assert.equal(cleared.find((a) => a.name === '10min_cpu_usage')!.status, 'CLEAR');
    nd.link.disconnect();
  });

  test('functions: the list and one table, columns in the agent’s order; the call is audited', async () => {
    const nd = await linked({
      answer: (q) => {
        if (q.path === '/api/v1/functions')
          return {
            status: 200,
            json: { functions: { processes: { help: 'Processes', timeout: 10, tags: 'top' } } },
          };
        if (q.path.startsWith('/api/v3/function?'))
          return {
            status: 200,
            json: {
              status: 200,
              type: 'table',
              help: 'Processes',
              columns: {
                Cmd: { index: 1, name: 'Process Name', type: 'string', visible: true },
                PID: { index: 0, name: 'Process ID', type: 'integer', visible: true },
              },
              data: [
                [1, 'init'],
                [42, 'netdata'],
              ],
              default_sort_column: 'PID',
            },
          };
        return null;
      },
    });
    const list = await api<{ functions: { name: string }[] }>('GET', `/api/nodes/${nd.id}/functions`);
    assert.deepEqual(
      list.body!.functions.map((f) => f.name),
      ['processes'],
    );
    const table = await api<FunctionTable>('POST', `/api/nodes/${nd.id}/functions/processes`, {});
    assert.equal(table.status, 200, table.text);
    assert.deepEqual(
      table.body!.columns.map((c) => c.id),
      ['PID', 'Cmd'],
    );
    assert.deepEqual(table.body!.rows, [
      [1, 'init'],
      [42, 'netdata'],
    ]);
    assert.equal(table.body!.sort_column, 'PID');
    assert.match(nd.queries.at(-1)!.path, /function=processes/);
    const audit = await api<{ events: { action: string; target_id: string | null }[] }>(
      'GET',
      '/api/audit?limit=20',
    );
    assert.ok(audit.body!.events.some((e) => e.action === 'node.function_called' && e.target_id === nd.id));
    // A name that could smuggle a path or a header is refused before anything reaches the agent.
    const sent = nd.queries.length;
    const bad = await api(
      'POST',
      `/api/nodes/${nd.id}/functions/${encodeURIComponent('x\r\nX-Netdata-Role: admin')}`,
      {},
    );
    assert.equal(bad.status, 400);
    assert.equal(nd.queries.length, sent);
    nd.link.disconnect();
  });
});
