import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  PLAN_FIELD_NAMES,
  type BackupPlanView,
  type EffectivePlanView,
  type PlanCreateBody,
  type PlanFields,
  planFields,
  planPatchBody,
} from '../../protocol/api/backup-plans.ts';
import { repositoryCredentials, type RepositoryCredentials } from '../../protocol/link-methods.ts';
import { backendEnvProblem, repositoryBackend, repositoryUrlProblem } from '../../protocol/repository-url.ts';
import { hasRetention, type BackupOptions } from '../../protocol/schedules.ts';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import type { Sealer } from '../crypto.ts';
import type { BackupPlansTable, NodesTable, SchedulesTable, SourceGroupsTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../repos/store.ts';
import { tagFromName, validateCron } from '../schedules/schedules-service.ts';
import { repositoryLocation } from '../nodes/node-repositories.ts';
import type { z } from 'zod';

/** When a plan prunes unless it says otherwise: weekly, Sunday 04:00 UTC. */
export const DEFAULT_PRUNE = { cron: '0 4 * * 0', timezone: 'UTC' };

/** A plan's secrets as they are sealed: the repositories' password, the backend's variables, an sftp key. */
interface PlanSecrets {
  password?: string | undefined;
  env?: Record<string, string> | undefined;
  ssh_key?: string | undefined;
  /** The password made for a shared repository when the plan gives none (one repository, one password). */
  shared_password?: string | undefined;
  /** The second repository's (restic copy), likewise. */
  copy_password?: string | undefined;
  copy_env?: Record<string, string> | undefined;
  copy_shared_password?: string | undefined;
}

/** Where a plan copies its snapshots to, and when (its secrets are sealed apart). */
export interface CopySpec {
  cron: string;
  timezone: string;
  template: string;
}

type StoredSpec = Omit<PlanFields, 'prune'> & {
  prune: PlanFields['prune'];
  template: string;
  copy?: CopySpec | null;
};

/** Whether every node of a plan writes to the same repository (its template names no node). */
export const sharedTemplate = (template: string) => !/\{(?:hostname|node_id)\}/.test(template);

/** What repositories store (their last statistics), each repository counted once. */
function sizeOf(repos: { repo_location: string | null; repo_stats: string | null }[]): number {
  const seen = new Map<string, number>();
  for (const r of repos)
    if (r.repo_location && r.repo_stats)
      seen.set(r.repo_location, (JSON.parse(r.repo_stats) as { raw_size?: number | null }).raw_size ?? 0);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

/** A plan's secrets for its copy target, as given (the rest kept): a shared target gets one generated password. */
function copySecrets(
  current: PlanSecrets,
  copy: { template: string; password?: string | undefined; env?: Record<string, string> | undefined } | null,
): Partial<PlanSecrets> {
  if (!copy) return { copy_password: undefined, copy_env: undefined };
  return {
    copy_password: copy.password ?? current.copy_password,
    copy_env: copy.env ?? current.copy_env,
    ...(sharedTemplate(copy.template) && !copy.password && !current.copy_shared_password
      ? { copy_shared_password: randomBytes(24).toString('base64url') }
      : {}),
  };
}

/** A host name as a path or URL part: letters, digits, dot, dash and underscore. */
const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'node';

/** The template with a node's values in it. */
export function expandTemplate(template: string, node: { id: string; hostname: string }): string {
  return template.replaceAll('{hostname}', safeName(node.hostname)).replaceAll('{node_id}', node.id);
}

/** A node's fixed delay within a plan's spread: the same every run, different from node to node. */
export function spreadSeconds(nodeId: string, planId: string, spreadMinutes: number): number {
  if (spreadMinutes <= 0) return 0;
  const h = createHash('sha256').update(`${planId}/${nodeId}`).digest().readUInt32BE(0);
  return h % (spreadMinutes * 60);
}

/** Why a template cannot make repositories, or null: it must give a location restic takes for any node. */
function templateProblem(
  template: string,
  env: Record<string, string>,
  sshKey: string | undefined,
): string | null {
  const unknown = /\{(?!hostname\}|node_id\})[^}]*\}/.exec(template);
  if (unknown) return `the template has ${unknown[0]}; it may hold {hostname} and {node_id}`;
  const sample = expandTemplate(template, { id: '00000000-0000-0000-0000-000000000000', hostname: 'host-1' });
  const location = repositoryUrlProblem(sample);
  if (location) return location;
  const badEnv = backendEnvProblem(sample, env);
  if (badEnv) return badEnv;
  if (sshKey && repositoryBackend(sample) !== 'sftp') return 'ssh_key is only for sftp: templates';
  return null;
}

