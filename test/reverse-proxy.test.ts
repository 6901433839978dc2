import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { EXIT } from '../src/protocol/errors.ts';
import {
  freePort,
  nginxConf,
  runAgent,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  useTestServer,
} from './helpers.ts';

/**
 * Real nginx in front of the server, the way operators run it: a healthy route, an upstream that is down (502),
 * maintenance (503), and an upstream that never answers (504). The agent must end with the documented exit codes.
 */
describe('behind a real reverse proxy (nginx)', () => {
  const server = useTestServer();
  let nginx: ChildProcess;
  let silent: Server;
  let proxyUrl: string;
  let token: string;
  const dir = server.tempDir('muster-nginx-');

  before(async () => {
    token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    silent = createServer(() => undefined).listen(0, '127.0.0.1');
    server.defer(() => silent.close());
    await new Promise((r) => silent.once('listening', r));
    const silentPort = (silent.address() as { port: number }).port;
    const closedPort = await freePort();
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    const conf = join(dir.path, 'nginx.conf');
    writeFileSync(
      conf,
      nginxConf(
        dir.path,
        port,
        `    location /down/ { proxy_pass http://127.0.0.1:${closedPort}/; }
    location /maintenance/ { return 503; }
    location /slow/ { proxy_pass http://127.0.0.1:${silentPort}/; proxy_read_timeout 1s; }
    location / { proxy_pass https://127.0.0.1:${server.port}; proxy_ssl_verify off; proxy_set_header X-Forwarded-For $remote_addr; }
`,
      ),
    );
    nginx = spawn('nginx', ['-p', dir.path, '-c', conf, '-g', 'daemon off;'], { stdio: 'inherit' });
    server.defer(() => nginx.kill('SIGTERM'));
    await waitFor(async () => (await fetch(`${proxyUrl}/healthz`)).ok, 'nginx to proxy the server');
  });

  const claim = async (url: string) => {
    const state = tempDir('muster-agent-');
    try {
      return await runAgent([
        'claim',
        '--state-dir',
        state.path,
        '--local-api',
        'off',
        '--url',
        url,
        '--token',
        token,
      ]);
    } finally {
      state.remove();
    }
  };

  test('claiming through the proxy works', async () => {
    const r = await claim(proxyUrl);
    assert.equal(r.code, 0, r.stderr);
  });

  test('an upstream that is down (502) ends with exit 17', async () => {
    const r = await claim(`${proxyUrl}/down`);
    assert.equal(r.code, EXIT.SERVICE_UNAVAILABLE, r.stderr);
    assert.match(r.stderr, /HTTP 502/);
  });

  test('maintenance (503) ends with exit 17', async () => {
    const r = await claim(`${proxyUrl}/maintenance`);
    assert.equal(r.code, EXIT.SERVICE_UNAVAILABLE, r.stderr);
    assert.match(r.stderr, /HTTP 503/);
  });

  test('an upstream that never answers (504) ends with exit 16', async () => {
    const r = await claim(`${proxyUrl}/slow`);
    assert.equal(r.code, EXIT.GATEWAY_TIMEOUT, r.stderr);
    assert.match(r.stderr, /HTTP 504/);
  });
});

/**
 * A proxy that forgets the websocket upgrade answers 404 on the link. The agent must not give up: it keeps retrying
 * with backoff, says why in `status`, and comes online by itself once the proxy is fixed (no restart).
 */
describe('behind a proxy that breaks the link, then is fixed', () => {
  test('a 404 on /api/v1/link never bans the agent; fixing the proxy brings it online', async () => {
    const server = await startTestServer({ flags: { trustProxy: true } });
    const dir = tempDir('muster-nginx-ws-');
    const agentDir = tempDir('muster-agent-');
    const port = await freePort();
    const conf = join(dir.path, 'nginx.conf');
    const write = (linkBlock: string) =>
      writeFileSync(
        conf,
        nginxConf(
          dir.path,
          port,
          `    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-Proto http;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_ssl_verify off;
    ${linkBlock}
    location / { proxy_pass https://127.0.0.1:${server.port}; }
`,
        ),
      );
    write('location = /api/v1/link { return 404; }');
    const nginx = spawn('nginx', ['-p', dir.path, '-c', conf, '-g', 'daemon off;'], { stdio: 'inherit' });
    const url = `http://127.0.0.1:${port}`;
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    const agent = spawnAgent(['--state-dir', agentDir.path, '--url', url, '--token', token]);
    const status = async () => {
      const r = await runAgent(['status', '--json', '--state-dir', agentDir.path]);
      return JSON.parse(r.stdout) as { status: string; reason: string; online: boolean };
    };
    try {
      await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 'nginx');
      const broken = await waitFor(async () => {
        const s = await status();
        return /HTTP 404/.test(s.reason) ? s : null;
      }, 'the agent to report the 404');
      assert.equal(broken.status, 'offline', 'retrying, not banned');
      write(`location = /api/v1/link {
      proxy_pass https://127.0.0.1:${server.port};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto http;
    }`);
      spawnSync('nginx', ['-p', dir.path, '-c', conf, '-s', 'reload']);
      await waitFor(async () => (await status()).online, 'the agent online through the fixed proxy', 60_000);
      assert.doesNotMatch(agent.output(), /not reconnecting|banned/);
    } finally {
      await agent.stop();
      nginx.kill('SIGTERM');
      await server.stop();
      dir.remove();
      agentDir.remove();
    }
  });
});
