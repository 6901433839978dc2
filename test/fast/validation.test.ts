import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fastApp, type FastApp } from './fast-app.ts';

const publicKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

describe('validation and answers, in process', () => {
  let f: FastApp;
  let admin: string;
  let token: string;
  before(async () => {
    f = await fastApp();
    admin = await f.as('admin');
    token = (await f.services.tokens.getSpaceToken(f.spaceId)).token;
  });
  after(() => f.close());

  test('a bad body is a 400 naming the field; a missing one is judged as {}', async () => {
    let res = await f.inject('POST', '/api/users', {
      cookie: admin,
      body: { username: 'bad name!', password: 'short', role: 'root' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 'validation_failed');
    assert.match(
      res.json<{ message: string }>().message,
      /^invalid request body: username: .*password: .*role: /,
    );
    res = await f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, {
      cookie: admin,
      headers: { 'x-requested-with': 'fetch' },
    });
    assert.equal(res.status, 400);
    assert.match(res.json<{ message: string }>().message, /name/);
  });

  test('a query out of range is a 400 naming the query field', async () => {
    const res = await f.inject('GET', '/api/nodes?limit=0', { cookie: admin });
    assert.equal(res.status, 400);
    assert.match(res.json<{ message: string }>().message, /^invalid query: limit: /);
  });

  test('jobs are checked against their type: unknown types and a shell job without a command are refused', async () => {
    const id = randomUUID();
    const claim = await f.inject('PUT', `/api/v1/spaces/nodes/${id}`, {
      body: { node: { id, hostname: 'fast-1' }, token, rooms: [], publicKey: publicKey() },
    });
    assert.equal(claim.status, 204, claim.text);
    for (const body of [
      { type: 'rm -rf', params: {} },
      { type: 'shell', params: {} },
      { type: 'restic.backup', params: { paths: ['relative/path'] } },
    ]) {
      const res = await f.inject('POST', `/api/hosts/${id}/jobs`, { cookie: admin, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
    }
    const ok = await f.inject('POST', `/api/hosts/${id}/jobs`, {
      cookie: admin,
      body: { type: 'system.probe' },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json().state, 'queued');
  });

  test('answers are whitelisted by their schema: a node never carries its keys or token hash', async () => {
    const nodes = await f.inject('GET', '/api/nodes', { cookie: admin });
    assert.equal(nodes.status, 200);
    assert.doesNotMatch(nodes.text, /BEGIN PUBLIC KEY|bearer_hash|repo_enc|token_id/);
  });

  test('the agent API answers bad input with the claim error body', async () => {
    const res = await f.inject('PUT', `/api/v1/spaces/nodes/${randomUUID()}`, { body: '[1,2]' });
    assert.equal(res.status, 400);
    assert.equal(res.json().errorMsgKey, 'ErrBadRequest');
    const env = await f.inject('GET', '/api/v1/env?claim_id=a&claim_id=b');
    assert.equal(env.json().errorMsgKey, 'ErrBadRequest');
  });

  test('a change that fails writes no audit record (the record is part of its transaction)', async () => {
    const create = () =>
      f.inject('POST', `/api/spaces/${f.spaceId}/rooms`, { cookie: admin, body: { name: 'Edge' } });
    assert.equal((await create()).status, 201);
    assert.equal((await create()).status, 409);
    const audit = await f.inject('GET', '/api/audit?action=room.created', { cookie: admin });
    assert.equal(audit.json<{ events: unknown[] }>().events.length, 1);
  });
});
