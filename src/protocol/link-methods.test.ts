import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  answerLinkRequest,
  parseHostConfig,
  parseLinkResult,
  type LinkMethodHandlers,
} from './link-methods.ts';

const handlers: LinkMethodHandlers = {
  facts: () => {
    throw new Error('cannot read /proc');
  },
  metrics: (p) => ({ ok: true, result: { series: { asked: [[p.points, p.after]] }, history_seconds: 1 } }),
  'job.start': () => ({ ok: true, result: {} }),
  'backup.snapshots': () => ({ ok: false, message: 'this host has no backup repository' }),
  'backup.files': (p) => ({
    ok: true,
    result: { snapshot: p.snapshot, path: p.path, entries: [], truncated: false },
  }),
  'backup.stats': () => ({ ok: false, message: 'this host has no backup repository' }),
  'backup.diff': () => ({ ok: true, result: { changes: [], truncated: false, stats: null } }),
  'backup.find': () => ({ ok: true, result: { matches: [], truncated: false } }),
  'backup.download.open': () => ({ ok: false, code: 'too_large', message: 'too large' }),
  'backup.download.read': () => ({ ok: true, result: { data: '', eof: true } }),
  'backup.download.close': () => ({ ok: true, result: {} }),
  'data.contexts': () => ({ ok: true, result: { contexts: [] } }),
  'data.query': (p) => ({ ok: false, code: 'not_found', message: `no chart ${p.context}` }),
  'data.alerts': () => ({ ok: true, result: { alerts: [] } }),
  'data.functions': () => ({ ok: true, result: { functions: [] } }),
  'data.function': (p) => ({ ok: true, result: { name: p.name, columns: [], rows: [] } }),
};

describe('the link contract', () => {
  test('an agent refuses a method it does not know, and parameters that do not parse, with their codes', async () => {
    assert.deepEqual(await answerLinkRequest(handlers, 'reboot', {}), {
      ok: false,
      code: 'unknown_method',
      message: 'method reboot is not supported by this agent',
    });
    const bad = await answerLinkRequest(handlers, 'backup.files', { snapshot: 'abc', path: 'relative' });
    assert.equal(bad.ok === false && bad.code, 'invalid_params');
  });

  test('parameters get their defaults and bounds; a handler that throws is a refusal', async () => {
    assert.deepEqual(await answerLinkRequest(handlers, 'metrics', { points: 99_999 }), {
      ok: true,
      result: { series: { asked: [[3600, 0]] }, history_seconds: 1 },
    });
    assert.deepEqual(await answerLinkRequest(handlers, 'facts', undefined), {
      ok: false,
      code: 'refused',
      message: 'cannot read /proc',
    });
  });

  test('a result is parsed by its method', () => {
    assert.equal(parseLinkResult('backup.snapshots', { snapshots: [] }).ok, true);
    const bad = parseLinkResult('backup.snapshots', { snapshots: [{ id: 1 }] });
    assert.equal(bad.ok, false);
  });

  test('a host configuration falls back field by field: a bad field does not take the others with it', () => {
    const config = parseHostConfig({
      initial_paths: ['/etc'],
      repository: { repo_password: 'no url' },
      schedules: 'not a list',
    });
    assert.deepEqual(config.initial_paths, ['/etc']);
    assert.equal(config.repository, undefined, 'a repository without its URL is no repository');
    assert.deepEqual(config.schedules, []);
    assert.deepEqual(JSON.parse(JSON.stringify(parseHostConfig('garbage'))), {
      initial_paths: [],
      schedules: [],
      limits: {},
    });
  });

  test("a schedule this agent cannot read (a newer server's action) is skipped, not every schedule with it", () => {
    const group = { id: 'g', name: 'etc', paths: ['/etc'], excludes: [], retention: {}, tag: 'muster-etc' };
    const config = parseHostConfig({
      schedules: [
        { id: 'a', action: 'teleport', cron: '0 2 * * *', timezone: 'UTC', enabled: true, group },
        { id: 'b', action: 'backup', cron: '0 2 * * *', timezone: 'UTC', enabled: true, group },
      ],
    });
    assert.deepEqual(
      config.schedules.map((s) => [s.id, s.delay_seconds, s.group.options]),
      [['b', 0, {}]],
    );
  });
});
