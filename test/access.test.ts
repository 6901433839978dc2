import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import {
  addUser,
  login,
  request,
  simulatedIdentity,
  useTestServer,
  userPassword,
  waitFor,
} from './helpers.ts';

const code = (secret: string, at = Date.now()) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at,
  });
const cookieOf = (res: { headers: Record<string, string | string[] | undefined> }) => {
  const set = res.headers['set-cookie'];
  return (Array.isArray(set) ? set[0] : set)!.split(';')[0]!;
};

describe('second factors and sessions', () => {
  // Many sign-ins from one address in a few seconds: the per-address limit is raised (the per-account one stays).
  const server = useTestServer({ flags: { loginPerMinute: 1000 } });
  let admin = '';
  before(async () => {
    admin = await login(server);
  });

  async function enrolTotp(cookie: string) {
    const begun = await request(server, 'POST', '/api/me/totp', { cookie });
    assert.equal(begun.status, 200, begun.text);
    const { secret, otpauth_url } = begun.json<{ secret: string; otpauth_url: string }>();
    assert.match(otpauth_url, /^otpauth:\/\/totp\/Muster:/);
    const wrong = await request(server, 'POST', '/api/me/totp/confirm', { cookie, body: { code: '000000' } });
    assert.equal(wrong.status, 401, 'a wrong code does not turn TOTP on');
    const ok = await request(server, 'POST', '/api/me/totp/confirm', {
      cookie,
      body: { code: code(secret) },
    });
    assert.equal(ok.status, 200, ok.text);
    return { secret, recovery: ok.json<{ recovery_codes: string[] }>().recovery_codes };
  }

  test('TOTP: enrolment, a sign-in that needs the code, a code good once, a recovery code good once, an admin reset', async () => {
    const u = await addUser(server, admin, 'erin', 'viewer');
    const { secret, recovery } = await enrolTotp(u.cookie);
    assert.equal(recovery.length, 10);
    const creds = { username: 'erin', password: userPassword('erin') };

    const bare = await request(server, 'POST', '/api/auth/login', { body: creds });
    assert.equal(bare.status, 401);
    assert.equal(bare.json<{ code: string }>().code, 'second_factor_required');
    assert.equal(bare.headers['set-cookie'], undefined, 'no session without the second factor');

    // The code of the step enrolment used is spent; the next step's is accepted (one step of clock drift either way).
    const nextCode = code(secret, Date.now() + 30_000);
    const withCode = await request(server, 'POST', '/api/auth/login', {
      body: { ...creds, totp: nextCode },
    });
    assert.equal(withCode.status, 200, withCode.text);
    const replay = await request(server, 'POST', '/api/auth/login', {
      body: { ...creds, totp: nextCode },
    });
    assert.equal(replay.status, 401, 'the same code does not sign in twice');
    assert.equal(replay.json<{ code: string }>().code, 'second_factor_invalid');

    const rc = await request(server, 'POST', '/api/auth/login', { body: { ...creds, totp: recovery[0] } });
    assert.equal(rc.status, 200, rc.text);
    const rcAgain = await request(server, 'POST', '/api/auth/login', {
      body: { ...creds, totp: recovery[0] },
    });
    assert.equal(rcAgain.status, 401, 'a recovery code is good once');

    const status = (
      await request(server, 'GET', '/api/me/second-factors', { cookie: cookieOf(withCode) })
    ).json<{ totp: boolean; recovery_codes_left: number }>();
    assert.deepEqual(status, { ...status, totp: true, recovery_codes_left: 9 });

    const reset = await request(server, 'DELETE', `/api/users/${u.id}/second-factors`, { cookie: admin });
    assert.equal(reset.status, 204, reset.text);
    assert.equal((await request(server, 'POST', '/api/auth/login', { body: creds })).status, 200);
    const audit = (await request(server, 'GET', '/api/audit?limit=50', { cookie: admin })).text;
    for (const action of ['user.totp_enabled', 'user.second_factors_reset', 'password+recovery_code'])
      assert.ok(audit.includes(action), `${action} is in the audit log`);
  });

  test('wrong codes are slowed down like wrong passwords (429 with Retry-After)', async () => {
    const u = await addUser(server, admin, 'frank', 'viewer');
    await enrolTotp(u.cookie);
    const body = { username: 'frank', password: userPassword('frank'), totp: '123456' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await request(server, 'POST', '/api/auth/login', { body })).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(5).includes(429), `slowed down after five: ${statuses.join(' ')}`);
  });

  test('a server that requires a second factor lets a user without one do nothing but enrol', async () => {
    const set = await request(server, 'PATCH', '/api/auth/policy', {
      cookie: admin,
      body: { second_factor: 'everyone' },
    });
    assert.equal(set.status, 200, set.text);
    try {
      const u = await addUser(server, admin, 'gina', 'operator');
      const me = (await request(server, 'GET', '/api/me', { cookie: u.cookie })).json<{
        second_factor_required: boolean;
      }>();
      assert.equal(me.second_factor_required, true);
      const nodes = await request(server, 'GET', '/api/nodes', { cookie: u.cookie });
      assert.equal(nodes.status, 403);
      assert.equal(nodes.json<{ code: string }>().code, 'second_factor_enrolment');
      await enrolTotp(u.cookie);
      assert.equal((await request(server, 'GET', '/api/nodes', { cookie: u.cookie })).status, 200);
    } finally {
      await request(server, 'PATCH', '/api/auth/policy', { cookie: admin, body: { second_factor: 'off' } });
    }
  });

  test('sessions: a user sees theirs and ends one; an admin ends anyone’s', async () => {
    const u = await addUser(server, admin, 'hank', 'viewer');
    const other = await login(server, 'hank', userPassword('hank'));
    const list = (await request(server, 'GET', '/api/me/sessions', { cookie: u.cookie })).json<
      { id: string; current: boolean; address: string | null; method: string }[]
    >();
    assert.equal(list.length, 2);
    assert.equal(list.filter((s) => s.current).length, 1);
    assert.ok(list.every((s) => s.address && s.method === 'password'));
    const theOther = list.find((s) => !s.current)!;
    assert.equal(
      (await request(server, 'DELETE', `/api/me/sessions/${theOther.id}`, { cookie: u.cookie })).status,
      204,
    );
    assert.equal((await request(server, 'GET', '/api/me', { cookie: other })).status, 401);
    const mine = list.find((s) => s.current)!;
    const ended = await request(server, 'DELETE', `/api/users/${u.id}/sessions/${mine.id}`, {
      cookie: admin,
    });
    assert.equal(ended.status, 204, ended.text);
    assert.equal((await request(server, 'GET', '/api/me', { cookie: u.cookie })).status, 401);
    // Someone else's session is not theirs to end.
    const ivy = await addUser(server, admin, 'ivy', 'viewer');
    const adminSessions = (await request(server, 'GET', '/api/me/sessions', { cookie: admin })).json<
      { id: string }[]
    >();
    const attempt = await request(server, 'DELETE', `/api/me/sessions/${adminSessions[0]!.id}`, {
      cookie: ivy.cookie,
    });
    assert.equal(attempt.status, 404);
  });
});

