import type { Logger } from 'pino';
import { actorName, type Actor } from '../actor.ts';
import type { AuditEntry } from '../repos/audit-repo.ts';

/** Who did it, as a reader of the log knows them: a node by its id (the line has no other context). */
function who(actor: Actor): string {
  if (actor.kind === 'agent') return `node ${actor.nodeId}`;
  if (actor.kind === 'api_key') return `${actor.username} (API key)`;
  return actorName(actor);
}

/** The details worth a glance: short strings, numbers and booleans (audit details never hold secrets). */
function glance(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail)
    .filter(
      ([, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 80),
    )
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Records whose event already has its own line (the claim or enrollment line names the node and address). */
const SAID_ELSEWHERE = new Set(['node.claimed', 'node.enrolled', 'token.used']);

/**
 * The server's event lines for what the audit log records (sign-ins, failed logins, tokens minted and rotated,
 * users, repositories, removals), one line each once committed, so an operator following the log sees who did
 * what without querying the audit API.
 */
export function auditLogger(log: Logger): (entries: AuditEntry[]) => void {
  return (entries) => {
    for (const e of entries) {
      if (SAID_ELSEWHERE.has(e.action)) continue;
      const ip = 'ip' in e.actor && e.actor.ip ? ` from ${e.actor.ip}` : '';
      const fields = {
        event: e.action,
        actor: who(e.actor),
        ...(e.target ? { target_type: e.target.type, target_id: e.target.id } : {}),
        ...('ip' in e.actor && e.actor.ip ? { ip: e.actor.ip } : {}),
      };
      if (e.action === 'auth.login_failed') {
        log.warn(fields, `login failed for "${String(e.detail.username)}"${ip}`);
        continue;
      }
      if (e.action === 'auth.login') {
        log.info(fields, `signed in: ${who(e.actor)}${ip}`);
        continue;
      }
      const target = e.target ? ` ${e.target.type} ${e.target.id}` : '';
      log.info(fields, `${e.action}:${target} by ${who(e.actor)}${ip}${glance(e.detail)}`);
    }
  };
}