/** An object without some of its fields. */
function omit<T extends object, K extends keyof T>(o: T, keys: K[]): Omit<T, K> {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

const parseSpec = (row: BackupPlansTable): StoredSpec => JSON.parse(row.spec) as StoredSpec;

/**
 * Backup plans: what to back up and how, once, for every node of a room or a space. A node follows one plan (the
 * oldest of its rooms' plans, else the oldest of its space's), with its own overrides; what the plan gives it is
 * written as the node's source group and schedules, marked with the plan, so that the agent, run-now, health and
 * overdue all work on it as on a node's own. A node without a repository (or with one a plan made) gets the plan's
 * template's, with its password generated and sealed at first use.
 */
export function createBackupPlansService(deps: { store: Store; clock: Clock; sealer: Sealer }) {
  const { store, clock, sealer } = deps;
  const repo = store.repos.backupPlans;

  const openSecrets = (row: BackupPlansTable): PlanSecrets =>
    row.secrets_enc ? (JSON.parse(sealer.open(row.secrets_enc)) as PlanSecrets) : {};

  async function planOrThrow(id: string) {
    const row = await repo.find(id);
    if (!row) throw new AppError('NOT_FOUND', `backup plan ${id} does not exist`);
    return row;
  }

  async function present(row: BackupPlansTable): Promise<BackupPlanView> {
    const spec = parseSpec(row);
    const secrets = openSecrets(row);
    const nodes = await repo.nodesWithPlan(row.id);
    const { template, copy, ...fields } = spec;
    return {
      id: row.id,
      name: row.name,
      space_id: row.space_id,
      room_id: row.room_id,
      ...fields,
      copy: copy
        ? {
            ...copy,
            password_set: Boolean(secrets.copy_password),
            env_names: Object.keys(secrets.copy_env ?? {}).sort(),
            last_run_at: row.copy_fired_at,
          }
        : null,
      repository: {
        template,
        shared: sharedTemplate(template),
        password_set: Boolean(secrets.password),
        env_names: Object.keys(secrets.env ?? {}).sort(),
        ssh_key_set: Boolean(secrets.ssh_key),
      },
      node_count: nodes.length,
      repository_size: sizeOf(await repo.repositoriesOf(nodes)),
      queue: (await repo.activeJobs(nodes)).map((j) => ({
        job_id: j.id,
        node_id: j.node_id,
        hostname: j.hostname,
        type: j.type,
        state: j.state,
        created_at: Number(j.created_at),
      })),
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  function checkSpec(spec: StoredSpec, secrets: PlanSecrets) {
    validateCron(spec.schedule.cron, spec.schedule.timezone);
    if (spec.prune) validateCron(spec.prune.cron, spec.prune.timezone);
    if (spec.check) validateCron(spec.check.cron, spec.check.timezone);
    const problem = templateProblem(spec.template, secrets.env ?? {}, secrets.ssh_key);
    if (problem) throw new AppError('VALIDATION_FAILED', `repository.template: ${problem}`);
    if (spec.copy) {
      validateCron(spec.copy.cron, spec.copy.timezone);
      const copyProblem = templateProblem(spec.copy.template, secrets.copy_env ?? {}, undefined);
      if (copyProblem) throw new AppError('VALIDATION_FAILED', `copy.template: ${copyProblem}`);
      if (spec.copy.template === spec.template)
        throw new AppError('VALIDATION_FAILED', 'copy.template: the second repository must be another one');
    }
  }

  /** The plan a node follows, and the others of its rooms or space that lose to it. */
  async function planOf(node: Pick<NodesTable, 'id' | 'space_id'>) {
    const candidates = await repo.candidatesOfNode(node.space_id, node.id);
    const chosen = candidates.find((p) => p.room_id !== null) ?? candidates[0] ?? null;
    return { plan: chosen, others: candidates.filter((p) => p !== chosen) };
  }

  /** The plan's fields with the node's overrides, and where each comes from. */
  async function effective(plan: BackupPlansTable, nodeId: string) {
    const spec = parseSpec(plan);
    const o = await repo.findOverride(nodeId);
    const overrides = o ? (planFields.partial().parse(JSON.parse(o.spec)) as Partial<PlanFields>) : null;
    const fields = { ...spec } as StoredSpec;
    const origins: Record<string, 'plan' | 'node' | 'default'> = {};
    for (const k of PLAN_FIELD_NAMES) {
      if (overrides && overrides[k] !== undefined) {
        (fields as Record<string, unknown>)[k] = overrides[k];
        origins[k] = 'node';
      } else origins[k] = 'plan';
    }
    if (spec.prune === undefined) origins.prune = 'default';
    return { fields, origins, overrides };
  }

  /** The group and schedules a plan gives a node, as rows. */
  function managedRows(
    plan: BackupPlansTable,
    node: NodesTable,
    f: StoredSpec,
    steward: boolean,
  ): { group: SourceGroupsTable; schedules: SchedulesTable[] } {
    const now = clock.now();
    const groupId = `plan-${plan.id}-${node.id}`;
    const prune = f.prune === undefined ? DEFAULT_PRUNE : f.prune;
    const pruneScheduled = prune !== null && hasRetention(f.retention);
    const options: BackupOptions = {
      ...(f.exclude_caches ? { exclude_caches: true } : {}),
      ...(f.exclude_if_present.length ? { exclude_if_present: f.exclude_if_present } : {}),
      ...(f.one_file_system ? { one_file_system: true } : {}),
      ...(f.hooks.before?.length || f.hooks.after?.length ? { hooks: f.hooks } : {}),
      ...(f.tags.length ? { tags: f.tags } : {}),
      // A prune schedule reclaims space; each backup only forgets.
      ...(pruneScheduled ? { prune_after_backup: false } : {}),
      // One repository for all: its retention is applied once, by the node that prunes it, not after each backup.
      ...(sharedTemplate(f.template) && pruneScheduled ? { forget_after_backup: false } : {}),
      ...(f.check?.read_data_subset ? { read_data_subset: f.check.read_data_subset } : {}),
    };
    const group: SourceGroupsTable = {
      id: groupId,
      node_id: node.id,
      name: `plan: ${plan.name}`,
      paths: JSON.stringify(f.paths),
      excludes: JSON.stringify(f.excludes),
      retention: JSON.stringify(f.retention),
      tag: tagFromName(`plan-${plan.name}`),
      overdue_after_hours: null,
      options: JSON.stringify(options),
      plan_id: plan.id,
      created_at: now,
      updated_at: now,
    };
    const schedule = (
      action: SchedulesTable['action'],
      s: { cron: string; timezone: string },
      delay: number,
    ): SchedulesTable => ({
      id: `${groupId}-${action}`,
      node_id: node.id,
      source_group_id: groupId,
      action,
      cron: s.cron,
      timezone: s.timezone,
      enabled: 1,
      delay_seconds: delay,
      plan_id: plan.id,
      created_at: now,
      updated_at: now,
    });
    const schedules = [
      schedule('backup', f.schedule, spreadSeconds(node.id, plan.id, f.schedule.spread_minutes)),
    ];
    // A shared repository is pruned and checked once, by one node of the plan (its steward), not by each.
    if (steward && pruneScheduled && prune) schedules.push(schedule('forget', prune, 0));
    if (steward && f.check) schedules.push(schedule('check', f.check, 0));
    return { group, schedules };
  }

  /** The repository a node gets from a plan, or null when it keeps the one it has. */
  async function planRepository(
    plan: BackupPlansTable,
    node: NodesTable,
    template: string,
  ): Promise<RepositoryCredentials | 'keep'> {
    const secrets = openSecrets(plan);
    const current = (await store.repos.nodes.findSecrets(node.id))?.repo_enc ?? null;
    const currentCreds = current ? repositoryCredentials.parse(JSON.parse(sealer.open(current))) : null;
    // Set by hand on the node: the node's own, which a plan never replaces.
    if (currentCreds && node.repo_plan_id === null) return 'keep';
    const sameRepository =
      currentCreds && node.repo_plan_id === plan.id && node.repo_plan_template === template;
    const password =
      secrets.password ??
      (sharedTemplate(template) ? secrets.shared_password : undefined) ??
      // Per node: made once, kept for as long as the node keeps this repository (losing it loses the data).
      (sameRepository ? currentCreds.repo_password : undefined) ??
      randomBytes(24).toString('base64url');
    const copySpec = parseSpec(plan).copy;
    const copyUrl = copySpec ? expandTemplate(copySpec.template, node) : null;
    const copyPassword = copySpec
      ? (secrets.copy_password ??
        (sharedTemplate(copySpec.template) ? secrets.copy_shared_password : undefined) ??
        (currentCreds?.copy?.repo_url === copyUrl ? currentCreds?.copy?.repo_password : undefined) ??
        randomBytes(24).toString('base64url'))
      : null;
    const creds: RepositoryCredentials = {
      repo_url: sameRepository ? currentCreds.repo_url : expandTemplate(template, node),
      repo_password: password,
      ...(secrets.env && Object.keys(secrets.env).length ? { env: secrets.env } : {}),
      ...(secrets.ssh_key ? { ssh_key: secrets.ssh_key } : {}),
      ...(copyUrl && copyPassword
        ? {
            copy: {
              repo_url: copyUrl,
              repo_password: copyPassword,
              ...(secrets.copy_env && Object.keys(secrets.copy_env).length ? { env: secrets.copy_env } : {}),
            },
          }
        : {}),
    };
    if (currentCreds && JSON.stringify(currentCreds) === JSON.stringify(creds)) return 'keep';
    return creds;
  }

  /** Serialise work per node, so that a welcome and a plan change do not write the same rows at once. */
  const chains = new Map<string, Promise<unknown>>();
  function perNode<T>(nodeId: string, fn: () => Promise<T>): Promise<T> {
    const prev = chains.get(nodeId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    chains.set(nodeId, settled);
    void settled.then(() => {
      if (chains.get(nodeId) === settled) chains.delete(nodeId);
    });
    return next;
  }

  /**
   * Bring what plans give a node in line with the plan it follows now: its managed group and schedules, and its
   * repository. Says what changed, so the caller pushes the configuration and initialises a new repository.
   */
  function apply(
    actor: Actor,
    nodeId: string,
  ): Promise<{
    changed: boolean;
    repository: boolean;
    limits: PlanFields['limits'];
    /** The node's groups and schedules as read, when nothing was written (the caller need not read them again). */
    rows: { groups: SourceGroupsTable[]; schedules: SchedulesTable[] } | null;
  }> {
    return perNode(nodeId, async () => {
      const node = await store.repos.nodes.findNode(nodeId);
      const { plan } = node ? await followed(node) : { plan: null };
      // All of the node's groups and schedules: the plan's are among them, and the host's configuration is made of
      // all of them (two statements at every link, not four).
      const [allGroups, allSchedules] = await Promise.all([
        store.repos.schedules.listGroups(nodeId),
        store.repos.schedules.listSchedules(nodeId),
      ]);
      const rows = { groups: allGroups, schedules: allSchedules };
      const groups = allGroups.filter((g) => g.plan_id !== null);
      const managed = allSchedules.filter((x) => x.plan_id !== null);
      // Compared in one order whatever order the rows were read or made in.
      const strip = (list: SchedulesTable[]) =>
        list.map((r) => ({ ...r, created_at: 0, updated_at: 0 })).sort((a, b) => a.id.localeCompare(b.id));
      if (!node || !plan) {
        // Nothing to write on a link of a node no plan covers (the common case): only what a plan left goes.
        if (groups.length || managed.length) await repo.replaceManaged(nodeId, [], []);
        const changed = groups.length > 0 || managed.length > 0;
        return { changed, repository: false, limits: {}, rows: changed ? null : rows };
      }
      const before = JSON.stringify([groups, strip(managed)]);
      const { fields } = await effective(plan, nodeId);
      const steward = sharedTemplate(fields.template)
        ? (await repo.nodesIn(plan.space_id, plan.room_id)).sort()[0] === nodeId
        : true;
      const { group, schedules } = managedRows(plan, node, fields, steward);
      const existing = groups.find((g) => g.id === group.id);
      const groupRow = existing ? { ...group, created_at: existing.created_at } : group;
      const changedRows =
        before !==
        JSON.stringify([
          existing ? [{ ...groupRow, updated_at: existing.updated_at }] : [groupRow],
          strip(schedules),
        ]);
      const creds = await planRepository(plan, node, fields.template);
      await store.transaction(async (r) => {
        if (changedRows) await r.backupPlans.replaceManaged(nodeId, [groupRow], schedules);
        if (creds !== 'keep') {
          await r.nodes.setRepoEnc(nodeId, sealer.seal(JSON.stringify(creds)));
          await r.nodes.update(nodeId, {
            repo_location: repositoryLocation(creds.repo_url),
            // Initialised at once when the node is online, or at its next link.
            repo_status: 'unknown',
            repo_message: null,
            repo_lock: null,
            repo_plan_id: plan.id,
            repo_plan_template: fields.template,
          });
          await r.audit.record(
            actor,
            'node.repository_set',
            { type: 'node', id: nodeId },
            { location: repositoryLocation(creds.repo_url), plan_id: plan.id },
          );
        }
      });
      return {
        changed: changedRows || creds !== 'keep',
        repository: creds !== 'keep',
        limits: fields.limits,
        rows: changedRows ? null : rows,
      };
    });
  }

  /** The plan a node follows, if any: Netdata agents run no restic, and removed nodes keep nothing. */
  const followed = (node: NodesTable) =>
    node.status !== 'removed' && node.agent_kind !== 'netdata'
      ? planOf(node)
      : Promise.resolve({ plan: null });

  /** The limits a node's restic runs with (its plan's). */
  async function limitsFor(nodeId: string): Promise<PlanFields['limits']> {
    const node = await store.repos.nodes.findNode(nodeId);
    const { plan } = node ? await followed(node) : { plan: null };
    return plan ? (await effective(plan, nodeId)).fields.limits : {};
  }

  function specFrom(body: PlanCreateBody): StoredSpec {
    const { repository, copy, ...rest } = body;
    const fields = omit(rest, ['name', 'room_id', 'space_id']);
    return {
      ...fields,
      copy: copy && { cron: copy.cron, timezone: copy.timezone, template: copy.template },
      prune: fields.prune === undefined ? DEFAULT_PRUNE : fields.prune,
      template: repository.template,
    };
  }

  return {
    apply,
    limitsFor,
    present,
    planOrThrow,

    async list(filter: { space_id?: string; room_id?: string } = {}) {
      const rows = (await repo.list()).filter(
        (p) =>
          (!filter.space_id || p.space_id === filter.space_id) &&
          (!filter.room_id || p.room_id === filter.room_id),
      );
      return Promise.all(rows.map(present));
    },
    get: async (id: string) => present(await planOrThrow(id)),

    async create(actor: Actor, body: PlanCreateBody) {
      let spaceId = body.space_id;
      if (body.room_id) {
        const room = await store.repos.spaces.findRoom(body.room_id);
        if (!room) throw new AppError('NOT_FOUND', `room ${body.room_id} does not exist`);
        if (spaceId && spaceId !== room.space_id)
          throw new AppError('VALIDATION_FAILED', 'the room belongs to another space');
        spaceId = room.space_id;
      }
      if (!spaceId)
        throw new AppError('VALIDATION_FAILED', 'give room_id or space_id: where the plan applies');
      if (!(await store.repos.spaces.findSpace(spaceId)))
        throw new AppError('NOT_FOUND', `space ${spaceId} does not exist`);
      const spec = specFrom(body);
      const secrets: PlanSecrets = {
        password: body.repository.password,
        env: body.repository.env,
        ssh_key: body.repository.ssh_key,
        ...(sharedTemplate(spec.template) && !body.repository.password
          ? { shared_password: randomBytes(24).toString('base64url') }
          : {}),
        ...copySecrets({}, body.copy),
      };
      checkSpec(spec, secrets);
      const now = clock.now();
      const row: BackupPlansTable = {
        id: randomUUID(),
        space_id: spaceId,
        room_id: body.room_id ?? null,
        name: body.name,
        spec: JSON.stringify(spec),
        secrets_enc: sealer.seal(JSON.stringify(secrets)),
        copy_fired_at: null,
        created_at: now,
        updated_at: now,
      };
      await store.transaction(async (r) => {
        await r.backupPlans.insert(row);
        await r.audit.record(
          actor,
          'backup_plan.created',
          { type: 'backup_plan', id: row.id },
          { name: row.name, room_id: row.room_id, space_id: row.space_id },
        );
      });
      return row;
    },

    async update(actor: Actor, id: string, patch: z.infer<typeof planPatchBody>) {
      const row = await planOrThrow(id);
      const current = parseSpec(row);
      const secrets = openSecrets(row);
      const { name, repository, copy, ...fields } = patch;
      const spec: StoredSpec = {
        ...current,
        ...(Object.fromEntries(
          Object.entries(fields).filter(([, v]) => v !== undefined),
        ) as Partial<StoredSpec>),
        ...(repository?.template !== undefined ? { template: repository.template } : {}),
        ...(copy !== undefined
          ? { copy: copy && { cron: copy.cron, timezone: copy.timezone, template: copy.template } }
          : {}),
      };
      const next: PlanSecrets = {
        ...secrets,
        ...(repository?.password !== undefined ? { password: repository.password } : {}),
        ...(repository?.env !== undefined ? { env: repository.env } : {}),
        ...(repository?.ssh_key !== undefined ? { ssh_key: repository.ssh_key } : {}),
        ...(copy !== undefined ? copySecrets(secrets, copy) : {}),
      };
      if (sharedTemplate(spec.template) && !next.password && !next.shared_password)
        next.shared_password = randomBytes(24).toString('base64url');
      checkSpec(spec, next);
      await store.transaction(async (r) => {
        await r.backupPlans.update(id, {
          ...(name !== undefined ? { name } : {}),
          spec: JSON.stringify(spec),
          secrets_enc: sealer.seal(JSON.stringify(next)),
          updated_at: clock.now(),
        });
        await r.audit.record(
          actor,
          'backup_plan.updated',
          { type: 'backup_plan', id },
          {
            fields: Object.keys(patch).sort(),
          },
        );
      });
      return planOrThrow(id);
    },

    async delete(actor: Actor, id: string) {
      const row = await planOrThrow(id);
      await store.transaction(async (r) => {
        await r.backupPlans.delete(id);
        await r.audit.record(actor, 'backup_plan.deleted', { type: 'backup_plan', id }, { name: row.name });
      });
      return row;
    },

    /** The nodes a plan's change may touch: those in its scope now, and those holding what it gave them. */
    async nodesTouchedBy(row: BackupPlansTable) {
      return [
        ...new Set([
          ...(await repo.nodesIn(row.space_id, row.room_id)),
          ...(await repo.nodesWithPlan(row.id)),
        ]),
      ];
    },
    nodesFollowing: (planId: string) => repo.nodesWithPlan(planId),
    /** The plans with a copy schedule, with it. */
    async copying() {
      return (await repo.list()).flatMap((row) => {
        const spec = parseSpec(row);
        return spec.copy ? [{ row, copy: spec.copy, shared: sharedTemplate(spec.template) }] : [];
      });
    },
    /** Take the plan's copy run due since `from` (false when another replica took it first). */
    claimCopyRun: (id: string, from: number | null, now: number) => repo.claimCopyRun(id, from, now),

    /** GET /api/nodes/{id}/backup-plan: the plan the node follows, its fields and where each comes from. */
    async effectiveFor(node: NodesTable): Promise<EffectivePlanView> {
      const { plan, others } = await planOf(node);
      const location = node.repo_location;
      const repository = {
        location,
        origin:
          node.repo_plan_id !== null ? ('plan' as const) : location ? ('node' as const) : ('none' as const),
      };
      const overrideRow = await repo.findOverride(node.id);
      const alsoMatching = others.map((p) => ({ id: p.id, name: p.name }));
      if (!plan || node.agent_kind === 'netdata')
        return {
          plan: null,
          fields: {},
          origins: {},
          overrides: overrideRow ? (JSON.parse(overrideRow.spec) as Partial<PlanFields>) : null,
          repository,
          spread_seconds: 0,
          also_matching: alsoMatching,
        };
      const { fields, origins, overrides } = await effective(plan, node.id);
      const shown = omit(fields, ['template', 'copy']);
      return {
        plan: { id: plan.id, name: plan.name, room_id: plan.room_id },
        fields: { ...shown, prune: fields.prune === undefined ? DEFAULT_PRUNE : fields.prune },
        origins,
        overrides,
        repository,
        spread_seconds: spreadSeconds(node.id, plan.id, fields.schedule.spread_minutes),
        also_matching: alsoMatching,
      };
    },

    /** Set (or clear, null) the node's overrides of its plan; audited. */
    async setOverrides(actor: Actor, nodeId: string, overrides: Partial<PlanFields> | null) {
      const clean =
        overrides && Object.keys(overrides).length
          ? JSON.stringify(Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)))
          : null;
      if (overrides?.schedule) validateCron(overrides.schedule.cron, overrides.schedule.timezone);
      if (overrides?.prune) validateCron(overrides.prune.cron, overrides.prune.timezone);
      if (overrides?.check) validateCron(overrides.check.cron, overrides.check.timezone);
      await store.transaction(async (r) => {
        await r.backupPlans.setOverride(nodeId, clean, clock.now());
        await r.audit.record(
          actor,
          'node.backup_plan_overridden',
          { type: 'node', id: nodeId },
          {
            fields: overrides ? Object.keys(overrides).sort() : [],
          },
        );
      });
    },
  };
}
export type BackupPlansService = ReturnType<typeof createBackupPlansService>;
