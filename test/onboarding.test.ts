import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { EXIT } from '../src/protocol/errors.ts';
import { formatPin } from '../src/protocol/pin.ts';
import {
  userPassword,
  addUser,
  AGENT_EXECUTABLE,
  download,
  login,
  manualClock,
  request,
  runAgent,
  spawnAgent,
  tempDir,
  waitFor,
  useTestServer,
} from './helpers.ts';
import { VERSION } from '../src/version.ts';

const AGENT_DIR = dirname(AGENT_EXECUTABLE);

describe('operator onboarding API with plain HTTP, as scripts call it', () => {
  const clock = manualClock();
  const server = useTestServer({ clock });
  let admin: string;
  let operator: string;
  let viewer: string;

  before(async () => {
    admin = await login(server);
    operator = (await addUser(server, admin, 'operator', 'operator')).cookie;
    viewer = (await addUser(server, admin, 'viewer', 'viewer')).cookie;
  });

  const mint = (cookie: string | undefined, body: Record<string, unknown>) =>
    request(server, 'POST', '/api/enrollment-tokens', { cookie, body });
  const enroll = (token: string, hostname: string) =>
    request(server, 'POST', '/api/agents/enroll', {
      body: { token, hostname, os: 'linux', arch: 'amd64', agent_version: '0.1.0', restic_version: '0.15.2' },
    });

  test('operators mint, viewers get 403, no session 401; the raw token is shown once and stored as a hash', async () => {
    assert.equal((await mint(undefined, { hostname: 'web-1' })).status, 401);
    const v = await mint(viewer, { hostname: 'web-1' });
    assert.equal(v.status, 403);
    assert.deepEqual(Object.keys(v.json<object>()).sort(), ['code', 'message']);
    const r = await mint(operator, {
      hostname: 'web-1',
      tags: ['prod'],
      repo_url: '/srv/restic/web-1',
      repo_username: 'u',
      repo_password: 'hunter2-repo-secret',
      initial_paths: ['/etc'],
    });
    assert.equal(r.status, 200, r.text);
    const { token, expires_at } = r.json<{ token: string; expires_at: string }>();
    assert.match(token, /^mse_[A-Za-z0-9_-]{43}$/);
    assert.equal(Date.parse(expires_at) - clock.now(), 3600_000, 'one hour by default');
    const list = await request(server, 'GET', '/api/enrollment-tokens', { cookie: operator });
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.text, new RegExp(token));
    assert.doesNotMatch(list.text, /hunter2/);
    const row = list
      .json<{ hostname: string; state: string; created_by: string; has_repository: boolean }[]>()
      .find((t) => t.hostname === 'web-1')!;
    assert.deepEqual([row.state, row.created_by, row.has_repository], ['active', 'operator', true]);
    const stored = JSON.stringify(await server.database.db.selectFrom('tokens').selectAll().execute());
    assert.doesNotMatch(stored, new RegExp(`${token}|hunter2`));
  });

  test('an expired session answers 401 so scripts know to log in again', async () => {
    const cookie = await login(server, 'operator', userPassword('operator'));
    assert.equal((await request(server, 'GET', '/api/enrollment-tokens', { cookie })).status, 200);
    clock.advance(24 * 3600 * 1000 + 1000);
    const expired = await request(server, 'POST', '/api/enrollment-tokens', {
      cookie,
      body: { hostname: 'x' },
    });
    assert.equal(expired.status, 401);
    assert.equal(expired.json<{ code: string }>().code, 'unauthenticated');
    operator = await login(server, 'operator', userPassword('operator'));
    viewer = await login(server, 'viewer', userPassword('viewer'));
  });

  test('enroll returns host id, agent token and CA pin; a second use is 410; the secrets moved to the host', async () => {
    const { token } = (
      await mint(operator, {
        hostname: 'db-1',
        repo_url: '/srv/restic/db-1',
        repo_password: 'pw-db-1-secret',
      })
    ).json<{ token: string }>();
    const r = await enroll(token, 'db-1');
    assert.equal(r.status, 200, r.text);
    const body = r.json<{ host_id: string; agent_token: string; cert_pin_sha256: string }>();
    assert.match(body.agent_token, /^mab_/);
    assert.equal(body.cert_pin_sha256, server.pin);
    const hosts = await request(server, 'GET', '/api/hosts', { cookie: viewer });
    assert.equal(hosts.status, 200);
    const host = hosts
      .json<{ id: string; hostname: string; status: string; repo_status: string }[]>()
      .find((h) => h.id === body.host_id)!;
    assert.deepEqual([host.hostname, host.status, host.repo_status], ['db-1', 'pending', 'unknown']);
    const one = await request(server, 'GET', `/api/hosts/${body.host_id}`, { cookie: viewer });
    assert.equal(one.json<{ id: string }>().id, body.host_id);
    assert.equal((await request(server, 'GET', '/api/hosts')).status, 401);
    const again = await enroll(token, 'db-1');
    assert.equal(again.status, 410);
    assert.match(again.json<{ message: string }>().message, /used up/);
    const tokens = await server.database.db
      .selectFrom('tokens')
      .select(['secrets_enc'])
      .where('hostname', '=', 'db-1')
      .execute();
    assert.equal(tokens[0]!.secrets_enc, null, 'the token keeps no copy of the secrets');
    const { config } = await server.services.repositories.linkState(body.host_id);
    assert.deepEqual(config.repository, { repo_url: '/srv/restic/db-1', repo_password: 'pw-db-1-secret' });
    const secrets = JSON.stringify(await server.database.db.selectFrom('node_secrets').selectAll().execute());
    assert.doesNotMatch(secrets, /pw-db-1-secret/);
    assert.doesNotMatch(secrets, new RegExp(body.agent_token));
  });

  test('revoked and expired tokens are 410, a host-bound token refuses another hostname (403)', async () => {
    const revoked = (await mint(operator, { hostname: 'r-1' })).json<{ id: string; token: string }>();
    assert.equal(
      (await request(server, 'DELETE', `/api/enrollment-tokens/${revoked.id}`, { cookie: operator })).status,
      204,
    );
    assert.equal((await enroll(revoked.token, 'r-1')).status, 410);

    const bound = (await mint(operator, { hostname: 'only-me' })).json<{ token: string }>();
    const wrong = await enroll(bound.token, 'someone-else');
    assert.equal(wrong.status, 403);
    assert.match(wrong.json<{ message: string }>().message, /only-me/);

    const expiring = (
      await mint(operator, {
        hostname: 'late-1',
        ttl_seconds: 60,
        repo_url: '/x',
        repo_password: 'late-secret',
      })
    ).json<{ token: string }>();
    clock.advance(61_000);
    const late = await enroll(expiring.token, 'late-1');
    assert.equal(late.status, 410);
    assert.match(late.json<{ message: string }>().message, /expired/);
    await server.services.enrollment.sweep();
    const rows = await server.database.db
      .selectFrom('tokens')
      .select(['secrets_enc'])
      .where('hostname', '=', 'late-1')
      .execute();
    assert.equal(rows[0]!.secrets_enc, null, 'expired tokens lose their secrets at the sweep');
    const states = (await request(server, 'GET', '/api/enrollment-tokens', { cookie: operator })).json<
      { hostname: string; state: string }[]
    >();
    assert.equal(states.find((t) => t.hostname === 'late-1')!.state, 'expired');
    assert.equal(states.find((t) => t.hostname === 'r-1')!.state, 'revoked');
    assert.equal(states.find((t) => t.hostname === 'db-1')!.state, 'used');
    assert.equal((await enroll('mse_doesnotexistdoesnotexist', 'x')).status, 403);
  });
});

