import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allowPaths, refusedPath } from './writable-paths.ts';

test('the system itself is never made writable for the agent', () => {
  for (const p of [
    '/',
    '/etc',
    '/etc/ssh',
    '/usr/local/bin',
    '/boot/',
    '/proc/1',
    'srv/restic',
    '/srv/../etc',
    '/a b',
  ])
    assert.ok(refusedPath(p), `${p} is refused`);
  for (const p of ['/srv/restic/web-1', '/var/backups/restore', '/home/ops/restore', '/mnt/nas'])
    assert.equal(refusedPath(p), null, `${p} is allowed`);
});

test('allow-path creates the directory, writes the drop-in and keeps what it allowed before', () => {
  const root = mkdtempSync(join(tmpdir(), 'muster-paths-'));
  try {
    const unitDir = join(root, 'units');
    const repo = join(root, 'srv', 'restic', 'web-1');
    const said = allowPaths([repo], { unitDir, systemd: false });
    assert.ok(existsSync(repo) && (statSync(repo).mode & 0o777) === 0o700);
    assert.match(said.join('\n'), /applies when systemd next starts the agent/);
    const restore = join(root, 'restore');
    allowPaths([restore, `${repo}/`], { unitDir, systemd: false });
    const text = readFileSync(join(unitDir, 'muster-agent.service.d', 'writable-paths.conf'), 'utf8');
    assert.deepEqual(
      text.split('\n').filter((l) => l.startsWith('ReadWritePaths=')),
      [`ReadWritePaths=-${repo}`, `ReadWritePaths=-${restore}`],
    );
    assert.match(allowPaths([repo], { unitDir, systemd: false })[0]!, /already writable/);
    assert.throws(() => allowPaths(['/etc/cron.d'], { unitDir, systemd: false }), /part of the system/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('attack: allow-path with a symbolic link, a systemd % specifier or quotes is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-allow-'));
  try {
    symlinkSync('/etc', join(dir, 'etc-link'));
    assert.match(refusedPath(join(dir, 'etc-link')) ?? '', /symbolic link to \/etc/);
    assert.match(refusedPath(join(dir, 'etc-link', 'cron.d')) ?? '', /symbolic link to \/etc/);
    assert.match(refusedPath('/srv/%h/repo') ?? '', /systemd specifier/);
    assert.match(refusedPath('/srv/"x"') ?? '', /quote/);
    assert.match(refusedPath("/srv/x'y") ?? '', /quote/);
    assert.equal(refusedPath(join(dir, 'plain')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
