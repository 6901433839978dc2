import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repositoryUrlProblem } from './repository-url.ts';

test('repository locations restic and its helpers take as locations, never as options', () => {
  for (const ok of [
    '/srv/restic',
    'local:/srv/restic',
    'sftp:backup@host.example:/srv/restic',
    'sftp:host:restic',
    'sftp://backup@10.0.0.5:2222//srv/restic',
    'sftp://[::1]/srv',
    'rest:https://user@backup.example:8000/node1',
    'rclone:b2prod:bucket/path',
    's3:https://s3.example.com/bucket',
    'b2:bucket:path',
    'C:\\restic',
  ])
    assert.equal(repositoryUrlProblem(ok), null, ok);
  for (const attack of [
    'sftp:-oProxyCommand=touch /tmp/pwned',
    'sftp:-V:/x',
    'sftp:user@-oProxyCommand=x:/r',
    'sftp:-luser@host:/r',
    'sftp:host:-r',
    'sftp://-oProxyCommand=x/r',
    'rclone::sftp,ssh=touch /tmp/pwned:',
    'rclone:-vv:x',
    'rclone:remote,ssh=x:path',
    's3:-x',
    'rest:file:///etc',
    'ftp:host/x',
    'relative/path',
    '/srv/repo\nx',
  ])
    assert.notEqual(repositoryUrlProblem(attack), null, attack);
});
