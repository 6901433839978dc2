import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLinkClient, type LinkStatus } from '../src/agent/link/link-client.ts';
import type { HttpClient } from '../src/agent/net/http-client.ts';
import { startBalancer } from './cluster-helpers.ts';
import {
  freePort,
  manualClock,
  simulatedIdentity,
  SIM_FACTS,
  useTestServer,
  waitFor,
  type SuiteServer,
} from './helpers.ts';

/**
 * The agent's link client (its own code, in this process) against the real server: what it asks for each link,
 * counted at its HTTP client. A server that takes signatures sees the env and a challenge once, then only signed
 * upgrades; a server before signatures sees the whole authentication every time; a refused signature (the server's
 * clock is not what the agent learnt) sends the agent the long way once, and it links.
 */
async function agentAgainst(server: SuiteServer, url = server.url) {
  const sim = await simulatedIdentity(server);
  server.defer(sim.remove);
  const asked: string[] = [];
  const http: HttpClient = {
    ...sim.http,
    request: (method, url, body) => {
      asked.push(new URL(url).pathname.replace(sim.id, ':id'));
      return sim.http.request(method, url, body);
    },
    openLink: (url, headers, max, events) => {
      asked.push(`upgrade ${headers.authorization!.split(' ')[0]}`);
      return sim.http.openLink(url, headers, max, events);
    },
  };
  const statuses: Partial<LinkStatus>[] = [];
  const client = createLinkClient({
    claimId: sim.id,
    url,
    proxy: 'none',
    privateKey: sim.privateKey,
    bearer: null,
    agentVersion: 'test',
    http,
    facts: () => SIM_FACTS,
    onStatus: (p) => void statuses.push(p),
    log: () => undefined,
  });
  server.defer(() => client.stop());
  void client.start();
  const onlineTimes = () => statuses.filter((p) => p.status === 'online').length;
  return { asked, onlineTimes };
}

async function restart(server: SuiteServer) {
  await server.stop();
  await server.startAgain();
}

describe('link: signed upgrades', () => {
  const clock = manualClock();
  const server = useTestServer({ clock });

  test('a server that takes signatures: the env and a challenge once, then each link is the signed upgrade alone', async () => {
    const a = await agentAgainst(server);
    await waitFor(() => a.onlineTimes() === 1, 'online');
    assert.deepEqual(a.asked, ['/api/v1/env', '/api/v1/auth/node/:id/challenge', 'upgrade Challenge']);
    await restart(server);
    await waitFor(() => a.onlineTimes() === 2, 'online again after the restart', 30_000);
    await restart(server);
    await waitFor(() => a.onlineTimes() === 3, 'online again after a second restart', 30_000);
    const after = a.asked.slice(3);
    assert.ok(after.length >= 2, after.join(', '));
    assert.ok(
      after.every((x) => x === 'upgrade Signature'),
      `reconnects asked only for the signed upgrade: ${after.join(', ')}`,
    );
  });

  test('a signature the server refuses (its clock is not the one the agent learnt) sends the agent the long way, once', async () => {
    const a = await agentAgainst(server);
    await waitFor(() => a.onlineTimes() === 1, 'online');
    // The server's clock jumps ten minutes ahead of the time its answers were dated with.
    clock.advance(10 * 60_000);
    await restart(server);
    await waitFor(() => a.onlineTimes() === 2, 'online again the long way', 30_000);
    const after = a.asked.slice(3);
    const refused = after.lastIndexOf('upgrade Signature');
    assert.ok(refused >= 0, after.join(', '));
    assert.deepEqual(after.slice(refused + 1), [
      '/api/v1/env',
      '/api/v1/auth/node/:id/challenge',
      'upgrade Challenge',
    ]);
  });
});

describe('link: the new agent against a server before signed upgrades', () => {
  const server = useTestServer({ linkSignatures: false });

  test('every link authenticates in full, as the agents before signatures did', async () => {
    const a = await agentAgainst(server);
    await waitFor(() => a.onlineTimes() === 1, 'online');
    await restart(server);
    await waitFor(() => a.onlineTimes() === 2, 'online again after the restart', 30_000);
    const links = a.asked.filter((x) => x.startsWith('upgrade'));
    assert.ok(
      links.every((x) => x === 'upgrade Challenge'),
      links.join(', '),
    );
    assert.equal(a.asked.filter((x) => x === '/api/v1/auth/node/:id/challenge').length, links.length);
  });
});

describe('link: signed upgrades through a proxy while the server is down', () => {
  const server = useTestServer({ flags: { tls: 'off' } });

  test("the proxy's 502s are misses, not refusals: the agent reads the env and opens with its signature, never a challenge", async () => {
    const nginx = await startBalancer([server.port], await freePort());
    server.defer(() => nginx.stop());
    const a = await agentAgainst(server, nginx.url);
    await waitFor(() => a.onlineTimes() === 1, 'online through nginx');
    assert.deepEqual(a.asked, ['/api/v1/env', '/api/v1/auth/node/:id/challenge', 'upgrade Challenge']);
    await server.stop();
    // nginx answers every attempt with 502 meanwhile: after a signed upgrade it answers, the env is read first.
    await waitFor(
      () => a.asked.slice(3).filter((x) => x === '/api/v1/env').length >= 2,
      'signed attempts and env reads answered by the proxy',
      30_000,
    );
    await server.startAgain();
    await waitFor(() => a.onlineTimes() === 2, 'online again through nginx', 60_000);
    const after = a.asked.slice(3);
    assert.ok(
      after.every((x) => x === 'upgrade Signature' || x === '/api/v1/env'),
      `no challenge: ${after.join(', ')}`,
    );
    assert.deepEqual(after.slice(-2), ['/api/v1/env', 'upgrade Signature'], after.join(', '));
  });
});
