import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { SCHEDULE_ACTIONS } from '../../../src/protocol/schedules.ts';
import {
  answer,
  client,
  ok,
  roleAtLeast,
  type Me,
  type Node,
  type Schedule,
  type SourceGroup,
} from '../api.ts';
import { Card, ConfirmButton, ErrorText, field, Head, useAction } from '../components.tsx';
import { BackupHealthTable } from './node-backups.tsx';

const scheduleAction = z.enum(SCHEDULE_ACTIONS);

/** A schedule's next run in the schedule's own time zone, saying which. */
function inZone(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  try {
    const at = new Date(iso).toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
    return `${at} (${timeZone})`;
  } catch {
    return `${iso} (${timeZone})`;
  }
}

/** A host's backup plan: its health, source groups and schedules. */
export function BackupPlanCard({ node, me }: { node: Node; me: Me }) {
  const [groups, setGroups] = useState<SourceGroup[]>([]);
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const load = async () => {
    try {
      setGroups(
        await answer(client.GET('/api/hosts/{id}/source-groups', { params: { path: { id: node.id } } })),
      );
      setSchedules(
        await answer(client.GET('/api/hosts/{id}/schedules', { params: { path: { id: node.id } } })),
      );
    } catch (err) {
      setError(err);
    }
  };
  const { error, setError, act } = useAction(() => load());
  useEffect(() => void load(), [node.id]);
  const operator = roleAtLeast(me.role, 'operator');
  return (
    <Card title="Backups">
      <ErrorText error={error} />
      <BackupHealthTable node={node} />
      <h3>Source groups</h3>
      <SourceGroups node={node} groups={groups} act={act} load={load} operator={operator} />
      {operator && <SourceGroupForm node={node} act={act} />}
      <h3>Schedules</h3>
      <Schedules
        node={node}
        groups={groups}
        schedules={schedules}
        act={act}
        load={load}
        operator={operator}
      />
      {operator && groups.length > 0 && <ScheduleForm node={node} groups={groups} act={act} />}
    </Card>
  );
}

type Act = (fn: () => Promise<unknown>) => Promise<unknown>;

