import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { memoryServer, type MemoryServer } from '../../../test/unit-server.ts';
import { SYSTEM } from '../actor.ts';
import type { AppError } from '../errors.ts';
import { createNodeRepositories } from './node-repositories.ts';

describe('node repositories', () => {
  let m: MemoryServer;
  let repos: ReturnType<typeof createNodeRepositories>;
  before(async () => {
    m = await memoryServer();
    repos = createNodeRepositories({ store: m.store, bus: m.bus, sealer: m.sealer });
  });
  after(() => m.close());
  const code = (c: string) => (e: AppError) => e.code === c;

  test('a repository is sealed at rest, sent only in the link configuration, and its location has no secrets', async () => {
    const id = await m.claimed();
    await repos.setRepository(SYSTEM, id, {
      repo_url: 'rest:https://backup:s3cret@repo.example/db-1',
      repo_password: 'pw-of-db-1',
    });
    const rows = JSON.stringify(await m.database.db.selectFrom('node_secrets').selectAll().execute());
    assert.doesNotMatch(rows, /pw-of-db-1|s3cret/);
    assert.equal((await m.store.repos.nodes.findNode(id))?.repo_location, 'rest:https://repo.example/db-1');
    const { config, uninitialised } = await repos.linkState(id);
    assert.equal(config.repository?.repo_password, 'pw-of-db-1');
    assert.equal(uninitialised, false, 'a repository set by hand is being initialised already');
    await repos.setRepoStatus(id, 'unknown');
    assert.equal((await repos.linkState(id)).uninitialised, true, 'its first link initialises it');
  });

  test('changing only the URL keeps the password; a new repository needs one', async () => {
    const id = await m.claimed();
    await assert.rejects(repos.setRepository(SYSTEM, id, { repo_url: '/srv/r' }), code('VALIDATION_FAILED'));
    await repos.setRepository(SYSTEM, id, { repo_url: '/srv/r', repo_password: 'kept' });
    await repos.setRepository(SYSTEM, id, { repo_url: '/srv/elsewhere' });
    assert.deepEqual((await repos.linkState(id)).config.repository, {
      repo_url: '/srv/elsewhere',
      repo_password: 'kept',
    });
  });

  test('what needs a ready repository is refused with a code for each state', async () => {
    const id = await m.claimed();
    await assert.rejects(repos.requireRepository(id), code('REPOSITORY_MISSING'));
    await repos.setRepository(SYSTEM, id, { repo_url: '/srv/r', repo_password: 'pw' });
    await assert.rejects(repos.requireRepository(id), code('REPOSITORY_NOT_READY'));
    await repos.requireRepository(id, 'set');
    await repos.setRepoStatus(id, 'init_failed', 'wrong password');
    await assert.rejects(repos.requireRepository(id), code('REPOSITORY_INIT_FAILED'));
    await repos.setRepoStatus(id, 'ready');
    await repos.requireRepository(id);
    await repos.setRepository(SYSTEM, id, null);
    assert.equal((await repos.linkState(id)).config.repository, undefined);
  });
});
