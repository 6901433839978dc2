import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { memoryServer, publicKeyPem, type MemoryServer } from '../../../test/unit-server.ts';
import type { ClaimError } from '../errors.ts';

describe('claim', () => {
  let m: MemoryServer;
  let token: string;
  before(async () => {
    m = await memoryServer();
    token = (await m.tokens.getSpaceToken(m.space.id)).token;
  });
  after(() => m.close());
  const key = (k: string) => (e: ClaimError) => e.key === k;

  test('a claim creates a pending node with its audit record, then announces it', async () => {
    const id = randomUUID();
    const out = await m.claims.claimNode(
      id,
      { node: { id, hostname: 'web-1' }, token, rooms: [], publicKey: publicKeyPem() },
      '10.0.0.9',
    );
    assert.deepEqual(out, { kind: 'claimed', nodeId: id, spaceId: m.space.id });
    const node = await m.store.repos.nodes.findNode(id);
    assert.equal(node?.status, 'pending');
    const audit = await m.store.repos.audit.list({ limit: 10 });
    assert.deepEqual(
      audit
        .slice(0, 2)
        .map((a) => a.action)
        .sort(),
      ['node.claimed', 'token.used'],
    );
    assert.ok(m.events.some((e) => e.type === 'node.claimed'));
  });

  test('the same machine claiming again with its key is a retry; another key for the id is refused', async () => {
    const id = randomUUID();
    const body = { node: { id, hostname: 'db-1' }, token, rooms: [], publicKey: publicKeyPem() };
    await m.claims.claimNode(id, body, null);
    assert.equal((await m.claims.claimNode(id.toUpperCase(), body, null)).kind, 'retry');
    const other = `-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMnA+5Yk3sTDuzmY3ibvmUp4pq0CuJGl\nzgKMdQVEf6c1GSoTZpZyyi8zEAYuKDL2nyNgCapabrTUFP0VqVJ3YEsCAwEAAQ==\n-----END PUBLIC KEY-----\n`;
    await assert.rejects(m.claims.claimNode(id, { ...body, publicKey: other }, null), (e: ClaimError) =>
      ['ErrAlreadyClaimed', 'ErrInvalidPublicKey'].includes(e.key),
    );
  });

  test('each field is judged with its own error key, and nothing is written', async () => {
    const id = randomUUID();
    const good = { node: { id, hostname: 'x' }, token, rooms: [], publicKey: publicKeyPem() };
    await assert.rejects(m.claims.claimNode('not-a-uuid', good, null), key('ErrInvalidNodeID'));
    await assert.rejects(m.claims.claimNode(id, { ...good, token: 'wrong' }, null), key('ErrForbidden'));
    await assert.rejects(
      m.claims.claimNode(id, { ...good, publicKey: 'no key' }, null),
      key('ErrInvalidPublicKey'),
    );
    await assert.rejects(
      m.claims.claimNode(id, { ...good, rooms: ['nowhere'] }, null),
      key('ErrInvalidRoomID'),
    );
    assert.equal(await m.store.repos.nodes.findNode(id), undefined);
  });
});