/** The host's source groups, each with its backup now and delete. */
function SourceGroups({
  node,
  groups,
  act,
  load,
  operator,
}: {
  node: Node;
  groups: SourceGroup[];
  act: Act;
  load: () => Promise<void>;
  operator: boolean;
}) {
  return (
    <table>
      <Head cols={['Name', 'Paths', 'Excludes', 'Retention', 'Tag', '']} />
      <tbody>
        {groups.map((g) => (
          <tr key={g.id}>
            <td>{g.name}</td>
            <td>{g.paths.join(', ')}</td>
            <td>{g.excludes.join(', ')}</td>
            <td>
              {Object.entries(g.retention)
                .map(([k, v]) => `${k.replace('keep_', '')} ${Array.isArray(v) ? v.join(' ') : String(v)}`)
                .join(', ') || '—'}
            </td>
            <td>{g.tag}</td>
            <td class="row-actions">
              {operator && (
                <>
                  <button
                    type="button"
                    onClick={() =>
                      act(() =>
                        ok(
                          client.POST('/api/hosts/{id}/source-groups/{item}/backup', {
                            params: { path: { id: node.id, item: g.id } },
                          }),
                        ),
                      )
                    }
                  >
                    Back up now
                  </button>
                  <ConfirmButton
                    label="Delete"
                    danger
                    question={`Delete source group ${g.name}? Snapshots already made stay in the repository.`}
                    onConfirm={() =>
                      ok(
                        client.DELETE('/api/hosts/{id}/source-groups/{item}', {
                          params: { path: { id: node.id, item: g.id } },
                        }),
                      ).then(load)
                    }
                  />
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A new source group: name, paths, excludes, daily retention. */
function SourceGroupForm({ node, act }: { node: Node; act: Act }) {
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const list = (k: string) =>
          field(f, k)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
        const keep = Number(f.get('keep_daily'));
        void act(() =>
          ok(
            client.POST('/api/hosts/{id}/source-groups', {
              params: { path: { id: node.id } },
              body: {
                name: field(f, 'name'),
                paths: list('paths'),
                excludes: list('excludes'),
                retention: keep > 0 ? { keep_daily: keep } : {},
              },
            }),
          ),
        );
      }}
    >
      <label>
        Name
        <input name="name" required />
      </label>
      <label class="grow">
        Paths (comma-separated)
        <input name="paths" required placeholder="/etc, /srv" />
      </label>
      <label>
        Excludes
        <input name="excludes" placeholder="/srv/cache" />
      </label>
      <label>
        Keep daily
        <input name="keep_daily" type="number" min="0" value="7" />
      </label>
      <button type="submit">Add group</button>
    </form>
  );
}

/** The host's schedules, each with run now, enable or disable, delete. */
function Schedules({
  node,
  groups,
  schedules,
  act,
  load,
  operator,
}: {
  node: Node;
  groups: SourceGroup[];
  schedules: Schedule[];
  act: Act;
  load: () => Promise<void>;
  operator: boolean;
}) {
  return (
    <table>
      <Head cols={['Group', 'Action', 'Cron', 'Time zone', 'Next run', '']} />
      <tbody>
        {schedules.map((s) => (
          <tr key={s.id}>
            <td>{groups.find((g) => g.id === s.source_group_id)?.name ?? s.source_group_id}</td>
            <td>{s.action}</td>
            <td>
              <code>{s.cron}</code>
            </td>
            <td>{s.timezone}</td>
            <td>
              {s.enabled ? inZone(s.next_runs[0], s.timezone) : 'disabled'}
              {s.warning && (
                <div class="reason warning-text" data-schedule-warning>
                  ⚠ {s.warning}
                </div>
              )}
            </td>
            <td class="row-actions">
              {operator && (
                <>
                  <button
                    type="button"
                    onClick={() =>
                      act(() =>
                        ok(
                          client.POST('/api/hosts/{id}/schedules/{item}/run', {
                            params: { path: { id: node.id, item: s.id } },
                          }),
                        ),
                      )
                    }
                  >
                    Run now
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      act(() =>
                        ok(
                          client.PATCH('/api/hosts/{id}/schedules/{item}', {
                            params: { path: { id: node.id, item: s.id } },
                            body: { enabled: !s.enabled },
                          }),
                        ),
                      )
                    }
                  >
                    {s.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <ConfirmButton
                    label="Delete"
                    danger
                    question="Delete this schedule? The agent stops running it at once."
                    onConfirm={() =>
                      ok(
                        client.DELETE('/api/hosts/{id}/schedules/{item}', {
                          params: { path: { id: node.id, item: s.id } },
                        }),
                      ).then(load)
                    }
                  />
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A new schedule of one of the host's source groups, in the browser's time zone by default. */
function ScheduleForm({ node, groups, act }: { node: Node; groups: SourceGroup[]; act: Act }) {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        void act(() =>
          ok(
            client.POST('/api/hosts/{id}/schedules', {
              params: { path: { id: node.id } },
              body: {
                source_group_id: field(f, 'group'),
                action: scheduleAction.parse(field(f, 'action')),
                cron: field(f, 'cron'),
                timezone: field(f, 'timezone'),
              },
            }),
          ),
        );
      }}
    >
      <label>
        Group
        <select name="group">
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Action
        <select name="action">
          <option>backup</option>
          <option>forget</option>
          <option>check</option>
        </select>
      </label>
      <label>
        Cron
        <input name="cron" required value="0 2 * * *" />
      </label>
      <label>
        Time zone
        <input name="timezone" required value={tz} />
      </label>
      <button type="submit">Add schedule</button>
    </form>
  );
}
