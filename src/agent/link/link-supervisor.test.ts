import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { AgentClock } from '../clock.ts';
import { openStateDir } from '../state/state-dir.ts';
import { createLinkSupervisor } from './link-supervisor.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const clock: AgentClock = { now: () => 42_000, setTimeout: () => 0, clearTimeout: () => undefined };

function supervisor(env: NodeJS.ProcessEnv = {}, flags = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'muster-supervisor-'));
  dirs.push(dir);
  const state = openStateDir(dir);
  state.ensure();
  const online: boolean[] = [];
  const s = createLinkSupervisor({
    clock,
    state,
    flags,
    env,
    log: () => undefined,
    link: { online: (up) => void online.push(up) },
  });
  return { s, state, online };
}

describe('agent link supervisor', () => {
  test('an agent nobody claimed waits, saying how to claim it, and opens no link', async () => {
    const { s, online } = supervisor();
    await s.evaluate();
    assert.deepEqual(
      { status: s.status().status, reason: s.status().reason, since: s.status().since },
      {
        status: 'available',
        reason: 'not claimed; run muster-agent claim or give a claim token',
        since: 42_000,
      },
    );
    assert.deepEqual(online, []);
    await s.stop();
  });

  test('a claim that cannot reach its server is tried again, and says when', async () => {
    const { s } = supervisor({}, { token: 'a'.repeat(40), url: 'http://127.0.0.1:9', rooms: '' });
    await s.evaluate();
    const st = s.status();
    assert.equal(st.status, 'available');
    assert.match(st.reason, /127\.0\.0\.1:9/);
    assert.equal(st.next_attempt_at, 42_000 + 10_000);
    await s.stop();
  });

  test('a claimed agent whose link is disabled in cloud.conf stays offline and says why', async () => {
    const { s, state } = supervisor();
    writeFileSync(state.paths.claimedId, '7b9b5c4e-1111-4222-8333-944455556666\n');
    writeFileSync(state.paths.cloudConf, '[global]\n  enabled = no\n  url = https://muster.example\n');
    await s.evaluate();
    assert.deepEqual(
      { status: s.status().status, reason: s.status().reason },
      { status: 'offline', reason: 'disabled in cloud.conf' },
    );
    await s.stop();
  });
});
