import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempDir, waitFor } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * A production install: what `npm run build` made, the package files, and only the packages `npm ci --omit=dev`
 * installs (copied as hard links from this checkout's node_modules, so nothing is compiled again). No TypeScript
 * loader, no build tools, no sources.
 */
function productionInstall(dir: string): void {
  for (const item of ['package.json', 'package-lock.json', 'bin', 'dist', 'deploy/install'])
    cpSync(join(ROOT, item), join(dir, item), { recursive: true });
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const top = new Set<string>();
  for (const line of listed.split('\n')) {
    const rel = relative(join(ROOT, 'node_modules'), line.trim());
    if (!line.trim() || rel.startsWith('..') || rel === '') continue;
    const parts = rel.split('/');
    top.add(parts[0]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  for (const pkg of top) {
    mkdirSync(join(dir, 'node_modules', pkg, '..'), { recursive: true });
    execFileSync('cp', ['-al', join(ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg)]);
  }
}

describe('production build', () => {
  const dir = tempDir('muster-prod-');
  after(() => dir.remove());

  test('runs from dist/ with only the production dependencies, serving the UI, the agent and the installer', async () => {
    productionInstall(dir.path);
    for (const devOnly of ['tsx', 'vite', 'esbuild', 'typescript'])
      assert.ok(!existsSync(join(dir.path, 'node_modules', devOnly)), `${devOnly} is not installed`);
    let out = '';
    const child = spawn(
      process.execPath,
      ['dist/server/muster.mjs', 'server', '--listen', '127.0.0.1:0', '--data-dir', join(dir.path, 'data')],
      { cwd: dir.path, env: { PATH: process.env.PATH, HOME: dir.path }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    after(() => child.kill('SIGKILL'));
    const url = await waitFor(
      () => /Muster is listening on (\S+)/.exec(out)?.[1],
      'the server to listen',
      20_000,
    );
    // The server's own CA signs its certificate; the agent side of that trust is tested elsewhere.
    const curl = (path: string) =>
      execFileSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `${url}${path}`], {
        encoding: 'utf8',
      });
    assert.equal(curl('/healthz'), '200');
    assert.equal(curl('/'), '200', 'the web UI is served');
    assert.equal(curl('/install/install.sh'), '200');
    assert.equal(curl('/agent/binary?os=linux&arch=amd64'), '200');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 0, out);
  });
});
