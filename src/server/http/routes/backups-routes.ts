import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  backendEnvProblem,
  repositoryBackend,
  repositoryUrl,
  sshPrivateKey,
} from '../../../protocol/repository-url.ts';
import { backupHealthView, hostView, snapshotFilesView, snapshotView } from '../../../protocol/api/views.ts';
import { snapshotRef } from '../../../protocol/jobs.ts';
import type { BackupsService } from '../../backups/backups-service.ts';
import type { NodesService } from '../../nodes/nodes-service.ts';
import type { RepositoryOperations } from '../../operations/repository-operations.ts';
import { actorOf, type AuthGuard } from '../auth-guard.ts';
import { idParams, noContent, pathId, routeOptions, sendNoContent } from '../route-schema.ts';

/** restic's repository: an absolute path or a backend URL (`local:`, `sftp:`, `rest:`, `s3:`, `b2:` …). */
const repositoryBody = z
  .object({
    repo_url: repositoryUrl,
    repo_username: z.string().max(500).optional().describe("a REST server's user name"),
    repo_password: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe(
        'the repository password; when changing only the URL, the current one (and user name) is kept',
      ),
    env: z
      .record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string())
      .optional()
      .describe(
        "the backend's credentials as restic reads them (AWS_*, B2_*, AZURE_*, GOOGLE_*, OS_*, RESTIC_REST_*); sealed, never shown; kept when not given",
      ),
    ssh_key: sshPrivateKey
      .optional()
      .describe('for sftp:, the private key ssh authenticates with; kept when not given'),
  })
  .strict()
  .superRefine((b, ctx) => {
    const problem = b.env ? backendEnvProblem(b.repo_url, b.env) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['env'], message: problem });
    if (b.ssh_key && repositoryBackend(b.repo_url) !== 'sftp')
      ctx.addIssue({
        code: 'custom',
        path: ['ssh_key'],
        message: 'an SSH key is only for sftp: repositories',
      });
  });

const snapshotsQuery = z.object({
  source_group: z.string().max(100).optional().describe("a source group's id: its tag's snapshots"),
  tag: z.string().min(1).max(200).optional(),
  path: z.string().min(1).max(4096).optional().describe('snapshots that include this path'),
});
const filesQuery = z.object({
  path: z
    .string()
    .max(4096)
    .refine((p) => p.startsWith('/'), 'must be an absolute path')
    .refine((p) => ![...p].some((c) => c.charCodeAt(0) < 0x20), 'must not contain NUL or control characters')
    .default('/'),
});

/** A node's repository (set, change, remove), its snapshots and their files, and how its backups stand. */
export function backupsRoutes(deps: {
  repositoryOps: RepositoryOperations;
  backups: BackupsService;
  nodes: NodesService;
  guard: AuthGuard;
}): FastifyPluginAsyncZod {
  const { repositoryOps, nodes } = deps;
  const route = routeOptions(deps.guard);
  const tags = ['backups'];
  return async (app) => {
    app.put(
      '/api/hosts/:id/repository',
      route({
        // Where a host sends its backups, and what restores read, is the admin's: an operator who could point it
        // at a repository of their own could read any file of the host and write any file back.
        access: 'admin',
        scope: 'node',
        summary: "Set or change the host's backup repository, then initialise it",
        tags,
        schema: {
          params: idParams,
          body: repositoryBody,
          response: { 202: z.object({ host: hostView, job_id: z.string() }) },
        },
        errors: [404, 409],
      }),
      async (req, reply) => {
        const out = await repositoryOps.setRepository(actorOf(req), req.params.id, req.body);
        return reply.code(202).send(out);
      },
    );
    app.delete(
      '/api/hosts/:id/repository',
      route({
        access: 'admin',
        scope: 'node',
        summary: "Remove the host's backup repository (its data stays where it is)",
        tags,
        schema: { params: idParams, response: { 204: noContent } },
        errors: [404, 409],
      }),
      async (req, reply) => {
        await repositoryOps.removeRepository(actorOf(req), req.params.id);
        return sendNoContent(reply);
      },
    );
    app.get(
      '/api/hosts/:id/backups',
      route({
        access: 'viewer',
        scope: 'node',
        summary:
          "How the host's backups stand: per source group, last success and failure, overdue; last check",
        tags,
        schema: { params: idParams, response: { 200: backupHealthView } },
        errors: [404],
      }),
      async (req) => {
        await nodes.getHost(req.params.id);
        return deps.backups.health(req.params.id);
      },
    );
    app.get(
      '/api/hosts/:id/snapshots',
      route({
        access: 'viewer',
        scope: 'node',
        summary: "The snapshots in the host's repository, newest first (asked of its agent)",
        tags,
        schema: { params: idParams, querystring: snapshotsQuery, response: { 200: z.array(snapshotView) } },
        errors: [404, 409, 503, 504],
      }),
      async (req) =>
        repositoryOps.snapshots(req.params.id, {
          ...(req.query.tag ? { tag: req.query.tag } : {}),
          ...(req.query.source_group ? { group: req.query.source_group } : {}),
          ...(req.query.path ? { path: req.query.path } : {}),
        }),
    );
    app.get(
      '/api/hosts/:id/snapshots/:snapshot/files',
      route({
        access: 'operator',
        scope: 'node',
        summary: "One directory level of a snapshot (asked of the host's agent)",
        tags,
        schema: {
          params: z.object({ id: pathId, snapshot: snapshotRef }),
          querystring: filesQuery,
          response: { 200: snapshotFilesView },
        },
        errors: [404, 409, 503, 504],
      }),
      async (req) => repositoryOps.files(req.params.id, req.params.snapshot, req.query.path),
    );
  };
}