/** Read a server-sent-events stream for a while; the event names and data lines it carried. */
function readEvents(server: { url: string; ca: string }, cookie: string, forMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = https.get(
      new URL('/api/events', server.url),
      { ca: server.ca, headers: { cookie } },
      (res) => {
        res.on('data', (d: Buffer) => (text += d.toString()));
        setTimeout(() => {
          req.destroy();
          resolve(text);
        }, forMs);
      },
    );
    req.on('error', (e) => (text ? resolve(text) : reject(e)));
  });
}

describe('roles scoped to rooms: a user sees their rooms’ nodes only, and the rest is absent', () => {
  const server = useTestServer({ flags: { loginPerMinute: 1000 } });
  let admin = '';
  const ids = { roomA: '', roomB: '', nodeA: '', nodeB: '' };
  let operator = '';
  let viewer = '';
  const identities: Awaited<ReturnType<typeof simulatedIdentity>>[] = [];
  before(async () => {
    admin = await login(server);
    for (const [key, name] of [
      ['roomA', 'team-a'],
      ['roomB', 'team-b'],
    ] as const) {
      const r = await request(server, 'POST', `/api/spaces/${server.spaceId}/rooms`, {
        cookie: admin,
        body: { name },
      });
      ids[key] = r.json<{ id: string }>().id;
    }
    for (const [node, room] of [
      ['nodeA', 'roomA'],
      ['nodeB', 'roomB'],
    ] as const) {
      const sim = await simulatedIdentity(server);
      identities.push(sim);
      ids[node] = sim.id;
      const put = await request(server, 'PUT', `/api/rooms/${ids[room]}/nodes/${sim.id}`, { cookie: admin });
      assert.equal(put.status, 204, put.text);
    }
    for (const [name, role] of [
      ['olga', 'operator'],
      ['vera', 'viewer'],
    ] as const) {
      const created = await request(server, 'POST', '/api/users', {
        cookie: admin,
        body: { username: name, password: userPassword(name), role: 'none' },
      });
      assert.equal(created.status, 201, created.text);
      const b = await request(server, 'POST', '/api/role-bindings', {
        cookie: admin,
        body: { user_id: created.json<{ id: string }>().id, role, room_id: ids.roomA },
      });
      assert.equal(b.status, 201, b.text);
    }
    // The sign-in answers the roles the session holds, as GET /api/me does.
    const signedIn = await request(server, 'POST', '/api/auth/login', {
      body: { username: 'olga', password: userPassword('olga') },
    });
    assert.deepEqual(
      signedIn
        .json<{ role: string; rooms: { room_id: string; role: string }[] }>()
        .rooms.map((r) => [r.room_id, r.role]),
      [[ids.roomA, 'operator']],
    );
    assert.equal(signedIn.json<{ role: string }>().role, 'operator');
    operator = await login(server, 'olga', userPassword('olga'));
    viewer = await login(server, 'vera', userPassword('vera'));
  });
  after(() => identities.forEach((i) => i.remove()));

  test('lists hold room A’s node and not room B’s; B’s pages are absent (404), A’s answer', async () => {
    for (const path of ['/api/nodes', '/api/nodes/export', '/api/hosts', '/api/overview', '/api/backups']) {
      const res = await request(server, 'GET', path, { cookie: operator });
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.ok(!res.text.includes(ids.nodeB), `${path} leaks room B's node`);
    }
    assert.ok((await request(server, 'GET', '/api/nodes', { cookie: operator })).text.includes(ids.nodeA));
    const overview = (await request(server, 'GET', '/api/overview', { cookie: operator })).json<{
      nodes: { total: number };
    }>();
    assert.equal(overview.nodes.total, 1);
    const counts = (await request(server, 'GET', '/api/nodes/counts', { cookie: operator })).json<{
      all: number;
    }>();
    assert.equal(counts.all, 1, 'counts hold room A’s node only');
    for (const path of [
      `/api/nodes/${ids.nodeB}`,
      `/api/nodes/${ids.nodeB}/metrics`,
      `/api/hosts/${ids.nodeB}/jobs`,
      `/api/hosts/${ids.nodeB}/snapshots`,
      `/api/rooms/${ids.roomB}/data`,
    ]) {
      const res = await request(server, 'GET', path, { cookie: operator });
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.text}`);
    }
    const job = await request(server, 'POST', `/api/hosts/${ids.nodeB}/jobs`, {
      cookie: operator,
      body: { type: 'system.probe' },
    });
    assert.equal(job.status, 404, 'an operator of room A cannot run a job on room B’s node');
    assert.equal((await request(server, 'GET', `/api/nodes/${ids.nodeA}`, { cookie: operator })).status, 200);
    const rooms = (
      await request(server, 'GET', `/api/spaces/${server.spaceId}/rooms`, { cookie: operator })
    ).json<{ id: string }[]>();
    assert.deepEqual(
      rooms.map((r) => r.id),
      [ids.roomA],
    );
    // Moving room B's node into room A would take it over: refused as absent.
    const grab = await request(server, 'PUT', `/api/rooms/${ids.roomA}/nodes/${ids.nodeB}`, {
      cookie: admin,
    });
    assert.equal(grab.status, 204, 'the admin may');
    await request(server, 'DELETE', `/api/rooms/${ids.roomA}/nodes/${ids.nodeB}`, { cookie: admin });
  });

  test('job output needs operator on the node: a viewer of the room sees the job, not its output', async () => {
    const job = await request(server, 'POST', `/api/hosts/${ids.nodeA}/jobs`, {
      cookie: operator,
      body: { type: 'system.probe' },
    });
    assert.equal(job.status, 201, job.text);
    const jobId = job.json<{ id: string }>().id;
    const asViewer = (await request(server, 'GET', `/api/jobs/${jobId}`, { cookie: viewer })).json<{
      output_withheld?: boolean;
      state: string;
    }>();
    assert.equal(asViewer.output_withheld, true);
    assert.ok(asViewer.state);
    const asOperator = (await request(server, 'GET', `/api/jobs/${jobId}`, { cookie: operator })).json<{
      output_withheld?: boolean;
    }>();
    assert.equal(asOperator.output_withheld, undefined);
    const postViewer = await request(server, 'POST', `/api/hosts/${ids.nodeA}/jobs`, {
      cookie: viewer,
      body: { type: 'system.probe' },
    });
    assert.equal(postViewer.status, 403, 'a viewer runs nothing');
  });

  test('the event stream carries room A’s node and not room B’s', async () => {
    const reading = readEvents(server, operator, 4000);
    await new Promise((r) => setTimeout(r, 500));
    const links = [];
    for (const sim of identities) links.push(await sim.open());
    const text = await reading;
    for (const l of links) l.ws.close();
    assert.ok(text.includes(ids.nodeA), 'room A’s node came online in the stream');
    assert.ok(!text.includes(ids.nodeB), 'room B’s node is not in the stream');
  });

  test('an API key scoped to a room, and one that expired', async () => {
    const key = await request(server, 'POST', '/api/api-keys', {
      cookie: admin,
      body: { name: 'room-b', role: 'viewer', room_id: ids.roomB },
    });
    assert.equal(key.status, 201, key.text);
    const bearer = { authorization: `Bearer ${key.json<{ key: string }>().key}` };
    const nodes = await request(server, 'GET', '/api/nodes', { headers: bearer });
    assert.ok(nodes.text.includes(ids.nodeB) && !nodes.text.includes(ids.nodeA), nodes.text);
    assert.equal((await request(server, 'GET', `/api/nodes/${ids.nodeA}`, { headers: bearer })).status, 404);
    assert.equal((await request(server, 'GET', '/api/users', { headers: bearer })).status, 403);
    // A room-scoped user makes keys within their room only.
    const outside = await request(server, 'POST', '/api/api-keys', {
      cookie: operator,
      body: { name: 'wide', role: 'operator' },
    });
    assert.equal(outside.status, 403, outside.text);
    const short = await request(server, 'POST', '/api/api-keys', {
      cookie: operator,
      body: { name: 'short', role: 'viewer', room_id: ids.roomA, expires_at: Date.now() + 1500 },
    });
    assert.equal(short.status, 201, short.text);
    const shortKey = { authorization: `Bearer ${short.json<{ key: string }>().key}` };
    assert.equal((await request(server, 'GET', '/api/nodes', { headers: shortKey })).status, 200);
    await waitFor(
      async () => (await request(server, 'GET', '/api/nodes', { headers: shortKey })).status === 401 || null,
      'the expired key refused',
      5000,
    );
  });
});
