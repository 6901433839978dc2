import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  AGENT_EXECUTABLE,
  spawnAgent,
  tempDir,
  waitFor,
  connectArgs,
  freePort,
  useTestServer,
} from './helpers.ts';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

/** The claim and the link both go through real proxies: squid (HTTP CONNECT) and dante (SOCKS5). */
describe('through real proxies', () => {
  const server = useTestServer();
  let token: string;
  const dir = server.tempDir('muster-proxies-');
  const children: ChildProcess[] = [];
  server.defer(() => children.forEach((c) => c.kill('SIGKILL')));
  let squidPort = 0;
  let dantePort = 0;

  before(async () => {
    token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    // squid drops to its own user and must write its logs here.
    chmodSync(dir.path, 0o777);
    squidPort = await freePort();
    writeFileSync(
      join(dir.path, 'squid.conf'),
      `http_port 127.0.0.1:${squidPort}
pid_filename ${dir.path}/squid.pid
cache_log ${dir.path}/cache.log
access_log stdio:${dir.path}/access.log
coredump_dir ${dir.path}
cache deny all
acl CONNECT method CONNECT
http_access allow localhost
http_access deny all
shutdown_lifetime 0 seconds
`,
    );
    children.push(spawn('squid', ['-N', '-f', join(dir.path, 'squid.conf')], { stdio: 'ignore' }));
    dantePort = await freePort();
    writeFileSync(
      join(dir.path, 'danted.conf'),
      `logoutput: ${dir.path}/danted.log
internal: 127.0.0.1 port = ${dantePort}
external: 127.0.0.1
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect }
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect }
`,
    );
    children.push(spawn('danted', ['-f', join(dir.path, 'danted.conf')], { stdio: 'ignore' }));
    await waitFor(() => listening(squidPort), 'squid', 30_000, 200);
    await waitFor(() => listening(dantePort), 'dante', 30_000, 200);
  });

  const connectVia = async (args: string[], env: NodeJS.ProcessEnv = {}, executable?: string) => {
    const state = tempDir('muster-agent-');
    const agent = spawnAgent(['--state-dir', state.path, ...connectArgs(server, token), ...args], {
      env,
      ...(executable ? { executable } : {}),
    });
    try {
      const id = await waitFor(
        () => readFileSync(join(state.path, 'cloud.d', 'claimed_id'), 'utf8').trim(),
        `claim (${agent.output()})`,
      );
      await waitFor(async () => (await server.services.nodes.get(id)).status === 'online', 'online');
      assert.match(
        readFileSync(join(state.path, 'cloud.d', 'cloud.conf'), 'utf8'),
        new RegExp(`proxy = ${(args[1] ?? 'env').replace(/[./]/g, '\\$&')}`),
      );
    } finally {
      await agent.stop();
      state.remove();
    }
  };

  test('--proxy http:// carries the claim and the link through CONNECT', async () => {
    await connectVia(['--proxy', `http://127.0.0.1:${squidPort}`]);
    const log = await waitFor(() => readFileSync(join(dir.path, 'access.log'), 'utf8'), 'squid access log');
    assert.match(log, new RegExp(`CONNECT 127\\.0\\.0\\.1:${server.port}`));
    assert.ok((log.match(/CONNECT/g) ?? []).length >= 2, 'claim and link each tunnel through squid');
  });

  test('--proxy socks5h:// carries them through SOCKS', async () => {
    await connectVia(['--proxy', `socks5h://127.0.0.1:${dantePort}`]);
    const log = readFileSync(join(dir.path, 'danted.log'), 'utf8');
    assert.match(log, new RegExp(`127\\.0\\.0\\.1\\.${server.port}`));
  });

  // The executable carries its links on Bun's own client, except through a proxy: then on Node.js's modules,
  // which it loads only for that.
  test('the executable: --proxy http:// and socks5h:// carry the claim and the link', async () => {
    const connects = () =>
      (readFileSync(join(dir.path, 'access.log'), 'utf8').match(/CONNECT/g) ?? []).length;
    const before = connects();
    await connectVia(['--proxy', `http://127.0.0.1:${squidPort}`], {}, AGENT_EXECUTABLE);
    assert.ok(connects() >= before + 2, 'claim and link each tunnel through squid');
    const toServer = new RegExp(`127\\.0\\.0\\.1\\.${server.port}`, 'g');
    const socks = () => (readFileSync(join(dir.path, 'danted.log'), 'utf8').match(toServer) ?? []).length;
    const socksBefore = socks();
    await connectVia(['--proxy', `socks5h://127.0.0.1:${dantePort}`], {}, AGENT_EXECUTABLE);
    assert.ok(socks() > socksBefore, 'dante carried the executable');
  });

  test('proxy env: https_proxy is used unless no_proxy names the server', async () => {
    const before = (readFileSync(join(dir.path, 'access.log'), 'utf8').match(/CONNECT/g) ?? []).length;
    await connectVia([], { https_proxy: `http://127.0.0.1:${squidPort}` });
    const during = (readFileSync(join(dir.path, 'access.log'), 'utf8').match(/CONNECT/g) ?? []).length;
    assert.ok(during > before, 'the env proxy was used');
    await connectVia([], { HTTPS_PROXY: `http://127.0.0.1:${squidPort}`, NO_PROXY: '127.0.0.1' });
    const after = (readFileSync(join(dir.path, 'access.log'), 'utf8').match(/CONNECT/g) ?? []).length;
    assert.equal(after, during, 'no_proxy bypasses it');
  });
});
