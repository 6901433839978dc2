import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resticArgs, resticInvocation, sftpCommand } from './restic.ts';

/** The refusal's text (a refusal is a string; anything else is no refusal). */
const refusal = (r: ReturnType<typeof resticInvocation>) => (typeof r === 'string' ? r : 'not refused');

test("the agent passes restic only its backend's variables: a server that sends LD_PRELOAD or PATH is refused", () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'muster-restic-'));
  const attacks: Record<string, string>[] = [
    { LD_PRELOAD: '/tmp/evil.so' },
    { PATH: '/tmp/evil' },
    { RESTIC_PASSWORD_COMMAND: 'sh -c id' },
  ];
  for (const env of attacks)
    assert.match(
      refusal(
        resticInvocation({ repo_url: 's3:https://s3.example/b/x', repo_password: 'p', env }, { stateDir }),
      ),
      /refuses the repository's credentials/,
    );
  const ok = resticInvocation(
    {
      repo_url: 's3:https://s3.example/b/x',
      repo_password: 'p',
      env: { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' },
    },
    { stateDir, limits: { upload_kib: 512 } },
  );
  assert.ok(typeof ok !== 'string');
  assert.equal(ok.env.AWS_SECRET_ACCESS_KEY, 'secret');
  assert.deepEqual(ok.args, ['--limit-upload', '512']);
});

test('an sftp key is written once, readable by the agent only, and used through ssh -i; never as an option', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'muster-restic-'));
  const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
  const inv = resticInvocation(
    { repo_url: 'sftp://backup@nas:2222/srv/r', repo_password: 'p', ssh_key: key },
    { stateDir },
  );
  assert.ok(typeof inv !== 'string');
  const command = inv.args[1]!;
  const keyFile = /-i (\S+)/.exec(command)![1]!;
  assert.equal(readFileSync(keyFile, 'utf8'), key);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.match(command, /-p 2222 backup@nas -s sftp$/);
  assert.equal(
    sftpCommand('sftp:-oProxyCommand=x:/srv', 'k', 'h'),
    null,
    'a host that is an option is no host',
  );
  assert.match(
    refusal(resticInvocation({ repo_url: '/srv/r', repo_password: 'p', ssh_key: key }, { stateDir })),
    /only for sftp/,
  );
});

test('retention: keep_within and keep_tags; a backup forgets without pruning when asked; one snapshot forgotten by id', () => {
  assert.deepEqual(
    resticArgs(
      'restic.forget',
      { tags: ['muster-db'], keep_daily: 7, keep_within: '30d', keep_tags: ['keep'], prune: false },
      { initialPaths: [] },
    ),
    ['forget', '--tag', 'muster-db', '--keep-daily', '7', '--keep-within', '30d', '--keep-tag', 'keep'],
  );
  assert.deepEqual(
    resticArgs('restic.forget', { snapshot_ids: ['0123abcd'], prune: false }, { initialPaths: [] }),
    ['forget', '--', '0123abcd'],
  );
  assert.deepEqual(resticArgs('restic.check', { read_data_subset: '10%' }, { initialPaths: [] }), [
    'check',
    '--read-data-subset=10%',
  ]);
  assert.deepEqual(
    resticArgs(
      'restic.backup',
      {
        paths: ['/srv'],
        exclude_caches: true,
        exclude_if_present: ['.nobackup'],
        one_file_system: true,
        tags: ['t'],
      },
      { initialPaths: [] },
    ),
    [
      'backup',
      '--json',
      '--exclude-caches',
      '--exclude-if-present',
      '.nobackup',
      '--one-file-system',
      '--tag',
      't',
      '--',
      '/srv',
    ],
  );
});
