import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, pathWithoutNode, spawnAgent, useTestServer } from './helpers.ts';

const EXAMPLES = resolve(import.meta.dirname, '../deploy/examples');

/** Run a shell command line with bash, as an operator would; resolves with exit code and output. */
function sh(cmd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const child = spawn('bash', ['-c', cmd], {
      env: { PATH: noNode, HOME: process.env.HOME, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => res({ code, out, err }));
  });
}

// The operator's scripts and the installer run on a host without Node.js: nothing on their PATH runs JavaScript.
let noNode = '';

/** The whole operator flow with curl and jq: login, mint, install script into a scratch root, online, repository ready. */
describe('operator flow: curl + jq scripts and install.sh into a scratch root, no Node.js on the host', () => {
  const server = useTestServer();
  let caFile: string;
  const scratch = server.tempDir('muster-flow-');
  before(async () => {
    caFile = join(scratch.path, 'ca.pem');
    writeFileSync(caFile, server.ca);
    noNode = pathWithoutNode(join(scratch.path, 'bin'));
    assert.notEqual((await sh('command -v node', {})).code, 0, 'node is hidden from PATH');
  });

  const opsEnv = () => ({
    MUSTER_SERVER: server.url,
    MUSTER_USER: 'admin',
    MUSTER_PASSWORD: ADMIN_PASSWORD,
    MUSTER_CACERT: caFile,
  });

  test('install, enroll, come online, repository ready; a second run changes nothing; restic cron is reported', async () => {
    const root = join(scratch.path, 'root');
    mkdirSync(join(root, 'etc', 'cron.d'), { recursive: true });
    const cron = join(root, 'etc', 'cron.d', 'nightly-backup');
    writeFileSync(cron, '0 2 * * * root restic backup /srv\n');
    const repo = join(scratch.path, 'repo-web-1');

    const minted = await sh(`${EXAMPLES}/mint-enrollment-token.sh web-1`, {
      ...opsEnv(),
      REPO_URL: repo,
      REPO_PASSWORD: 'flow-secret',
    });
    assert.equal(minted.code, 0, minted.err);
    const token = minted.out.trim();
    assert.match(token, /^mse_/);

    const install = `curl -fsSL --cacert ${caFile} ${server.url}/install/install.sh | MUSTER_PREFIX=${root} MUSTER_HOSTNAME=web-1 MUSTER_SERVER=${server.url} MUSTER_TOKEN=${token} MUSTER_WRITABLE_PATHS=${repo} bash`;
    const first = await sh(install, {});
    assert.equal(first.code, 0, first.err + first.out);
    assert.match(first.out, /existing restic schedule found in \/etc\/cron.d\/nightly-backup/);
    assert.match(first.out, /the agent is NOT running: it was installed under .*\n.*\n.*\n.*run --state-dir/);
    assert.equal(readFileSync(cron, 'utf8'), '0 2 * * * root restic backup /srv\n', 'cron left untouched');
    const state = join(root, 'var', 'lib', 'muster-agent');
    assert.equal(statSync(state).mode & 0o777, 0o700);
    assert.equal(statSync(join(state, 'cloud.d', 'agent_token')).mode & 0o777, 0o600);
    assert.match(
      readFileSync(join(state, 'cloud.d', 'cloud.conf'), 'utf8'),
      new RegExp(`ca pin = sha256:${server.pin}`),
    );
    const unit = readFileSync(join(root, 'etc', 'systemd', 'system', 'muster-agent.service'), 'utf8');
    assert.match(unit, /NoNewPrivileges=yes/);
    assert.match(unit, /ProtectSystem=strict/);
    // The local repository is writable for the agent through a drop-in; the rest of the hardening stays.
    const unitDir = join(root, 'etc', 'systemd', 'system');
    const dropIn = readFileSync(join(unitDir, 'muster-agent.service.d', 'writable-paths.conf'), 'utf8');
    assert.match(dropIn, new RegExp(`^ReadWritePaths=-${repo}$`, 'm'));
    // systemd-analyze checks that ExecStart exists on this machine: verify a copy that points into the scratch root.
    const verifyDir = join(scratch.path, 'verify');
    cpSync(unitDir, verifyDir, { recursive: true });
    writeFileSync(
      join(verifyDir, 'muster-agent.service'),
      unit.replace('ExecStart=/opt/', `ExecStart=${root}/opt/`),
    );
    const verify = spawnSync('systemd-analyze', ['verify', join(verifyDir, 'muster-agent.service')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, SYSTEMD_UNIT_PATH: `${verifyDir}:` },
    });
    if (!verify.error) {
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), '', 'systemd reads the unit and its drop-in without a complaint');
    }
    // The executable, run by its own path: no interpreter in the unit.
    const exe = join(root, 'opt', 'muster-agent', 'muster-agent');
    assert.equal(statSync(exe).mode & 0o777, 0o755);
    assert.match(
      unit,
      /^ExecStart=\/opt\/muster-agent\/muster-agent run --state-dir \/var\/lib\/muster-agent$/m,
    );
    assert.match(unit, /^ReadWritePaths=\/var\/lib\/muster-agent \/opt\/muster-agent$/m);
    assert.ok(!existsSync(join(root, 'opt', 'muster-agent', 'muster-agent.mjs')));
    const hostId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();

    const before = statSync(join(state, 'cloud.d', 'cloud.conf')).mtimeMs;
    const second = await sh(install.replace(token, 'mse_spent'), {});
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /already enrolled as/);
    assert.equal(statSync(join(state, 'cloud.d', 'cloud.conf')).mtimeMs, before, 'nothing changed');

    const agent = spawnAgent(['--state-dir', state], { executable: exe });
    try {
      const waited = await sh(`${EXAMPLES}/wait-for-host.sh web-1 60`, opsEnv());
      assert.equal(waited.code, 0, `${waited.out}${waited.err}; agent: ${agent.output()}`);
      assert.equal(waited.out.trim(), 'online ready');
      assert.equal((await server.services.nodes.get(hostId)).status, 'online');
      assert.ok(existsSync(join(repo, 'config')));
    } finally {
      await agent.stop();
    }
  });

  test("RM_* aliases (the guide's RM_ENROL_TOKEN too), forced re-enrollment, a wrong CA pin stops the installer (exit 19), a token revoked by its hash is refused", async () => {
    const root = join(scratch.path, 'root2');
    const mint = async () => (await sh(`${EXAMPLES}/mint-enrollment-token.sh db-1`, opsEnv())).out.trim();
    const t1 = await mint();
    const viaAlias = await sh(
      `curl -fsSL --cacert ${caFile} ${server.url}/install/install.sh | MUSTER_PREFIX=${root} RM_HOSTNAME=db-1 RM_SERVER=${server.url} RM_TOKEN=${t1} bash`,
      {},
    );
    assert.equal(viaAlias.code, 0, viaAlias.err);
    const state = join(root, 'var', 'lib', 'muster-agent');
    const firstId = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const t2 = await mint();
    const forced = await sh(
      `curl -fsSL --cacert ${caFile} ${server.url}/install/install.sh  | MUSTER_PREFIX=${root} RM_HOSTNAME=db-1 RM_SERVER=${server.url} RM_ENROL_TOKEN=${t2} RM_FORCE_REENROLL=1 bash`,
      {},
    );
    assert.equal(forced.code, 0, forced.err);
    assert.notEqual(readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim(), firstId);

    const t3 = await mint();
    const wrongPin = await sh(
      `curl -fsSL --cacert ${caFile} ${server.url}/install/install.sh | MUSTER_PREFIX=${join(scratch.path, 'root3')} MUSTER_SERVER=${server.url} MUSTER_HOSTNAME=db-1 MUSTER_TOKEN=${t3} MUSTER_CA_PIN=sha256:${'0'.repeat(64)} bash`,
      {},
    );
    assert.equal(wrongPin.code, 19, wrongPin.err);
    assert.match(wrongPin.err, /refusing to continue/);

    // The guide's troubleshooting: revoke a stale token by its hash (curl + jq), then it enrolls nothing.
    const revoked = await sh(
      [
        'jar="$(mktemp)"',
        `jq -n --arg u "$MUSTER_USER" --arg p "$MUSTER_PASSWORD" '{username: $u, password: $p}' | curl -fsS --cacert "$MUSTER_CACERT" -c "$jar" -H 'content-type: application/json' -d @- "$MUSTER_SERVER/api/auth/login" >/dev/null`,
        `hash="$(printf %s ${t3} | sha256sum | cut -d' ' -f1)"`,
        'curl -fsS --cacert "$MUSTER_CACERT" -b "$jar" -H x-requested-with:curl -X POST "$MUSTER_SERVER/api/hosts/enrollment-tokens/$hash/revoke" | jq -r .state',
        // Twice: a token already revoked is answered as it is.
        'curl -fsS --cacert "$MUSTER_CACERT" -b "$jar" -H x-requested-with:curl -X POST "$MUSTER_SERVER/api/hosts/enrollment-tokens/$hash/revoke" | jq -r .state',
      ].join(' && '),
      opsEnv(),
    );
    assert.equal(revoked.code, 0, revoked.err);
    assert.deepEqual(revoked.out.trim().split('\n'), ['revoked', 'revoked']);
    const refused = await sh(
      `curl -fsSL --cacert ${caFile} ${server.url}/install/install.sh | MUSTER_PREFIX=${join(scratch.path, 'root4')} RM_HOSTNAME=db-1 RM_SERVER=${server.url} RM_ENROL_TOKEN=${t3} bash`,
      {},
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.err + refused.out, /revoked/);
  });

  test('with wget instead of curl; MUSTER_NODE installs the JavaScript agent for a host with its own Node.js', async () => {
    const mint = async () => (await sh(`${EXAMPLES}/mint-enrollment-token.sh cache-1`, opsEnv())).out.trim();
    // A host with wget and no curl.
    const wgetOnly = join(scratch.path, 'bin-wget');
    mkdirSync(wgetOnly);
    for (const name of readdirSync(noNode))
      if (name !== 'curl') symlinkSync(readlinkSync(join(noNode, name)), join(wgetOnly, name));
    const root = join(scratch.path, 'root-wget');
    const viaWget = await sh(
      `wget -qO- --ca-certificate=${caFile} ${server.url}/install/install.sh | MUSTER_PREFIX=${root} MUSTER_HOSTNAME=cache-1 MUSTER_SERVER=${server.url} MUSTER_TOKEN=${await mint()} bash`,
      { PATH: wgetOnly },
    );
    assert.equal(viaWget.code, 0, viaWget.err + viaWget.out);
    assert.ok(existsSync(join(root, 'opt', 'muster-agent', 'muster-agent')));
    assert.ok(existsSync(join(root, 'var', 'lib', 'muster-agent', 'cloud.d', 'claimed_id')));

    const withNode = join(scratch.path, 'root-node');
    const js = await sh(
      `curl -fsSL --cacert ${caFile} ${server.url}/install/install.sh | MUSTER_PREFIX=${withNode} MUSTER_HOSTNAME=cache-1 MUSTER_SERVER=${server.url} MUSTER_TOKEN=${await mint()} MUSTER_NODE=${process.execPath} bash`,
      {},
    );
    assert.equal(js.code, 0, js.err + js.out);
    assert.ok(existsSync(join(withNode, 'opt', 'muster-agent', 'muster-agent.mjs')));
    assert.ok(!existsSync(join(withNode, 'opt', 'muster-agent', 'muster-agent')));
    const unit = readFileSync(join(withNode, 'etc', 'systemd', 'system', 'muster-agent.service'), 'utf8');
    assert.match(
      unit,
      new RegExp(`^ExecStart=${process.execPath} /opt/muster-agent/muster-agent.mjs run`, 'm'),
    );
  });
});
