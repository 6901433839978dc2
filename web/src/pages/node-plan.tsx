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
import { Card, ConfirmButton, Dialog, ErrorText, field, Head, useAction } from '../components.tsx';
import type { EffectivePlanView } from '../../../src/protocol/api/backup-plans.ts';
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
      <EffectivePlan node={node} operator={operator} act={act} />
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
            <td>
              {g.tag}
              {g.plan_id && <span class="origin">from a plan</span>}
            </td>
            <td class="row-actions">
              {operator && (
                <>
                  {!g.plan_id && <GroupEdit node={node} group={g} act={act} />}
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
                  {!g.plan_id && (
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
                  )}
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
        <input name="keep_daily" type="number" min="0" defaultValue="7" />
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
            <td>
              {s.action}
              {s.plan_id && <span class="origin">from a plan</span>}
            </td>
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
                  {s.plan_id ? null : (
                    <>
                      <ScheduleEdit node={node} schedule={s} act={act} />
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
                    </>
                  )}
                  {!s.plan_id && (
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
                  )}
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
          {SCHEDULE_ACTIONS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <label>
        Cron
        <input name="cron" required defaultValue="0 2 * * *" />
      </label>
      <label>
        Time zone
        <input name="timezone" required defaultValue={tz} />
      </label>
      <button type="submit">Add schedule</button>
    </form>
  );
}

const list = (f: FormData, k: string) =>
  field(f, k)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const count = (f: FormData, k: string) => (Number(f.get(k)) > 0 ? Number(f.get(k)) : undefined);

/** Edit one of the node's own source groups: what it backs up, what it leaves out, how long it keeps snapshots. */
function GroupEdit({ node, group, act }: { node: Node; group: SourceGroup; act: Act }) {
  const [open, setOpen] = useState(false);
  const r = group.retention;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Edit
      </button>
      {open && (
        <Dialog title={`Edit source group ${group.name}`} onClose={() => setOpen(false)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              void act(async () => {
                await ok(
                  client.PATCH('/api/hosts/{id}/source-groups/{item}', {
                    params: { path: { id: node.id, item: group.id } },
                    body: {
                      name: field(f, 'name'),
                      paths: list(f, 'paths'),
                      excludes: list(f, 'excludes'),
                      retention: {
                        ...(count(f, 'keep_last') ? { keep_last: count(f, 'keep_last') } : {}),
                        ...(count(f, 'keep_daily') ? { keep_daily: count(f, 'keep_daily') } : {}),
                        ...(count(f, 'keep_weekly') ? { keep_weekly: count(f, 'keep_weekly') } : {}),
                        ...(count(f, 'keep_monthly') ? { keep_monthly: count(f, 'keep_monthly') } : {}),
                        ...(field(f, 'keep_within') ? { keep_within: field(f, 'keep_within') } : {}),
                      },
                      options: {
                        ...group.options,
                        exclude_caches: f.get('exclude_caches') === 'on',
                        one_file_system: f.get('one_file_system') === 'on',
                      },
                    },
                  }),
                );
                setOpen(false);
              });
            }}
          >
            <label>
              Name
              <input name="name" required defaultValue={group.name} />
            </label>
            <label>
              Paths (comma-separated)
              <input name="paths" required defaultValue={group.paths.join(', ')} />
            </label>
            <label>
              Excludes
              <input name="excludes" defaultValue={group.excludes.join(', ')} />
            </label>
            <div class="inline">
              <label>
                Keep last
                <input name="keep_last" type="number" min="0" defaultValue={r.keep_last ?? ''} />
              </label>
              <label>
                Keep daily
                <input name="keep_daily" type="number" min="0" defaultValue={r.keep_daily ?? ''} />
              </label>
              <label>
                Keep weekly
                <input name="keep_weekly" type="number" min="0" defaultValue={r.keep_weekly ?? ''} />
              </label>
              <label>
                Keep monthly
                <input name="keep_monthly" type="number" min="0" defaultValue={r.keep_monthly ?? ''} />
              </label>
              <label>
                Keep within
                <input name="keep_within" placeholder="30d" defaultValue={r.keep_within ?? ''} />
              </label>
            </div>
            <label class="check">
              <input
                type="checkbox"
                name="exclude_caches"
                defaultChecked={group.options.exclude_caches === true}
              />{' '}
              skip cache directories
            </label>
            <label>
              <input
                type="checkbox"
                name="one_file_system"
                defaultChecked={group.options.one_file_system === true}
              />{' '}
              stay on one file system
            </label>
            <div class="actions">
              <button type="submit" class="primary">
                Save
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}

/** Edit one of the node's own schedules: its action, cron expression and time zone. */
function ScheduleEdit({ node, schedule, act }: { node: Node; schedule: Schedule; act: Act }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Edit
      </button>
      {open && (
        <Dialog title="Edit schedule" onClose={() => setOpen(false)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              void act(async () => {
                await ok(
                  client.PATCH('/api/hosts/{id}/schedules/{item}', {
                    params: { path: { id: node.id, item: schedule.id } },
                    body: {
                      action: scheduleAction.parse(field(f, 'action')),
                      cron: field(f, 'cron'),
                      timezone: field(f, 'timezone'),
                    },
                  }),
                );
                setOpen(false);
              });
            }}
          >
            <label>
              Action
              <select name="action">
                {SCHEDULE_ACTIONS.map((a) => (
                  <option key={a} selected={a === schedule.action}>
                    {a}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Cron
              <input name="cron" required defaultValue={schedule.cron} />
            </label>
            <label>
              Time zone
              <input name="timezone" required defaultValue={schedule.timezone} />
            </label>
            <div class="actions">
              <button type="submit" class="primary">
                Save
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}

const ORIGIN_LABEL: Record<string, string> = { plan: 'plan', node: 'this node', default: 'default' };

/** The plan the node follows, each field with where it comes from; operators set or clear the node's own values. */
function EffectivePlan({ node, operator, act }: { node: Node; operator: boolean; act: Act }) {
  const [plan, setPlan] = useState<EffectivePlanView | null>(null);
  const [editing, setEditing] = useState(false);
  const load = () =>
    answer(client.GET('/api/nodes/{id}/backup-plan', { params: { path: { id: node.id } } })).then(setPlan);
  useEffect(() => void load().catch(() => undefined), [node.id, node.repo_status]);
  if (!plan?.plan) return null;
  const f = plan.fields;
  const shown: [string, string][] = [
    ['paths', f.paths?.join(', ') ?? ''],
    [
      'schedule',
      f.schedule ? `${f.schedule.cron} ${f.schedule.timezone}, this node ${plan.spread_seconds} s after` : '',
    ],
    [
      'retention',
      Object.entries(f.retention ?? {})
        .map(([k, v]) => `${k.replace('keep_', '')} ${Array.isArray(v) ? v.join(' ') : String(v)}`)
        .join(', ') || 'none',
    ],
    ['prune', f.prune ? f.prune.cron : 'after each backup'],
    [
      'check',
      f.check
        ? `${f.check.cron}${f.check.read_data_subset ? `, reads ${f.check.read_data_subset}` : ''}`
        : 'never',
    ],
    [
      'hooks',
      [
        ...(f.hooks?.before ?? []).map((h) => `${h} before`),
        ...(f.hooks?.after ?? []).map((h) => `${h} after`),
      ].join(', ') || 'none',
    ],
  ];
  const save = (overrides: Partial<NonNullable<EffectivePlanView['overrides']>> | null) =>
    act(async () => {
      setPlan(
        await answer(
          client.PUT('/api/nodes/{id}/backup-plan', {
            params: { path: { id: node.id } },
            body: { overrides },
          }),
        ),
      );
      setEditing(false);
    });
  return (
    <div class="effective-plan" data-plan={plan.plan.name}>
      <h3>Backup plan: {plan.plan.name}</h3>
      <dl class="facts">
        {shown.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd data-field={k}>
              {v}
              <span class={`origin ${plan.origins[k] ?? 'plan'}`}>
                {ORIGIN_LABEL[plan.origins[k] ?? 'plan']}
              </span>
            </dd>
          </>
        ))}
        <dt>repository</dt>
        <dd>
          {plan.repository.location ?? '—'}
          <span class="origin">{plan.repository.origin === 'plan' ? 'plan' : 'this node'}</span>
        </dd>
      </dl>
      {operator && (
        <div class="row-actions">
          <button type="button" onClick={() => setEditing(true)}>
            Override for this node
          </button>
          {plan.overrides && (
            <button type="button" onClick={() => void save(null)}>
              Follow the plan
            </button>
          )}
        </div>
      )}
      {editing && (
        <Dialog title="Override the plan for this node" onClose={() => setEditing(false)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const fd = new FormData(e.currentTarget);
              const paths = list(fd, 'paths');
              const cron = field(fd, 'cron');
              void save({
                ...plan.overrides,
                ...(paths.length ? { paths } : {}),
                ...(cron
                  ? { schedule: { cron, timezone: field(fd, 'timezone') || 'UTC', spread_minutes: 0 } }
                  : {}),
              });
            }}
          >
            <p class="hint">Leave a field empty to keep the plan's value.</p>
            <label>
              Paths (comma-separated)
              <input name="paths" placeholder={f.paths?.join(', ')} />
            </label>
            <label>
              Back up at (cron)
              <input name="cron" placeholder={f.schedule?.cron} />
            </label>
            <label>
              Time zone
              <input name="timezone" placeholder={f.schedule?.timezone} />
            </label>
            <div class="actions">
              <button type="submit" class="primary">
                Save
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </div>
  );
}
