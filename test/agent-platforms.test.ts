import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { VERSION } from '../src/version.ts';
import type { AgentManifest } from '../src/server/operations/agent-executables.ts';
import { AGENT_EXECUTABLE, claimArgs, onlineNode, runAgent, useTestServer } from './helpers.ts';

const DIR = dirname(AGENT_EXECUTABLE);
const manifest = () => JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as AgentManifest;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A command run without blocking the event loop: the server under test runs in this process. */
const run = promisify(execFile);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** The first bytes of a file. */
function head(file: string, n = 32): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

describe('agent executables for every platform', () => {
  const server = useTestServer();

  test('the build makes five platforms, each with its checksum and a zstd download of the same executable', () => {
    const m = manifest();
    assert.equal(m.version, VERSION);
    assert.match(m.runtime, /^bun \d/);
    assert.deepEqual(m.files.map((f) => `${f.os}-${f.arch}`).sort(), [
      'darwin-amd64',
      'darwin-arm64',
      'linux-amd64',
      'linux-arm64',
      'windows-amd64',
    ]);
    const sums = readFileSync(join(DIR, 'SHA256SUMS'), 'utf8');
    for (const f of m.files) {
      const body = readFileSync(join(DIR, f.file));
      assert.equal(body.length, f.size);
      assert.equal(sha256(body), f.sha256, f.file);
      assert.ok(sums.includes(`${f.sha256}  ${f.file}\n`));
      assert.ok(f.zstd, `${f.file} has a compressed download`);
      assert.equal(sha256(readFileSync(join(DIR, f.zstd.file))), f.zstd.sha256);
      assert.ok(f.zstd.size < f.size / 2, `${f.file}: ${f.zstd.size} compressed of ${f.size}`);
    }
    const exe = (os: string, arch: string) => m.files.find((f) => f.os === os && f.arch === arch)!.file;
    // What each file is, by its header: ELF for Linux (x86-64, aarch64), Mach-O 64 for macOS, PE for Windows.
    assert.equal(head(join(DIR, exe('linux', 'amd64'))).readUInt16LE(18), 62);
    assert.equal(head(join(DIR, exe('linux', 'arm64'))).readUInt16LE(18), 183);
    assert.equal(head(join(DIR, exe('darwin', 'arm64'))).readUInt32LE(0), 0xfeedfacf);
    assert.equal(head(join(DIR, exe('darwin', 'arm64'))).readUInt32LE(4), 0x0100000c, 'CPU_TYPE_ARM64');
    assert.equal(head(join(DIR, exe('darwin', 'amd64'))).readUInt32LE(4), 0x01000007, 'CPU_TYPE_X86_64');
    // Apple silicon runs no unsigned code: the executables carry a code signature (Bun signs them ad hoc).
    for (const arch of ['arm64', 'amd64']) {
      const h = head(join(DIR, exe('darwin', arch)), 64 * 1024);
      const commands = h.readUInt32LE(16);
      let at = 32;
      const kinds: number[] = [];
      for (let n = 0; n < commands; n++) {
        kinds.push(h.readUInt32LE(at));
        at += h.readUInt32LE(at + 4);
      }
      assert.ok(kinds.includes(0x1d), `darwin-${arch} has LC_CODE_SIGNATURE`);
    }
    assert.equal(head(join(DIR, exe('windows', 'amd64')), 2).toString(), 'MZ');
    assert.match(exe('windows', 'amd64'), /\.exe$/);
  });

  test('curl --compressed takes the zstd download and gets exactly the executable; without it, the executable', async () => {
    const dir = server.tempDir('muster-zstd-').path;
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, server.ca);
    const linux = manifest().files.find((f) => f.os === 'linux' && f.arch === 'amd64')!;
    for (const compressed of [true, false]) {
      const out = join(dir, compressed ? 'z' : 'plain');
      await run('curl', [
        '-fsS',
        ...(compressed ? ['--compressed'] : []),
        '--cacert',
        ca,
        '-D',
        `${out}.headers`,
        '-o',
        out,
        `${server.url}/agent/binary?os=linux&arch=x86_64`,
      ]);
      const headers = readFileSync(`${out}.headers`, 'utf8').toLowerCase();
      assert.match(headers, new RegExp(`x-checksum-sha256: ${linux.sha256}`));
      if (compressed) {
        assert.match(headers, /content-encoding: zstd/);
        assert.match(headers, new RegExp(`content-length: ${linux.zstd!.size}\\r`));
      } else {
        assert.doesNotMatch(headers, /content-encoding/);
        assert.match(headers, new RegExp(`content-length: ${linux.size}\\r`));
      }
      assert.equal(sha256(readFileSync(out)), linux.sha256, 'what is run is what the checksum names');
    }
    // zstd refused with q=0: the executable itself.
    const refused = await run('curl', [
      '-fsSI',
      '--cacert',
      ca,
      '-H',
      'accept-encoding: zstd;q=0, gzip',
      `${server.url}/agent/binary?os=linux&arch=amd64`,
    ]);
    assert.doesNotMatch(refused.stdout.toLowerCase(), /content-encoding/);
    assert.match(refused.stdout.toLowerCase(), new RegExp(`content-length: ${linux.size}\\r`));
  });

  // Debian's Wine 8 lacks bcryptprimitives.dll (ProcessPrng, which Windows 10 and later have and the Windows
  // runtime imports): the test builds that one function (over Wine's RtlGenRandom) with MinGW into a scratch
  // Wine prefix. The executable itself is the one served, unchanged.
  const wine = has('wine') && has('x86_64-w64-mingw32-gcc');
  test(
    'windows-amd64 under Wine: --version, status --json, and a claim that comes online',
    { skip: wine ? false : 'needs wine and gcc-mingw-w64-x86-64-win32 (.ci/run installs them)' },
    async () => {
      const exe = join(DIR, manifest().files.find((f) => f.os === 'windows')!.file);
      const prefix = server.tempDir('muster-wine-').path;
      const env = { WINEPREFIX: prefix, WINEDEBUG: '-all', PATH: process.env.PATH, HOME: prefix };
      const winRun = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
        runAgent(args, { command: ['wine', exe], env: { ...env, ...extra }, timeoutMs: 120_000 });
      try {
        const boot = spawnSync('wineboot', ['--init'], { env, encoding: 'utf8', timeout: 120_000 });
        assert.equal(boot.status, 0, boot.stderr);
        const src = join(prefix, 'bcp.c');
        writeFileSync(
          src,
          [
            '#include <windows.h>',
            'BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);',
            'BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {',
            '  while (len) { ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;',
            '    if (!SystemFunction036(data, n)) return FALSE; data += n; len -= n; }',
            '  return TRUE;',
            '}',
          ].join('\n'),
        );
        writeFileSync(join(prefix, 'bcp.def'), 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng\n');
        const system32 = join(prefix, 'drive_c', 'windows', 'system32');
        mkdirSync(system32, { recursive: true });
        const cc = spawnSync(
          'x86_64-w64-mingw32-gcc',
          [
            '-shared',
            '-O2',
            '-o',
            join(system32, 'bcryptprimitives.dll'),
            src,
            join(prefix, 'bcp.def'),
            '-ladvapi32',
          ],
          { encoding: 'utf8' },
        );
        assert.equal(cc.status, 0, cc.stderr);

        assert.equal((await winRun(['--version'])).stdout.trim(), VERSION);
        const state = join(prefix, 'state');
        const winState = `Z:${state.replaceAll('/', '\\')}`;
        const before = await winRun(['status', '--json', '--state-dir', winState, '--local-api', 'off']);
        assert.equal(before.code, 0, before.stderr);
        assert.equal((JSON.parse(before.stdout) as { online: boolean }).online, false);
        const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
        const claimed = await winRun(claimArgs(server, winState, 'exe-windows'), {
          MUSTER_CLAIM_TOKEN: token,
        });
        assert.equal(claimed.code, 0, claimed.stderr);
        const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
        const agent = runAgent(['run', '--state-dir', winState, '--local-api', 'off'], {
          command: ['wine', exe],
          env,
          timeoutMs: 60_000,
        });
        const node = await onlineNode(server, id, 'the Windows executable online', 60_000);
        assert.equal(node.hostname, 'exe-windows');
        assert.equal(node.agent_version, VERSION);
        spawnSync('wineserver', ['-k'], { env });
        await agent;
      } finally {
        spawnSync('wineserver', ['-k'], { env });
      }
    },
  );
});
