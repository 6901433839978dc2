import type { AuditAction } from '../../protocol/api/audit.ts';
import type { Actor } from '../actor.ts';
import type { TokensTable } from '../db/schema.ts';
import { ClaimError } from '../errors.ts';
import type { Repos } from '../repos/store.ts';

export interface Admission {
  id: string;
  hostname: string;
  machineGuid: string | null;
  /** PEM key for challenge/response, or '' for a bearer-enrolled node. */
  publicKey: string;
  bearerHash: string | null;
  /** Extra rooms asked for by the machine (ids or slugs). */
  rooms: string[];
  facts?: { os?: string; arch?: string; agent_version?: string };
  /** Asked for by the machine (a token minted as ephemeral makes every node it admits ephemeral too). */
  ephemeral?: boolean;
  now: number;
  /**
   * How the node came (`node.claimed`, `node.enrolled`), recorded by the machine from `ip` with the token's use; with
   * no token (an announced agent an operator approved), recorded by `actor`.
   */
  audit: { action: AuditAction; detail: Record<string, unknown>; ip: string | null; actor?: Actor };
  /** The space, when no token names it. */
  spaceId?: string;
}

/**
 * Inside the caller's transaction (`r` is its repositories): create the node with its credentials, put it in its
 * rooms (the space's default rooms, and those the token and the machine name), move the token's sealed repository
 * secrets to the node (the token keeps no copy), record the admission and the token's use, and count that use when
 * the token has a limit (`usesCountedAfter`: the caller counts the others after the commit). False, with nothing
 * written, when a node with this id already exists: the caller decides whether that is a retry.
 *
 * Few statements, and the token's row last: every claim on a token with a limit counts a use on its row, so the
 * row's lock is held only from that update to the commit, which follows it at once (nothing else is written after
 * it). Throws ClaimError keys; callers translate them for their API.
 */
export async function admitNode(r: Repos, t: TokensTable | null, a: Admission): Promise<boolean> {
  const { tokens, nodes, spaces } = r;
  const spaceId = t?.space_id ?? a.spaceId;
  if (!spaceId)
    throw new ClaimError('ErrInternalServerError', 'a node admitted without a token needs a space');

  const inserted = await nodes.insertNodeIfNew({
    id: a.id,
    space_id: spaceId,
    hostname: a.hostname,
    machine_guid: a.machineGuid,
    status: 'pending',
    since: a.now,
    reason: 'claimed; waiting for the agent to connect',
    last_seen_at: null,
    os: a.facts?.os ?? null,
    os_version: null,
    kernel: null,
    arch: a.facts?.arch ?? null,
    cpus: null,
    memory_bytes: null,
    virtualization: null,
    container: null,
    agent_version: a.facts?.agent_version ?? null,
    agent_kind: null,
    labels: '{}',
    tags: t?.tags ?? '[]',
    duplicate_suspected: 0,
    link_replica: null,
    repo_location: null,
    repo_message: null,
    repo_lock: null,
    backup_due_at: null,
    token_id: t?.id ?? null,
    created_at: a.now,
    config: t?.config ?? '{}',
    // initializing starts with the agent's first connection, when it receives the repository.
    repo_status: 'unknown',
    repo_plan_id: null,
    repo_plan_template: null,
    repo_stats: null,
    ephemeral: a.ephemeral || t?.ephemeral === 1 ? 1 : 0,
    capabilities: null,
  });
  if (!inserted) return false;
  await nodes.insertSecrets({
    node_id: a.id,
    public_key: a.publicKey,
    bearer_hash: a.bearerHash,
    repo_enc: t?.secrets_enc ?? null,
  });

  const wanted = [...(t ? (JSON.parse(t.rooms) as string[]) : []), ...a.rooms];
  if (wanted.length === 0) await spaces.addNodeToDefaultRooms(spaceId, a.id);
  else {
    const spaceRooms = await spaces.listRooms(spaceId);
    const roomIds = new Set<string>();
    for (const room of spaceRooms) if (room.is_default) roomIds.add(room.id);
    for (const w of wanted) {
      const room = spaceRooms.find((x) => x.id === w || x.slug === w);
      if (!room)
        throw new ClaimError('ErrInvalidRoomID', `room "${w.slice(0, 100)}" is not in the token's space`);
      roomIds.add(room.id);
    }
    await spaces.addNodeToRooms([...roomIds], a.id);
  }

  if (!t) {
    await r.audit.record(
      a.audit.actor ?? { kind: 'anonymous', ip: a.audit.ip },
      a.audit.action,
      {
        type: 'node',
        id: a.id,
      },
      a.audit.detail,
    );
    return true;
  }
  if (t.secrets_enc) await tokens.clearSecrets(t.id);
  await r.audit.recordAll({ kind: 'agent', nodeId: a.id, ip: a.audit.ip }, [
    { action: a.audit.action, target: { type: 'node', id: a.id }, detail: a.audit.detail },
    { action: 'token.used', target: { type: 'token', id: t.id } },
  ]);
  // A token with no limit has no last use to refuse: the caller counts it after the commit (`usesCountedAfter`).
  if (!usesCountedAfter(t) && !(await tokens.incrementUses(t.id)))
    throw new ClaimError('ErrForbidden', 'the token has been used up');
  return true;
}

/**
 * Whether a node admitted with `t` has its token's use counted after the admission commits (`TokenUses`) rather
 * than inside it: a token with no limit, whose row would otherwise be locked by every claim of a rollout in turn.
 */
export function usesCountedAfter(t: TokensTable): boolean {
  return t.max_uses === null;
}
