import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadServerConfig } from './config.ts';

test('defaults, then env, then flags', () => {
  const c = loadServerConfig({
    flags: { listen: '127.0.0.1:9000' },
    env: { MUSTER_LISTEN: '0.0.0.0:1', MUSTER_TLS: 'off', MUSTER_DATA_DIR: '/tmp/x' },
  });
  assert.equal(c.listen, '127.0.0.1:9000');
  assert.equal(c.tls, 'off');
  assert.equal(c.dataDir, '/tmp/x');
  assert.equal(c.heartbeatSeconds, 12);
  assert.equal(c.missedHeartbeats, 3);
  assert.ok(Object.isFrozen(c));
});

test('bad configuration lists every problem with the flag and env names', () => {
  assert.throws(
    () =>
      loadServerConfig({ flags: { listen: 'nope', tls: 'maybe' }, env: { MUSTER_PUBLIC_URL: 'ftp://x' } }),
    (e: ConfigError) => {
      assert.equal(e.problems.length, 3, e.message);
      assert.match(e.message, /listen \(--listen \/ MUSTER_LISTEN\): must be host:port/);
      assert.match(e.message, /publicUrl \(--public-url \/ MUSTER_PUBLIC_URL\)/);
      assert.match(e.message, /tls \(--tls \/ MUSTER_TLS\)/);
      return true;
    },
  );
  assert.throws(
    () => loadServerConfig({ flags: { tlsCert: 'a.pem' }, env: {} }),
    /--tls-cert and --tls-key go together/,
  );
});

test('cluster mode needs PostgreSQL and a NATS URL; SQLite with --nats is refused with what to do', () => {
  assert.throws(
    () => loadServerConfig({ flags: { nats: 'nats://127.0.0.1:4222' }, env: {} }),
    /nats \(--nats \/ MUSTER_NATS_URL\): cluster mode needs PostgreSQL: give every replica the same --db postgres:/,
  );
  assert.throws(
    () => loadServerConfig({ flags: { nats: 'nats://x:4222', db: '/var/lib/muster/muster.db' }, env: {} }),
    /cluster mode needs PostgreSQL/,
  );
  assert.throws(
    () => loadServerConfig({ flags: { db: 'postgres://db/muster', nats: 'http://x' }, env: {} }),
    /must be a NATS URL/,
  );
  const c = loadServerConfig({
    flags: {},
    env: { MUSTER_DB: 'postgres://db/muster', MUSTER_NATS_URL: 'nats://n1:4222', MUSTER_REPLICA_NAME: 'a' },
  });
  assert.equal(c.nats, 'nats://n1:4222');
  assert.equal(c.replicaName, 'a');
  assert.equal(c.replicaLeaseSeconds, 10);
});

test('--db takes a SQLite path or postgres://; any other scheme is refused instead of becoming a file name', () => {
  for (const db of ['mysql://root@127.0.0.1/muster', 'mariadb://x/y', 'sqlite:', 'redis://127.0.0.1:6379'])
    assert.throws(
      () => loadServerConfig({ flags: { db }, env: {} }),
      /db \(--db \/ MUSTER_DB\): \w+: is not a database Muster can use: give a SQLite file path .* or postgres:\/\//,
      db,
    );
  for (const db of [
    './data/muster.db',
    '/var/lib/muster/muster.db',
    'postgresql://u@h/d',
    'postgres://h:5433/d',
  ])
    assert.equal(loadServerConfig({ flags: { db }, env: {} }).db, db);
});

test('--trust-proxy takes the proxies addresses or CIDRs; alone it is true; anything else is refused', () => {
  const of = (v: unknown) => loadServerConfig({ flags: { trustProxy: v }, env: {} }).trustProxy;
  assert.deepEqual(of('10.0.0.5, 10.0.1.0/24,::1'), ['10.0.0.5', '10.0.1.0/24', '::1']);
  assert.equal(of(true), true);
  assert.equal(of('false'), false);
  assert.throws(() => of('proxy.example.com'), /must be addresses or CIDRs/);
});
