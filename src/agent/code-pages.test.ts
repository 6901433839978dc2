import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOnlyMappings } from './code-pages.ts';

test('the code pages handed back are the read-only mappings of the executable, even once an update replaced it', () => {
  const exe = '/opt/muster-agent/muster-agent';
  const maps = [
    `00400000-00600000 r--p 00000000 08:01 123 ${exe}`,
    `00600000-05600000 r-xp 00200000 08:01 123 ${exe}`,
    `05600000-05700000 rw-p 05200000 08:01 123 ${exe}`,
    '05700000-05800000 rw-p 00000000 00:00 0 [heap]',
    '7f0000000000-7f0000200000 r-xp 00000000 08:01 77 /usr/lib/x86_64-linux-gnu/libc.so.6',
    `7f1000000000-7f1000001000 r-xp 00000000 08:01 99 ${exe}.previous`,
    `7f2000000000-7f2000010000 r-xp 00000000 08:01 123 ${exe} (deleted)`,
    '7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]',
  ].join('\n');
  assert.deepEqual(readOnlyMappings(maps, exe), [
    [0x400000, 0x200000],
    [0x600000, 0x5000000],
    [0x7f2000000000, 0x10000],
  ]);
  assert.deepEqual(readOnlyMappings(maps, '/usr/local/bin/other'), []);
});
