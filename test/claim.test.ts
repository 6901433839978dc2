import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { EXIT } from '../src/protocol/errors.ts';
import { formatPin } from '../src/protocol/pin.ts';
import {
  freePort,
  login,
  request,
  runAgent,
  startTestServer,
  tempDir,
  connectArgs,
  useTestServer,
} from './helpers.ts';

describe('claiming with muster-agent claim against the real server', () => {
  const server = useTestServer();
  let token: string;
  let pin: string;
  const stateDir = () => server.tempDir('muster-agent-').path;
  const claim = (extra: string[], state = stateDir(), env: NodeJS.ProcessEnv = {}) =>
    runAgent(['claim', '--state-dir', state, '--local-api', 'off', ...extra], { env });

  before(async () => {
    token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    pin = formatPin(server.pin!);
  });

  test('a claim with modern flags succeeds, records the claim and does not keep the token', async () => {
    const state = stateDir();
    mkdirSync(join(state, 'cloud.d'), { recursive: true, mode: 0o700 });
    writeFileSync(join(state, 'cloud.d', 'token'), 'stale-token-from-an-old-install');
    const r = await claim(
      ['--url', server.url, '--token', token, '--ca-pin', pin, '--hostname', 'web-1'],
      state,
    );
    assert.equal(r.code, 0, r.stderr);
    const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const node = await server.services.nodes.get(id);
    assert.equal(node.hostname, 'web-1');
    assert.equal(node.status, 'pending');
    assert.equal(node.machine_guid, readFileSync(join(state, 'machine_guid'), 'utf8').trim());
    assert.deepEqual(
      node.rooms.map((r) => r.slug),
      ['all-nodes'],
    );
    assert.equal(existsSync(join(state, 'cloud.d', 'token')), false, 'the token file is gone after success');
    assert.doesNotMatch(readFileSync(join(state, 'cloud.d', 'cloud.conf'), 'utf8'), new RegExp(token));
    assert.match(readFileSync(join(state, 'cloud.d', 'cloud.conf'), 'utf8'), /ca pin = sha256:/);
  });

  test('the classic single-dash flags of the stock claim script work too', async () => {
    const cookie = await login(server);
    const room = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
      cookie,
      body: { name: 'Databases' },
    });
    assert.equal(room.status, 201);
    const state = stateDir();
    const id = randomUUID();
    const r = await claim(
      [
        `-token=${token}`,
        `-url=${server.url}`,
        '-rooms=databases',
        `-id=${id}`,
        '-hostname=db-1',
        '-insecure',
        '-noproxy',
        '-verbose',
      ],
      state,
    );
    assert.equal(r.code, 0, r.stderr);
    const node = await server.services.nodes.get(id);
    assert.deepEqual(node.rooms.map((x) => x.slug).sort(), ['all-nodes', 'databases']);
  });

  test('claim sources: flags win over MUSTER_CLAIM_* env, env over claim.conf, claim.conf over token files', async () => {
    const envState = stateDir();
    const env = { MUSTER_CLAIM_TOKEN: token, MUSTER_CLAIM_URL: server.url, MUSTER_CLAIM_CA_PIN: pin };
    assert.equal((await claim(['--hostname', 'from-env'], envState, env)).code, 0);

    const flagState = stateDir();
    const r = await claim(['--token', 'msc_wrongwrongwrongwrongwrong', '--hostname', 'x'], flagState, env);
    assert.equal(r.code, EXIT.FORBIDDEN, 'the flag token is used, not the env one');

    const confState = stateDir();
    mkdirSync(join(confState, 'cloud.d'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(confState, 'claim.conf'),
      `[global]\n  url = ${server.url}\n  token = ${token}\n  ca pin = ${pin}\n`,
    );
    writeFileSync(join(confState, 'cloud.d', 'token'), 'msc_thisfileshouldnotbeusedatall');
    assert.equal((await claim(['--hostname', 'from-conf'], confState)).code, 0);

    const fileState = stateDir();
    mkdirSync(join(fileState, 'cloud.d'), { recursive: true, mode: 0o700 });
    writeFileSync(join(fileState, 'cloud.d', 'token'), `${token}\n`);
    writeFileSync(join(fileState, 'cloud.d', 'rooms'), 'all-nodes\n');
    assert.equal(
      (await claim(['--url', server.url, '--ca-pin', pin, '--hostname', 'from-files'], fileState)).code,
      0,
    );
  });

  test('every claim error key ends with its own exit code and a clear message', async () => {
    const base = ['--url', server.url, '--ca-pin', pin];
    const cases: [string, string[], number, RegExp][] = [
      [
        'ErrInvalidNodeID',
        [...base, '--token', token, '--id', 'not-a-uuid'],
        EXIT.INVALID_NODE_ID,
        /ErrInvalidNodeID/,
      ],
      [
        'ErrInvalidNodeName',
        [...base, '--token', token, '--hostname', 'bad name!'],
        EXIT.INVALID_NODE_NAME,
        /ErrInvalidNodeName/,
      ],
      [
        'ErrInvalidRoomID',
        [...base, '--token', token, '--rooms', 'no-such-room'],
        EXIT.INVALID_ROOM_ID,
        /ErrInvalidRoomID.*no-such-room/,
      ],
      [
        'ErrForbidden',
        [...base, '--token', 'msc_notarealtokennotarealtoken'],
        EXIT.FORBIDDEN,
        /ErrForbidden/,
      ],
    ];
    for (const [key, args, exit, message] of cases) {
      const r = await claim(args);
      assert.equal(r.code, exit, `${key}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  test('a public key we do not accept is ErrInvalidPublicKey (exit 11)', async () => {
    const state = stateDir();
    mkdirSync(join(state, 'cloud.d'), { recursive: true, mode: 0o700 });
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(join(state, 'cloud.d', 'private.pem'), ec.privateKey, { mode: 0o600 });
    writeFileSync(join(state, 'cloud.d', 'public.pem'), ec.publicKey);
    const r = await claim(['--url', server.url, '--ca-pin', pin, '--token', token], state);
    assert.equal(r.code, EXIT.INVALID_PUBLIC_KEY, r.stderr);
    assert.match(r.stderr, /ErrInvalidPublicKey/);
  });

  test('same id with the same key is a retry (204); with another key it is ErrAlreadyClaimed (exit 13)', async () => {
    const id = randomUUID();
    const a = stateDir();
    const args = ['--url', server.url, '--ca-pin', pin, '--token', token, '--id', id];
    assert.equal((await claim(args, a)).code, 0);
    // The answer was lost (the agent never recorded it): the same claim again is a retry.
    rmSync(join(a, 'cloud.d', 'claimed_id'));
    assert.equal((await claim(args, a)).code, 0, 'retry with the same key');
    const r = await claim(args, stateDir());
    assert.equal(r.code, EXIT.ALREADY_CLAIMED, r.stderr);
    assert.match(r.stderr, /ErrAlreadyClaimed/);
  });

  test('stock clients: the body is JSON even when curl -d sends it form-encoded, and errors are compact JSON', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const id = randomUUID();
    const body = JSON.stringify({
      node: { id, hostname: 'curl-node' },
      token,
      rooms: [],
      publicKey,
      mGUID: randomUUID(),
    });
    const ok = await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, {
      rawBody: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.text, '');
    const other = randomUUID();
    const badBody = body.replace(token, 'msc_bogusbogusbogusbogus').replace(id, other);
    const bad = await request(server, 'PUT', `/api/v1/spaces/nodes/${other}`, {
      rawBody: badBody,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(bad.status, 403);
    assert.match(
      bad.text,
      /^\{"errorCode":"ErrForbidden","errorMsgKey":"ErrForbidden","errorMessage":"[^"]+","errorNonRetryable":true\}$/,
    );
    const notJson = await request(server, 'PUT', `/api/v1/spaces/nodes/${id}`, {
      rawBody: 'token=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(notJson.status, 400);
  });

  test('a wrong CA pin fails with exit 19 and says which pins the server has; no silent fallback', async () => {
    const wrong = `sha256:${'ab'.repeat(32)}`;
    const state = stateDir();
    const r = await claim(['--url', server.url, '--token', token, '--ca-pin', wrong], state);
    assert.equal(r.code, EXIT.UNTRUSTED_SERVER, r.stderr);
    assert.match(r.stderr, /does not present the pinned CA/);
    assert.equal(existsSync(join(state, 'cloud.d', 'claimed_id')), false);
    const noTrust = await claim(['--url', server.url, '--token', token]);
    assert.equal(noTrust.code, EXIT.UNTRUSTED_SERVER, noTrust.stderr);
    assert.match(noTrust.stderr, /not trusted/);
    const malformed = await claim(['--url', server.url, '--token', token, '--ca-pin', 'sha256:xyz']);
    assert.equal(malformed.code, EXIT.UNKNOWN_ARGUMENT);
  });

  test('--ca-file trusts the given CA', async () => {
    const caFile = join(stateDir(), 'ca.pem');
    writeFileSync(caFile, server.ca);
    const r = await claim(['--url', server.url, '--token', token, '--ca-file', caFile]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('network and HTTP failures map to exit codes 4, 7, 15 and 1', async () => {
    const closed = await freePort();
    const unreachable = await claim(['--url', `https://127.0.0.1:${closed}`, '--token', token, '--insecure']);
    assert.equal(unreachable.code, EXIT.CANNOT_REACH, unreachable.stderr);
    assert.match(unreachable.stderr, /cannot reach/);

    const notMuster = await claim(['--url', `${server.url}/not-here`, '--token', token, '--ca-pin', pin]);
    assert.equal(notMuster.code, EXIT.UNKNOWN_HTTP_ERROR, notMuster.stderr);

    const unknownFlag = await claim(['--frobnicate']);
    assert.equal(unknownFlag.code, EXIT.UNKNOWN_ARGUMENT);
  });
});

describe('server-side failures reach the agent as 500 ErrInternalServerError (exit 15)', () => {
  test('a broken database', async () => {
    const server = await startTestServer();
    const token = (await server.services.tokens.getSpaceToken(server.spaceId)).token;
    const dir = tempDir('muster-agent-');
    try {
      await server.database.db.destroy();
      const r = await runAgent([
        'claim',
        '--state-dir',
        dir.path,
        '--local-api',
        'off',
        ...connectArgs(server, token),
      ]);
      assert.equal(r.code, EXIT.INTERNAL_SERVER_ERROR, r.stderr);
      assert.match(r.stderr, /ErrInternalServerError/);
    } finally {
      await server.stop().catch(() => undefined);
      dir.remove();
    }
  });
});