describe('a bearer-enrolled agent', () => {
  const server = useTestServer();

  test('muster-agent enroll, then run: online over a bearer link, with its repository delivered in a 0600 file', async () => {
    const cookie = await login(server);
    const { token } = (
      await request(server, 'POST', '/api/enrollment-tokens', {
        cookie,
        body: { hostname: 'bearer-1', repo_url: '/srv/r', repo_password: 'pw-bearer' },
      })
    ).json<{ token: string }>();
    const dir = tempDir('muster-agent-');
    try {
      const r = await runAgent([
        'enroll',
        '--state-dir',
        dir.path,
        '--local-api',
        'off',
        '--url',
        server.url,
        '--token',
        token,
        '--hostname',
        'bearer-1',
        '--insecure',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const conf = readFileSync(join(dir.path, 'cloud.d', 'cloud.conf'), 'utf8');
      assert.match(
        conf,
        new RegExp(`ca pin = ${formatPin(server.pin!)}`),
        'the CA is pinned after enrolling',
      );
      assert.match(conf, /insecure = no/);
      assert.equal(statSync(join(dir.path, 'cloud.d', 'agent_token')).mode & 0o777, 0o600);
      const id = readFileSync(join(dir.path, 'cloud.d', 'claimed_id'), 'utf8').trim();
      const agent = spawnAgent(['--state-dir', dir.path]);
      try {
        await waitFor(
          async () => (await server.services.nodes.get(id)).status === 'online',
          'online',
          15_000,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; agent said: ${agent.output()}`);
        });
        const cfgPath = join(dir.path, 'cloud.d', 'link-config.json');
        const cfg = await waitFor(
          () => JSON.parse(readFileSync(cfgPath, 'utf8')) as { repository: { repo_password: string } },
          'link config',
        );
        assert.equal(cfg.repository.repo_password, 'pw-bearer');
        assert.equal(statSync(cfgPath).mode & 0o777, 0o600);
      } finally {
        await agent.stop();
      }
      const reuse = await runAgent([
        'enroll',
        '--state-dir',
        tempDir().path,
        '--local-api',
        'off',
        '--url',
        server.url,
        '--token',
        token,
        '--ca-pin',
        formatPin(server.pin!),
      ]);
      assert.equal(reuse.code, EXIT.FORBIDDEN);
      assert.match(reuse.stderr, /used up/);
    } finally {
      dir.remove();
    }
  });

  test('a one-time token also works on the classic claim endpoint, once', async () => {
    const cookie = await login(server);
    const { token } = (
      await request(server, 'POST', '/api/enrollment-tokens', { cookie, body: { hostname: 'classic-1' } })
    ).json<{ token: string }>();
    const args = (d: string) => [
      'claim',
      '--state-dir',
      d,
      '--local-api',
      'off',
      '--url',
      server.url,
      '--token',
      token,
      '--ca-pin',
      formatPin(server.pin!),
      '--hostname',
      'classic-1',
    ];
    const a = tempDir();
    const b = tempDir();
    try {
      assert.equal((await runAgent(args(a.path))).code, 0);
      assert.equal((await runAgent(args(b.path))).code, EXIT.FORBIDDEN);
    } finally {
      a.remove();
      b.remove();
    }
  });
});

describe('agent download', () => {
  const server = useTestServer();

  test('/agent/binary serves each executable with its checksum; unknown platforms get a 404 that lists what exists', async () => {
    const sums = (await request(server, 'GET', '/agent/SHA256SUMS')).text;
    for (const [query, file] of [
      ['os=linux&arch=amd64', 'muster-agent-linux-amd64'],
      ['os=linux&arch=x86_64', 'muster-agent-linux-amd64'],
      ['os=linux&arch=aarch64', 'muster-agent-linux-arm64'],
    ] as const) {
      const sum = (await request(server, 'GET', `/agent/binary.sha256?${query}`)).text;
      assert.equal(
        sum,
        `${createHash('sha256')
          .update(readFileSync(join(AGENT_DIR, file)))
          .digest('hex')}  ${file}\n`,
      );
      assert.ok(sums.includes(sum), `SHA256SUMS lists ${file}`);
    }
    const bin = await download(server, '/agent/binary?os=linux&arch=arm64');
    assert.equal(bin.status, 200);
    assert.equal(bin.headers['content-type'], 'application/octet-stream');
    assert.equal(bin.headers['content-disposition'], 'attachment; filename="muster-agent-linux-arm64"');
    assert.equal(bin.headers['x-checksum-sha256'], bin.sha256);
    assert.equal(
      `${bin.sha256}  muster-agent-linux-arm64\n`,
      (await request(server, 'GET', '/agent/binary.sha256?os=linux&arch=arm64')).text,
    );

    for (const query of ['os=plan9', 'os=linux&arch=riscv64', 'os=windows&arch=arm64']) {
      const r = await request(server, 'GET', `/agent/binary?${query}`);
      assert.equal(r.status, 404, query);
      assert.match(r.json<{ message: string }>().message, /this server has: linux\/amd64, linux\/arm64/);
      assert.match(r.json<{ message: string }>().message, /\/agent\/muster-agent\.mjs/);
    }
    // The JavaScript agent stays available, with its checksum, for hosts with their own Node.js.
    const js = await request(server, 'GET', '/agent/muster-agent.mjs');
    assert.equal(js.headers['x-checksum-sha256'], createHash('sha256').update(js.text).digest('hex'));
    assert.ok(sums.includes(`${js.headers['x-checksum-sha256']}  muster-agent.mjs\n`));
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'agent.mjs'), js.text);
      const r = spawnSync(process.execPath, [join(dir.path, 'agent.mjs'), '--version'], { encoding: 'utf8' });
      assert.equal(r.stdout.trim(), VERSION);
    } finally {
      dir.remove();
    }
    for (const script of ['install.sh', 'install.ps1']) {
      const r = await request(server, 'GET', `/install/${script}`);
      assert.equal(r.status, 200);
      assert.ok(r.text.includes(server.url), `${script} carries the server URL`);
      assert.ok(r.text.includes(`sha256:${server.pin}`), `${script} carries the CA pin`);
      assert.doesNotMatch(r.text, /@@[A-Z_]+@@/);
      assert.match(r.text, script.endsWith('.ps1') ? /\$ErrorActionPreference/ : /^#!\/usr\/bin\/env bash/);
    }
  });
});

describe('agent download from a damaged build', () => {
  const agentDir = tempDir('muster-agent-dir-');
  // The manifest of a real build, without the files it lists (deleted, or a half-copied directory).
  writeFileSync(join(agentDir.path, 'manifest.json'), readFileSync(join(AGENT_DIR, 'manifest.json')));
  const server = useTestServer({ flags: { agentDir: agentDir.path } });
  server.defer(async () => agentDir.remove());

  test('an executable the manifest lists but the disk lacks is a 503 saying so, before any download header', async () => {
    const r = await request(server, 'GET', '/agent/binary?os=linux&arch=amd64');
    assert.equal(r.status, 503);
    assert.match(
      r.json<{ message: string }>().message,
      /linux\/amd64 is listed but missing on the server; run npm run build/,
    );
    assert.equal(r.headers['content-disposition'], undefined);
    assert.equal(r.headers['x-checksum-sha256'], undefined);
  });
});
