import { join, resolve } from 'node:path';
import { SYSTEM } from '../server/actor.ts';
import { createAuthService } from '../server/auth/auth-service.ts';
import { createUserBody } from '../server/http/routes/auth-routes.ts';
import { createStore } from '../server/repos/store.ts';
import { systemClock } from '../server/clock.ts';
import type { ServerConfig } from '../server/config.ts';
import { migrateToLatest, openDatabase } from '../server/db/database.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `muster user-add`: create a user directly in the server's storage. */
export async function addUser(
  config: ServerConfig,
  username: string,
  role: 'admin' | 'operator' | 'viewer',
): Promise<void> {
  const password = await readStdin();
  const body = createUserBody.safeParse({ username, password, role });
  if (!body.success)
    throw new Error(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const database = openDatabase(config.db ?? join(resolve(config.dataDir), 'muster.db'));
  try {
    await migrateToLatest(database);
    const auth = createAuthService({ store: createStore(database.db, systemClock), clock: systemClock });
    const user = await auth.createUser(SYSTEM, body.data);
    process.stdout.write(`created ${user.role} "${user.username}" (${user.id})\n`);
  } finally {
    await database.close();
  }
}
