import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SYSTEM } from '../server/actor.ts';
import { createAuthStack } from '../server/auth/auth-stack.ts';
import { systemClock } from '../server/clock.ts';
import type { ServerConfig } from '../server/config.ts';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../server/db/database.ts';
import { createUserBody, password } from '../protocol/api/accounts.ts';
import { initialPasswordKeeper, masterSealer } from '../server/main.ts';
import { createStore, type Store } from '../server/repos/store.ts';

/** Read all of standard input: a password, without its final line break. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Open the server's storage from its configuration, for the admin commands run on the server's machine. A data
 * dir without a database is refused instead of getting a new, empty one.
 */
export async function withStorage<T>(
  config: ServerConfig,
  fn: (s: { store: Store; dataDir: string; config: ServerConfig; database: OpenDatabase }) => Promise<T>,
): Promise<T> {
  const dataDir = resolve(config.dataDir);
  const file = config.db ?? join(dataDir, 'muster.db');
  if (!config.db && !existsSync(file))
    throw new Error(
      `no Muster database in ${dataDir}: is it the server's data directory? (pass --data-dir or --db)`,
    );
  const database = openDatabase(file);
  try {
    await migrateToLatest(database);
    return await fn({ store: createStore(database.db, systemClock), dataDir, config, database });
  } finally {
    await database.close();
  }
}

const stackOf = (store: Store, dataDir: string, config: ServerConfig) =>
  createAuthStack({
    store,
    clock: systemClock,
    sealer: masterSealer({ ...config, dataDir }),
    onPasswordChanged: initialPasswordKeeper(dataDir),
  });
const authOf = (store: Store, dataDir: string, config: ServerConfig) => stackOf(store, dataDir, config).auth;

const problems = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/** `muster user add NAME --role ROLE`: create a user, the password from standard input. */
/** `muster user add NAME --role ROLE`: the role is checked with the rest of the new user. */
export async function addUser(config: ServerConfig, username: string, role: unknown): Promise<void> {
  const body = createUserBody.safeParse({ username, password: await readStdin(), role });
  if (!body.success) throw new Error(problems(body.error.issues));
  await withStorage(config, async ({ store, dataDir, config: c }) => {
    const user = await authOf(store, dataDir, c).createUser(SYSTEM, body.data);
    process.stdout.write(`created ${user.role} "${user.username}" (${user.id})\n`);
  });
}

/** `muster user passwd NAME`: set a password from standard input; every session of the user ends. */
export async function setPassword(config: ServerConfig, username: string): Promise<void> {
  const parsed = password.safeParse(await readStdin());
  if (!parsed.success) throw new Error(`password: ${parsed.error.issues[0]!.message}`);
  await withStorage(config, async ({ store, dataDir, config: c }) => {
    const auth = authOf(store, dataDir, c);
    const user = await auth.findUserByUsername(username);
    if (!user) throw new Error(`no user "${username}" (muster user list shows them)`);
    await auth.changePassword(SYSTEM, user.id, parsed.data);
    process.stdout.write(`password of "${username}" changed; every session of theirs has ended\n`);
  });
}

/** `muster user disable|enable NAME`: a disabled user cannot sign in, and their sessions end. */
export async function setDisabled(config: ServerConfig, username: string, disabled: boolean): Promise<void> {
  await withStorage(config, async ({ store, dataDir, config: c }) => {
    const auth = authOf(store, dataDir, c);
    const user = await auth.findUserByUsername(username);
    if (!user) throw new Error(`no user "${username}" (muster user list shows them)`);
    await auth.updateUser(SYSTEM, user.id, { disabled });
    process.stdout.write(`"${username}" ${disabled ? 'disabled; their sessions have ended' : 'enabled'}\n`);
  });
}

/**
 * `muster user reset-second-factors NAME`: remove a user's TOTP, recovery codes and passkeys (the break-glass for an
 * admin who lost theirs); audited as the server's act, and every session of the user ends.
 */
export async function resetSecondFactors(config: ServerConfig, username: string): Promise<void> {
  await withStorage(config, async ({ store, dataDir, config: c }) => {
    const stack = stackOf(store, dataDir, c);
    const user = await stack.auth.findUserByUsername(username);
    if (!user) throw new Error(`no user "${username}" (muster user list shows them)`);
    await stack.factors.reset(SYSTEM, user.id);
    process.stdout.write(`second factors of "${username}" removed; they sign in with their password alone\n`);
  });
}

/** Rows as aligned columns under a header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

const when = (ms: number | null) => (ms ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : '-');

/** `muster user list`. */
export async function listUsers(config: ServerConfig, json: boolean): Promise<void> {
  await withStorage(config, async ({ store, dataDir, config: c }) => {
    const users = await authOf(store, dataDir, c).listUsers();
    process.stdout.write(
      json
        ? `${JSON.stringify(users, null, 2)}\n`
        : table(
            ['USER', 'ROLE', 'STATE', 'CREATED', 'ID'],
            users.map((u) => [
              u.username,
              u.role,
              u.disabled ? 'disabled' : 'active',
              when(u.created_at),
              u.id,
            ]),
          ),
    );
  });
}

/** `muster nodes list`: every node as the server last recorded it (online means linked at that time). */
export async function listNodes(config: ServerConfig, json: boolean): Promise<void> {
  await withStorage(config, async ({ store }) => {
    const spaces = new Map((await store.repos.spaces.listSpaces()).map((s) => [s.id, s.name]));
    const nodes = await store.repos.nodes.list({ limit: 1_000_000, offset: 0 });
    if (json) {
      process.stdout.write(
        `${JSON.stringify(
          nodes.map((n) => ({
            id: n.id,
            hostname: n.hostname,
            space: spaces.get(n.space_id) ?? n.space_id,
            status: n.status,
            since: n.since,
            last_seen_at: n.last_seen_at,
            agent_version: n.agent_version,
          })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    process.stdout.write(
      table(
        ['HOSTNAME', 'STATUS', 'SINCE', 'SPACE', 'AGENT', 'ID'],
        nodes.map((n) => [
          n.hostname,
          n.status,
          when(n.since),
          spaces.get(n.space_id) ?? n.space_id,
          n.agent_version ?? '-',
          n.id,
        ]),
      ),
    );
    process.stdout.write(`${nodes.length} node${nodes.length === 1 ? '' : 's'}\n`);
  });
}
