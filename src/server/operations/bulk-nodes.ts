import { z } from 'zod';
import { jobRequest } from '../../protocol/jobs.ts';
import { roleAtLeast } from '../../protocol/api/roles.ts';
import type { Actor } from '../actor.ts';
import type { Role } from '../auth/auth-types.ts';
import { AppError } from '../errors.ts';

/** Nodes one bulk request acts on at most (the UI sends larger selections in parts and shows the progress). */
export const BULK_MAX = 1000;

/** What can be done to many nodes at once. */
export const bulkAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('move'), room_id: z.string().max(100).describe('the room to put them in') }),
  z.object({ action: z.literal('remove') }),
  z.object({ action: z.literal('update_agent'), force: z.boolean().optional() }),
  z.object({ action: z.literal('run_job'), job: jobRequest }),
  z.object({
    action: z.literal('attach_plan'),
    plan_id: z
      .string()
      .max(100)
      .describe('a plan attached to a room: the nodes join that room and so follow it'),
  }),
]);
export type BulkAction = z.infer<typeof bulkAction>;

/** One node's outcome. */
export const bulkResult = z.object({
  node_id: z.string(),
  ok: z.boolean(),
  job_id: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BulkResult = z.infer<typeof bulkResult>;

/** The role each action needs on every node it touches (the same as the one-node routes). */
const NEEDS: Record<BulkAction['action'], Role> = {
  move: 'admin',
  remove: 'admin',
  update_agent: 'operator',
  run_job: 'operator',
  attach_plan: 'admin',
};

/**
 * One action on many nodes, node by node through the same operations as the one-node routes (each change audited
 * as it is there); a node that fails does not stop the others, and each gets its result.
 */
export function createBulkNodes(deps: {
  addToRoom: (actor: Actor, roomId: string, nodeId: string) => Promise<void>;
  removeNode: (actor: Actor, nodeId: string) => Promise<void>;
  updateAgent: (actor: Actor, nodeId: string, force: boolean) => Promise<{ id: string }>;
  runJob: (actor: Actor, nodeId: string, job: z.infer<typeof jobRequest>) => Promise<{ id: string }>;
  planRoom: (planId: string) => Promise<string | null>;
}) {
  return {
    /**
     * The room a `move` or `attach_plan` puts the nodes in (null for the other actions); a plan that covers a whole
     * space has none.
     */
    async targetRoom(a: BulkAction): Promise<string | null> {
      if (a.action === 'move') return a.room_id;
      if (a.action !== 'attach_plan') return null;
      const room = await deps.planRoom(a.plan_id);
      if (!room)
        throw new AppError(
          'VALIDATION_FAILED',
          'that plan covers a whole space: its nodes follow it already; pick a plan attached to a room',
        );
      return room;
    },
    /** `roleOn`: the caller's role on a node (null: they do not see it); `room`: the one targetRoom gave. */
    async run(
      actor: Actor,
      ids: string[],
      a: BulkAction,
      roleOn: (nodeId: string) => Promise<Role | null>,
      room: string | null,
    ): Promise<BulkResult[]> {
      const results: BulkResult[] = [];
      for (const id of ids) {
        try {
          const held = await roleOn(id);
          if (!held) throw new AppError('NOT_FOUND', `node ${id} does not exist`);
          if (!roleAtLeast(held, NEEDS[a.action]))
            throw new AppError(
              'FORBIDDEN',
              `this needs the ${NEEDS[a.action]} role on the node; you are ${held}`,
            );
          switch (a.action) {
            case 'move':
            case 'attach_plan':
              await deps.addToRoom(actor, room!, id);
              results.push({ node_id: id, ok: true });
              break;
            case 'remove':
              await deps.removeNode(actor, id);
              results.push({ node_id: id, ok: true });
              break;
            case 'update_agent':
              results.push({
                node_id: id,
                ok: true,
                job_id: (await deps.updateAgent(actor, id, a.force ?? false)).id,
              });
              break;
            case 'run_job':
              results.push({ node_id: id, ok: true, job_id: (await deps.runJob(actor, id, a.job)).id });
              break;
          }
        } catch (err) {
          const e = err instanceof AppError ? err : null;
          results.push({
            node_id: id,
            ok: false,
            error: {
              code: e ? e.code.toLowerCase() : 'internal_error',
              message: err instanceof Error ? err.message : String(err),
            },
          });
        }
      }
      return results;
    },
  };
}
export type BulkNodes = ReturnType<typeof createBulkNodes>;
