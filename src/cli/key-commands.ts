import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerConfig } from '../server/config.ts';
import { createSealer } from '../server/crypto.ts';
import { resealAll } from '../server/db/reseal.ts';
import {
  checkMasterKey,
  masterSealer,
  NEXT_KEY_FILE,
  PREVIOUS_KEY_FILE,
  readKeyFile,
} from '../server/main.ts';
import { withStorage } from './admin-commands.ts';

const CURRENT = 'master.key';

/** Write a key file readable only by the owner of master.key (the server's user), as master.key is. */
function writeKey(dataDir: string, name: string, key: Buffer): string {
  const path = join(dataDir, name);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  const current = join(dataDir, CURRENT);
  if (process.getuid?.() === 0 && existsSync(current)) {
    const { uid, gid } = statSync(current);
    chownSync(path, uid, gid);
  }
  return path;
}

/** master.key.next becomes master.key, and master.key master.key.previous (kept until every replica has the new one). */
function promote(dataDir: string): void {
  const next = join(dataDir, NEXT_KEY_FILE);
  if (!existsSync(next)) throw new Error(`${next} does not exist: there is no new key to switch to here`);
  renameSync(join(dataDir, CURRENT), join(dataDir, PREVIOUS_KEY_FILE));
  renameSync(next, join(dataDir, CURRENT));
}

/**
 * `muster key new`: the key a rotation will switch to, as master.key.next (made here, or the one given, for the other
 * replicas of a cluster). Servers started with it open what is sealed under it, and still seal with master.key.
 */
export function keyNew(config: ServerConfig, given?: string): void {
  const dataDir = resolve(config.dataDir);
  if (!existsSync(join(dataDir, CURRENT)))
    throw new Error(`${dataDir} holds no master.key: is it the server's data directory? (pass --data-dir)`);
  let key: Buffer;
  if (given) {
    key = Buffer.from(given, 'base64');
    if (key.length !== 32) throw new Error('--key must be 32 bytes in base64');
  } else key = randomBytes(32);
  const path = writeKey(dataDir, NEXT_KEY_FILE, key);
  process.stdout.write(
    `the next master key is in ${path}\n` +
      (given
        ? ''
        : `give it to the other replicas (muster key new --key ${key.toString('base64')}), restart each replica, then run muster key rotate once (docs/operations.md#master-key-rotation)\n`),
  );
}

/**
 * `muster key rotate`: every sealed secret sealed again under the next key (master.key.next, made now when there is
 * none) in one transaction, then the key files switched here: the new key is master.key, the old one
 * master.key.previous until every replica runs the new one.
 */
export async function keyRotate(config: ServerConfig): Promise<void> {
  const dataDir = resolve(config.dataDir);
  const fromEnv = Boolean(config.masterKey);
  if (!fromEnv && !existsSync(join(dataDir, CURRENT)))
    throw new Error(`${dataDir} holds no master.key: is it the server's data directory? (pass --data-dir)`);
  const nextPath = join(dataDir, NEXT_KEY_FILE);
  let next: Buffer;
  if (config.masterKeyNext) next = Buffer.from(config.masterKeyNext, 'base64');
  else if (existsSync(nextPath)) next = readKeyFile(nextPath)!;
  else {
    if (fromEnv)
      throw new Error(
        'the master key comes from MUSTER_MASTER_KEY: give the new one as MUSTER_MASTER_KEY_NEXT (see docs/operations.md#master-key-rotation)',
      );
    next = randomBytes(32);
    writeKey(dataDir, NEXT_KEY_FILE, next);
  }
  const ring = masterSealer({ ...config, dataDir, masterKeyNext: next.toString('base64') });
  const target = createSealer(next);
  const count = await withStorage(config, async ({ database }) => {
    await checkMasterKey(database, ring);
    return resealAll(database.db, ring, target);
  });
  if (fromEnv) {
    process.stdout.write(
      `sealed ${count} values again under the new key. Now run every replica with MUSTER_MASTER_KEY=<the new key> and MUSTER_MASTER_KEY_PREVIOUS=<the old key>; drop the previous key once all run the new one\n`,
    );
    return;
  }
  promote(dataDir);
  process.stdout.write(
    `sealed ${count} values again under the new key; ${join(dataDir, CURRENT)} is the new key, the old one is in ${join(dataDir, PREVIOUS_KEY_FILE)}.\n` +
      'Restart the server (each replica of a cluster, after `muster key promote` in its data dir); once all run the new key, delete master.key.previous\n',
  );
}

/** `muster key promote`: on another replica after the rotation, switch its key files (no database change). */
export function keyPromote(config: ServerConfig): void {
  const dataDir = resolve(config.dataDir);
  promote(dataDir);
  process.stdout.write(
    `${join(dataDir, CURRENT)} is the new key, the old one is in ${join(dataDir, PREVIOUS_KEY_FILE)}; restart this replica\n`,
  );
}
