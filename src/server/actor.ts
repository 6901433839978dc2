import type { Role } from '../protocol/api/roles.ts';

/**
 * Who causes a change, for authorization and the audit log: a signed-in user, a user's API key, a node's
 * agent, someone not signed in, or the server itself.
 */
export type Actor =
  | {
      kind: 'user' | 'api_key';
      userId: string;
      username: string;
      /** The role on what the request acts on (null: none, e.g. a user who holds no role yet). */
      role: Role | null;
      ip: string | null;
    }
  | { kind: 'agent'; nodeId: string; ip: string | null }
  | { kind: 'anonymous'; ip: string | null }
  | { kind: 'system' };

/** A signed-in user, directly or through one of their API keys. */
export type UserActor = Extract<Actor, { kind: 'user' | 'api_key' }>;

/** Whether the actor is this user, signed in or through one of their API keys. */
export function isUser(a: Actor, userId: string): boolean {
  return (a.kind === 'user' || a.kind === 'api_key') && a.userId === userId;
}

/** The server acting on its own (start-up, sweeps). */
export const SYSTEM: Actor = { kind: 'system' };

/** How an actor is stored in the audit log (a key acts as its user). */
export function actorColumns(a: Actor): {
  actor_type: 'user' | 'node' | 'anonymous' | 'system';
  actor_id: string | null;
  source_ip: string | null;
} {
  switch (a.kind) {
    case 'user':
    case 'api_key':
      return { actor_type: 'user', actor_id: a.userId, source_ip: a.ip };
    case 'agent':
      return { actor_type: 'node', actor_id: a.nodeId, source_ip: a.ip };
    case 'anonymous':
      return { actor_type: 'anonymous', actor_id: null, source_ip: a.ip };
    case 'system':
      return { actor_type: 'system', actor_id: null, source_ip: null };
  }
}

/** How an actor is named in reasons shown to people ("removed by alice"). */
export function actorName(a: Actor): string {
  switch (a.kind) {
    case 'user':
    case 'api_key':
      return a.username;
    case 'agent':
      return 'its agent';
    case 'anonymous':
      return 'an anonymous client';
    case 'system':
      return 'the server';
  }
}
