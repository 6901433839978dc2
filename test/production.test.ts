import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
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

/** Directives of a systemd unit file, by name (repeated ones in order). */
function unitDirectives(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
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
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => ((out += d.toString()), (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    after(() => child.kill('SIGKILL'));
    const url = await waitFor(
      () => /Muster is listening on ([^\s"]+)/.exec(out)?.[1],
      'the server to listen',
      20_000,
    );
    // No terminal reads it: every line is JSON (the start lines too), and the claim token is in no line.
    for (const line of stdout.trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.doesNotMatch(stdout, /MUSTER_CLAIM_TOKEN=/);
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

  test("the server's systemd unit is valid, hardened, and its command runs the production install", async () => {
    const unit = join(ROOT, 'deploy', 'systemd', 'muster.service');
    const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    if (!verify.error) {
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), '', 'systemd reads the unit without a complaint');
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', unit], {
        encoding: 'utf8',
      });
      const exposure = /Overall exposure level for muster\.service: ([\d.]+)/.exec(security.stdout)?.[1];
      if (exposure) assert.ok(Number(exposure) <= 2.5, `exposure ${exposure} (systemd-analyze security)`);
    }
    // What systemd would run: ExecStart with the unit's Environment, from the install directory it names.
    const d = unitDirectives(unit);
    const env: Record<string, string> = {};
    for (const line of d.get('Environment') ?? [])
      for (const pair of line.split(/\s+/)) env[pair.split('=')[0]!] = pair.slice(pair.indexOf('=') + 1);
    assert.equal(env.MUSTER_DATA_DIR, '/var/lib/muster');
    assert.deepEqual(
      d.get('StateDirectory'),
      ['muster'],
      'systemd makes /var/lib/muster for the muster user',
    );
    const [node, cli, ...args] = d.get('ExecStart')![0]!.split(' ');
    assert.equal(node, '/usr/bin/node');
    assert.equal(cli, '/opt/muster/bin/muster.js');
    let out = '';
    const child = spawn(process.execPath, [join(dir.path, 'bin', 'muster.js'), ...args], {
      cwd: dir.path,
      env: {
        ...env,
        PATH: process.env.PATH,
        MUSTER_DATA_DIR: join(dir.path, 'state'),
        MUSTER_LISTEN: '127.0.0.1:0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    after(() => child.kill('SIGKILL'));
    await waitFor(() => /Muster is listening on/.test(out), 'the server to listen', 20_000);
    const logLine = out.split('\n').find((l) => l.startsWith('{'));
    assert.ok(logLine && JSON.parse(logLine), 'the unit logs JSON for journald');
    child.kill('SIGTERM');
    assert.equal(await new Promise((r) => child.once('exit', r)), 0, out);
  });

  test('a stop the moment the server says it listens closes it cleanly, never a kill', async () => {
    // Three times, the signal sent as the line appears: the handlers were once installed after that line.
    for (let i = 0; i < 3; i++) {
      let out = '';
      const child = spawn(
        process.execPath,
        ['dist/server/muster.mjs', 'server', '--listen', '127.0.0.1:0', '--data-dir', join(dir.path, 'data')],
        { cwd: dir.path, env: { PATH: process.env.PATH, HOME: dir.path }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      after(() => child.kill('SIGKILL'));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Muster is listening on/.test(out)) child.kill('SIGTERM');
      });
      const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
        child.once('exit', (c, sig) => r([c, sig])),
      );
      assert.deepEqual([code, signal], [0, null], out);
      assert.match(out, /SIGTERM: stopping; agents are told to reconnect/);
    }
  });

  test('the container image runs the same command from the same files', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'docker', 'server.Dockerfile'), 'utf8');
    assert.match(dockerfile, /^ENTRYPOINT \["node", "bin\/muster\.js"\]$/m);
    assert.match(dockerfile, /^CMD \["server"\]$/m);
    for (const [, from] of dockerfile.matchAll(/^COPY --from=build \/src\/(\S+)/gm))
      assert.ok(existsSync(join(dir.path, from!)), `${from} is part of the production install`);
    const compose = readFileSync(join(ROOT, 'deploy', 'docker', 'compose.yaml'), 'utf8');
    assert.match(compose, /dockerfile: deploy\/docker\/server\.Dockerfile/);
    assert.match(compose, /MUSTER_DB: postgres:\/\//);
  });
});
