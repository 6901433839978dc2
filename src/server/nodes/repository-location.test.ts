import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repositoryLocation } from './node-repositories.ts';

test("a repository's location never carries its credentials", () => {
  const cases: [string, string][] = [
    ['/srv/restic/web-1', '/srv/restic/web-1'],
    ['local:/srv/restic', 'local:/srv/restic'],
    ['sftp:backup@nas:/srv/restic', 'sftp:backup@nas:/srv/restic'],
    ['rest:https://user:s3cret@backup.example.com:8000/web-1', 'rest:https://backup.example.com:8000/web-1'],
    ['rest:http://only-user@10.0.0.5/repo', 'rest:http://10.0.0.5/repo'],
    ['s3:https://AKIA:key@s3.example.com/bucket', 's3:https://s3.example.com/bucket'],
    ['s3:s3.amazonaws.com/bucket', 's3:s3.amazonaws.com/bucket'],
  ];
  for (const [url, shown] of cases) assert.equal(repositoryLocation(url), shown, url);
});
