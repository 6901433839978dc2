import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { certPin, formatPin } from '../src/protocol/pin.ts';
import {
  ADMIN_PASSWORD,
  claimInto,
  freePort,
  request,
  spawnAgent,
  startTestServer,
  tempDir,
  waitFor,
  type AgentProcess,
  type TestServer,
} from './helpers.ts';
import { CHROMIUM, noChromium } from './browser.ts';

const DEPLOY = resolve(import.meta.dirname, '../deploy/nginx');

/** A private CA and a certificate it signed for 127.0.0.1, as an operator would make for the proxy. */
function proxyCertificates(dir: string) {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ca-key.pem'));
  ssl(
    'req',
    '-x509',
    '-new',
    '-key',
    f('ca-key.pem'),
    '-subj',
    '/CN=Proxy Test CA',
    '-days',
    '2',
    '-out',
    f('ca.pem'),
  );
  ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('key.pem'));
  ssl('req', '-new', '-key', f('key.pem'), '-subj', '/CN=127.0.0.1', '-out', f('leaf.csr'));
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('leaf.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('leaf.pem'),
  );
  writeFileSync(f('fullchain.pem'), readFileSync(f('leaf.pem'), 'utf8') + readFileSync(f('ca.pem'), 'utf8'));
  return { ca: f('ca.pem'), chain: f('fullchain.pem'), key: f('key.pem') };
}

/**
 * deploy/nginx/muster.conf as shipped, in front of the server on plain HTTP: only the lines the file marks EDIT
 * are given this test's values (each must match once).
 */
