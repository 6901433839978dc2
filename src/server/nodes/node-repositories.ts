import {
  repositoryCredentials,
  type HostConfig,
  type RepositoryCredentials,
} from '../../protocol/link-methods.ts';
import { parseHostConfig } from '../../protocol/link-methods.ts';
import { repositoryBackend } from '../../protocol/repository-url.ts';
import type { Actor } from '../actor.ts';
import type { Sealer } from '../crypto.ts';
import type { RepoStatus } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../repos/store.ts';

/**
 * Where a repository is, for people: its URL with any user name and password taken out of it
 * (`rest:https://user:secret@host/repo` becomes `rest:https://host/repo`).
 */
export function repositoryLocation(url: string): string {
  return url.replace(/^([a-z0-9+.-]*:)?([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1$2');
}

/** A repository as an operator sets or changes it: the password (and user name) may stay as they were. */
export type RepositoryChange = Pick<RepositoryCredentials, 'repo_url'> & Partial<RepositoryCredentials>;

/**
 * Each node's backup repository: its credentials (sealed, sent only to the node's agent in its configuration), its
 * state as restic last found it, and the refusals that say what to do when it is not ready.
 */
export function createNodeRepositories(deps: { store: Store; bus: EventBus; sealer: Sealer }) {
  const { store, bus, sealer } = deps;
  const repo = store.repos.nodes;
  const openSealed = (enc: string) => repositoryCredentials.parse(JSON.parse(sealer.open(enc)));

  return {
    /**
     * What the agent is told in welcome: its configuration and, when it has one, its repository; and whether that
     * repository was never initialised (its first link initialises it). One statement.
     */
    async linkState(id: string): Promise<{ config: HostConfig; uninitialised: boolean }> {
      const n = await repo.findLinkState(id);
      const config = parseHostConfig(n ? JSON.parse(n.config) : {});
      if (n?.repo_enc) {
        const repository = openSealed(n.repo_enc);
        config.repository = repository;
        // A repository that came with an enrollment token: its location is known once it is opened here.
        if (n.repo_location === null)
          await repo.update(id, { repo_location: repositoryLocation(repository.repo_url) });
      }
      return { config, uninitialised: n?.repo_status === 'unknown' && Boolean(n.repo_enc) };
    },
    /**
     * Give the node a repository (sealed; never shown again) or take it away (null); audited. A new repository is
     * `initializing` until its init job ends.
     */
    async setRepository(actor: Actor, id: string, change: RepositoryChange | null) {
      let input: RepositoryCredentials | null = null;
      if (change) {
        // Changing only the URL keeps the current credentials; a new password comes with its own user name.
        const secrets = await repo.findSecrets(id);
        const current = secrets?.repo_enc ? openSealed(secrets.repo_enc) : null;
        const password = change.repo_password ?? current?.repo_password;
        if (!password)
          throw new AppError('VALIDATION_FAILED', 'repo_password is required for a new repository');
        const username = change.repo_username ?? (change.repo_password ? undefined : current?.repo_username);
        // Backend credentials stay unless given again, and go when the backend changes (they would be refused).
        const sameBackend =
          current && repositoryBackend(current.repo_url) === repositoryBackend(change.repo_url);
        const env = change.env ?? (sameBackend ? current?.env : undefined);
        const sshKey = change.ssh_key ?? (sameBackend ? current?.ssh_key : undefined);
        input = {
          repo_url: change.repo_url,
          repo_password: password,
          ...(username ? { repo_username: username } : {}),
          ...(env && Object.keys(env).length ? { env } : {}),
          ...(sshKey ? { ssh_key: sshKey } : {}),
        };
      }
      const location = input ? repositoryLocation(input.repo_url) : null;
      await store.transaction(async (r) => {
        await r.nodes.setRepoEnc(id, input ? sealer.seal(JSON.stringify(input)) : null);
        await r.nodes.update(id, {
          repo_location: location,
          repo_status: input ? 'initializing' : 'unknown',
          repo_message: null,
          repo_lock: null,
          // Set by hand: the node's own, which no backup plan replaces.
          repo_plan_id: null,
          repo_plan_template: null,
          repo_stats: null,
        });
        await r.audit.record(
          actor,
          input ? 'node.repository_set' : 'node.repository_removed',
          { type: 'node', id },
          input ? { location } : {},
        );
      });
      bus.publish({ type: 'node.repo', node_id: id, repo_status: input ? 'initializing' : 'unknown' });
    },
    /**
     * Backups, restores and schedules need a repository that restic could open (`ready`); initialising and unlocking
     * need one at all. The refusal says what to do.
     */
    async requireRepository(id: string, need: 'ready' | 'set' = 'ready') {
      const n = await repo.findRepoState(id);
      const set = `set one on the node page (Backup repository) or with PUT /api/hosts/${id}/repository`;
      if (!n?.repo_enc)
        throw new AppError('REPOSITORY_MISSING', `this host has no backup repository; ${set}`);
      if (need === 'set') return;
      if (n.repo_status === 'initializing')
        throw new AppError(
          'REPOSITORY_NOT_READY',
          "this host's repository is still being initialised; try again when it is ready",
        );
      if (n.repo_status === 'init_failed')
        throw new AppError(
          'REPOSITORY_INIT_FAILED',
          `this host's repository could not be initialised (${n.repo_message ?? 'see its restic.init job'}); fix it and ${set}, or probe it again`,
        );
      if (n.repo_status !== 'ready')
        throw new AppError(
          'REPOSITORY_NOT_READY',
          `this host's repository has not been checked yet; probe it first`,
        );
    },
    /** A repository job got through (null) or was stopped by a lock (its explanation). */
    async setRepoLock(id: string, lock: string | null) {
      await repo.update(id, { repo_lock: lock });
      bus.publish({ type: 'node.facts', node_id: id });
    },
    async setRepoStatus(id: string, repoStatus: RepoStatus, message: string | null = null) {
      await repo.update(id, { repo_status: repoStatus, repo_message: message });
      bus.publish({ type: 'node.repo', node_id: id, repo_status: repoStatus });
    },
    hasRepository: async (id: string) => Boolean((await repo.findSecrets(id))?.repo_enc),
  };
}
export type NodeRepositories = ReturnType<typeof createNodeRepositories>;
