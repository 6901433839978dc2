import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseArgv } from './classic-flags.ts';

test('classic single-dash flags become their modern form; everything else is left alone', () => {
  assert.deepEqual(
    normaliseArgv(['claim', '-token=a-b_c', '-rooms=x,y', '-url=https://h:1', '-insecure', '-noreload']),
    ['claim', '--token=a-b_c', '--rooms=x,y', '--url=https://h:1', '--insecure', '--noreload'],
  );
  assert.deepEqual(normaliseArgv(['-h', '-token', '--token', 'v', '-bogus=1']), [
    '-h',
    '-token',
    '--token',
    'v',
    '-bogus=1',
  ]);
});