function siteConf(upstreamPort: number, port: number, certs: { chain: string; key: string }): string {
  let conf = readFileSync(join(DEPLOY, 'muster.conf'), 'utf8');
  const edit = (pattern: RegExp, value: string) => {
    assert.equal(conf.match(new RegExp(pattern, 'gm'))?.length, 1, `${pattern} appears once in muster.conf`);
    conf = conf.replace(pattern, value);
  };
  edit(/^ {2}server 127\.0\.0\.1:8080; # EDIT.*$/m, `  server 127.0.0.1:${upstreamPort};`);
  edit(/^ {2}listen 443 ssl; # EDIT.*$/m, `  listen 127.0.0.1:${port} ssl;`);
  edit(
    /^ {2}ssl_certificate \/etc\/muster\/proxy-fullchain\.pem; # EDIT.*$/m,
    `  ssl_certificate ${certs.chain};`,
  );
  edit(
    /^ {2}ssl_certificate_key \/etc\/muster\/proxy-key\.pem; # EDIT.*$/m,
    `  ssl_certificate_key ${certs.key};`,
  );
  return conf;
}

describe('behind nginx with deploy/nginx/muster.conf: TLS at the proxy, its CA pinned with --agent-ca', () => {
  const dir = tempDir('muster-deploy-nginx-');
  let server: TestServer;
  let nginx: ChildProcess;
  let publicUrl: string;
  let certs: ReturnType<typeof proxyCertificates>;
  const agents: AgentProcess[] = [];
  /** Requests as an agent or browser makes them: to nginx, trusting the proxy's CA. */
  const viaProxy = (method: string, path: string, opts: Parameters<typeof request>[3] = {}) =>
    request({ url: publicUrl, ca: readFileSync(certs.ca, 'utf8') }, method, path, opts);

  before(async () => {
    certs = proxyCertificates(dir.path);
    const port = await freePort();
    publicUrl = `https://127.0.0.1:${port}`;
    server = await startTestServer({
      dataDir: join(dir.path, 'data'),
      flags: { tls: 'off', trustProxy: true, publicUrl, agentCa: certs.ca },
    });
    mkdirSync(join(dir.path, 'muster'));
    for (const f of ['muster.conf', 'muster-locations.conf', 'muster-proxy-headers.conf'])
      writeFileSync(
        join(dir.path, 'muster', f),
        f === 'muster.conf' ? siteConf(server.port, port, certs) : readFileSync(join(DEPLOY, f), 'utf8'),
      );
    const main = join(dir.path, 'nginx.conf');
    writeFileSync(
      main,
      `worker_processes 1;
pid ${dir.path}/nginx.pid;
error_log ${dir.path}/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir.path}/body;
  proxy_temp_path ${dir.path}/proxy;
  fastcgi_temp_path ${dir.path}/fastcgi;
  uwsgi_temp_path ${dir.path}/uwsgi;
  scgi_temp_path ${dir.path}/scgi;
  include muster/muster.conf;
}
`,
    );
    // What nginx and the server said, in the failure, when the proxy never answers.
    let said = '';
    nginx = spawn('nginx', ['-p', dir.path, '-c', main, '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nginx.stderr!.on('data', (d: Buffer) => (said += d.toString()));
    let last = '';
    await waitFor(async () => {
      const r = await viaProxy('GET', '/healthz');
      last = `${r.status} ${r.text}`;
      return r.status === 200;
    }, 'nginx to proxy the server').catch((err: unknown) => {
      const log = join(dir.path, 'error.log');
      throw new Error(`${String(err)} ${last}\n${said}${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    });
  });
  after(async () => {
    for (const a of agents) await a.stop();
    nginx?.kill('SIGTERM');
    await server?.stop();
    dir.remove();
  });

  test('the banner, /ca.pem, /api/server-info and the installers carry the proxy CA pin and the public URL', async () => {
    const pin = formatPin(certPin(readFileSync(certs.ca)));
    assert.equal(formatPin(server.pin!), pin);
    assert.match(server.connectCommand, new RegExp(`--url ${publicUrl} --ca-pin ${pin}$`));
    assert.match(server.listenUrl, /^http:\/\/127\.0\.0\.1:\d+$/, 'the real listening address and scheme');
    const login = await viaProxy('POST', '/api/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = [login.headers['set-cookie']].flat()[0]!.split(';')[0]!;
    const info = (await viaProxy('GET', '/api/server-info', { cookie })).json<{
      url: string;
      ca_pin: string;
    }>();
    assert.deepEqual({ url: info.url, ca_pin: info.ca_pin }, { url: publicUrl, ca_pin: pin });
    assert.equal((await viaProxy('GET', '/ca.pem')).text.trim(), readFileSync(certs.ca, 'utf8').trim());
    const install = (await viaProxy('GET', '/install/install.sh')).text;
    assert.ok(install.includes(`PIN="${pin}"`) || install.includes(pin), 'install.sh carries the pin');
    assert.ok(install.includes(publicUrl));
  });

  test('an agent claims with the pin and holds its link through nginx; client addresses are the real ones', async () => {
    const state = join(dir.path, 'agent');
    const { token } = await server.services.tokens.getSpaceToken(server.spaceId);
    const claimed = await claimInto(
      { url: publicUrl, pin: server.pin },
      state,
      token,
      '--hostname',
      'behind-nginx',
    );
    assert.equal(claimed.code, 0, claimed.stderr);
    agents.push(spawnAgent(['--state-dir', state]));
    const id = readFileSync(join(state, 'cloud.d', 'claimed_id'), 'utf8').trim();
    const login = await viaProxy('POST', '/api/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(login.status, 200);
    const setCookie = [login.headers['set-cookie']].flat()[0]!;
    assert.match(setCookie, /; Secure/i, 'behind TLS the session cookie is Secure');
    const cookie = setCookie.split(';')[0]!;
    await waitFor(
      async () =>
        (await viaProxy('GET', `/api/nodes/${id}`, { cookie })).json<{ status: string }>().status ===
        'online',
      'the node online through nginx',
      20_000,
    );
    // A client cannot pose as another address: nginx replaces what it sends.
    await viaProxy('POST', '/api/auth/login', {
      body: { username: 'admin', password: 'wrong-password' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    const failed = (await viaProxy('GET', '/api/audit?action=auth.login_failed', { cookie })).json<{
      events: { source_ip: string | null }[];
    }>().events;
    assert.ok(failed.length > 0);
    assert.ok(
      failed.every((e) => e.source_ip === '127.0.0.1'),
      JSON.stringify(failed),
    );
  });

  test(
    'a browser signs in through nginx, sees the node online, and the connect dialog shows the proxy pin',
    {
      skip: noChromium,
    },
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
        await page.goto(publicUrl);
        await page.getByLabel('User name').fill('admin');
        await page.getByLabel('Password').fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('link', { name: 'Nodes', exact: true }).click();
        await page
          .locator('tr', { hasText: 'behind-nginx' })
          .getByRole('link', { name: 'behind-nginx' })
          .waitFor();
        await page.getByRole('button', { name: 'Connect nodes' }).click();
        const dialog = page.getByRole('dialog', { name: 'Connect nodes' });
        await dialog.getByRole('tab', { name: 'Linux', exact: true }).click();
        const command = await dialog.locator('pre.command').innerText();
        assert.ok(command.includes(server.pin!), `the pin in the command:\n${command}`);
        assert.ok(command.includes(publicUrl));
        assert.match(await dialog.locator('.command-box p.hint').first().innerText(), /checks the CA pin/);
      } finally {
        await browser.close();
      }
    },
  );
});
