import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  connectArgs,
  login,
  getJob,
  jobIn,
  request,
  spawnAgent,
  waitFor,
  type AgentProcess,
  useTestServer,
} from './helpers.ts';

/** Jobs when the link, the server or the agent goes away mid-run (real agent, real shell jobs). */
describe('jobs across link drops, server restarts and agent restarts', () => {
  const server = useTestServer();
  let cookie: string;
  let token: string;
  const dir = server.tempDir('muster-agent-');
  let agent: AgentProcess;
  let id: string;

  const startAgent = () =>
    spawnAgent(['--state-dir', dir.path, '--allow-shell-jobs', ...connectArgs(server, token)]);
  const job = (jobId: string) => getJob(server, cookie, jobId);
  const run = async (command: string) => {
    const r = await request(server, 'POST', `/api/hosts/${id}/jobs`, {
      cookie,
      body: { type: 'shell', params: { command } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json()));
    return r.json<{ id: string }>().id;
  };
  const online = () =>
    waitFor(async () => (await server.services.nodes.get(id)).status === 'online', 'online', 30_000);

  before(async () => {
    cookie = await login(server);
    token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    agent = startAgent();
    server.defer(() => agent.stop());
    id = await waitFor(() => readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim(), 'claim');
    await online();
  });

  test('shell jobs run only where the agent allows them', async () => {
    const jobId = await run('echo hello from $(basename /bin/sh)');
    const done = await jobIn(server, cookie, jobId, ['succeeded']);
    assert.match(done.log, /hello from sh/);
  });

  test('a job that ends while the server is down is reported when the link returns; its log survives the restart', async () => {
    const jobId = await run('echo before; sleep 2; echo after');
    await waitFor(async () => (await job(jobId)).log.includes('before'), 'first output');
    await server.stop();
    await new Promise((r) => setTimeout(r, 3000)); // the job ends on the node meanwhile
    await server.startAgain();
    cookie = await login(server);
    const done = await jobIn(server, cookie, jobId, ['succeeded']);
    assert.equal(done.exit_code, 0);
    assert.match(done.log, /before\n[\s\S]*after\n/, 'output from before and after the restart, in order');
  });

  test('a job running when the agent dies is marked lost with the reason when the agent returns', async () => {
    const jobId = await run('echo started; sleep 4');
    await jobIn(server, cookie, jobId, ['running']);
    await agent.stop('SIGKILL');
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'offline', 'offline');
    assert.equal((await job(jobId)).state, 'running', 'the server does not guess while the node is away');
    agent = startAgent();
    const lost = await jobIn(server, cookie, jobId, ['lost']);
    assert.match(lost.error ?? '', /agent stopped while the job was running/);
  });

  test('a job for an offline node waits and runs when the node returns', async () => {
    await agent.stop();
    await waitFor(async () => (await server.services.nodes.get(id)).status === 'offline', 'offline');
    const jobId = await run('echo queued-then-ran');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await job(jobId)).state, 'queued');
    agent = startAgent();
    await online();
    const done = await jobIn(server, cookie, jobId, ['succeeded']);
    assert.match(done.log, /queued-then-ran/);
  });
});
