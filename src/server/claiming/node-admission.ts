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
  now: number;
}

/**
 * Inside the caller's transaction (`r` is its repositories): resolve rooms in the token's space, count one use, create the node with its
 * credentials, and move the token's sealed repository secrets to the node (the token keeps no copy).
 * Throws ClaimError keys; callers translate them for their API.
 */
export async function admitNode(r: Repos, t: TokensTable, a: Admission): Promise<void> {
  const { tokens, nodes, spaces } = r;

  const spaceRooms = await spaces.listRooms(t.space_id);
  const roomIds = new Set<string>();
  for (const r of spaceRooms) if (r.is_default) roomIds.add(r.id);
  for (const wanted of [...(JSON.parse(t.rooms) as string[]), ...a.rooms]) {
    const room = spaceRooms.find((r) => r.id === wanted || r.slug === wanted);
    if (!room)
      throw new ClaimError('ErrInvalidRoomID', `room "${wanted.slice(0, 100)}" is not in the token's space`);
    roomIds.add(room.id);
  }

  if (!(await tokens.incrementUses(t.id))) throw new ClaimError('ErrForbidden', 'the token has been used up');
  await nodes.insertNode({
    id: a.id,
    space_id: t.space_id,
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
    tags: t.tags,
    duplicate_suspected: 0,
    link_replica: null,
    repo_location: null,
    repo_message: null,
    repo_lock: null,
    backup_due_at: null,
    token_id: t.id,
    created_at: a.now,
    config: t.config,
    // initializing starts with the agent's first connection, when it receives the repository.
    repo_status: 'unknown',
  });
  await nodes.insertSecrets({
    node_id: a.id,
    public_key: a.publicKey,
    bearer_hash: a.bearerHash,
    repo_enc: t.secrets_enc,
  });
  if (t.secrets_enc) await tokens.clearSecrets(t.id);
  await spaces.addNodeToRooms([...roomIds], a.id);
}
