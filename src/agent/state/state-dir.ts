import type { HostConfig } from '../../protocol/link-methods.ts';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../protocol/errors.ts';
import { formatPin } from '../../protocol/pin.ts';
import { AgentError } from '../net/net-errors.ts';
import { formatIni, iniBool, parseIni } from './ini.ts';

/** What cloud.conf records about the server this agent is claimed to. */
export interface CloudConf {
  enabled: boolean;
  url: string | null;
  proxy: string;
  insecure: boolean;
  caPin: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(what: string, err: unknown): never {
  const code = (err as { code?: string }).code;
  const hint =
    code === 'EACCES' || code === 'EPERM' ? '; run as root or pass --state-dir to a directory you own' : '';
  throw new AgentError(EXIT.STATE_DIR, `${what}: ${(err as Error).message}${hint}`, { cause: err });
}

/** Write atomically (temp file + rename) with the given mode. */
function writeAtomic(path: string, data: string, mode: number) {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (err) {
    // A full disk leaves an empty or partial temporary file: never keep it.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Temporary files an earlier agent left behind when a write failed (a full disk, a kill mid-write). */
export function removeStaleTemporaries(dirs: string[]): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names)
      if (/\.tmp(-\d+)?$/.test(name)) {
        rmSync(join(dir, name), { force: true });
        removed.push(join(dir, name));
      }
  }
  return removed;
}

/** The machine GUID, created on first start. */
function machineGuid(p: { guid: string }): string {
  if (existsSync(p.guid)) {
    let v: string;
    try {
      v = readFileSync(p.guid, 'utf8').trim();
    } catch (err) {
      throw new AgentError(EXIT.MACHINE_GUID_UNREADABLE, `cannot read ${p.guid}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (!UUID.test(v))
      throw new AgentError(
        EXIT.MACHINE_GUID_UNREADABLE,
        `${p.guid} does not hold a UUID; delete it to make a new one`,
      );
    return v.toLowerCase();
  }
  const guid = randomUUID();
  try {
    writeFileSync(p.guid, `${guid}\n`, { mode: 0o644, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return readFileSync(p.guid, 'utf8').trim();
    fail(`cannot write ${p.guid}`, err);
  }
  return guid;
}

/** The RSA-2048 key pair, made here on first start; the private key never leaves this directory. */
function keyPair(p: { privateKey: string; publicKey: string }): { privateKey: string; publicKey: string } {
  if (!existsSync(p.privateKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    try {
      // wx: a second process starting at the same moment keeps the first one's key.
      const fd = openSync(p.privateKey, 'wx', 0o600);
      writeFileSync(fd, privateKey);
      closeSync(fd);
      writeAtomic(p.publicKey, publicKey, 0o644);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') fail(`cannot write ${p.privateKey}`, err);
    }
  }
  let privateKey: string;
  let publicKey: string;
  try {
    privateKey = readFileSync(p.privateKey, 'utf8');
    publicKey = existsSync(p.publicKey) ? readFileSync(p.publicKey, 'utf8') : '';
  } catch (err) {
    fail('cannot read the key pair', err);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKey);
  } catch {
    throw new AgentError(
      EXIT.STATE_CORRUPT,
      `${p.privateKey} does not hold a private key; restore it from a backup, or run \`muster-agent claim --force\` to make a new key and claim this machine again`,
    );
  }
  // The public half is derived from the private key, so a missing or damaged public.pem is simply rewritten.
  const derived = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  if (publicKey !== derived) {
    try {
      writeAtomic(p.publicKey, derived, 0o644);
    } catch (err) {
      fail(`cannot write ${p.publicKey}`, err);
    }
  }
  return { privateKey, publicKey: derived };
}

/** The agent's state directory: identity, keys, claim result and settings (docs/agent.md). */
export function openStateDir(dir: string) {
  const cloudDir = join(dir, 'cloud.d');
  const p = {
    guid: join(dir, 'machine_guid'),
    privateKey: join(cloudDir, 'private.pem'),
    publicKey: join(cloudDir, 'public.pem'),
    claimedId: join(cloudDir, 'claimed_id'),
    claimingId: join(cloudDir, 'claiming_id'),
    cloudConf: join(cloudDir, 'cloud.conf'),
    token: join(cloudDir, 'token'),
    rooms: join(cloudDir, 'rooms'),
    ca: join(cloudDir, 'ca.pem'),
    agentToken: join(cloudDir, 'agent_token'),
    linkConfig: join(cloudDir, 'link-config.json'),
    claimConf: join(dir, 'claim.conf'),
    sessionKey: join(dir, 'session.key'),
    localApiAddr: join(dir, 'local-api.addr'),
  };

  return {
    dir,
    paths: p,
    /** The machine GUID, created on first start. */
    machineGuid: () => machineGuid(p),
    /** The RSA-2048 key pair, made here on first start; the private key never leaves this directory. */
    keyPair: () => keyPair(p),

    /** Create the directories (0700) when missing; refuse a directory owned by another user (exit 6). */
    ensure(): void {
      try {
        mkdirSync(cloudDir, { recursive: true, mode: 0o700 });
        chmodSync(dir, 0o700);
        chmodSync(cloudDir, 0o700);
      } catch (err) {
        fail(`cannot create the state directory ${dir}`, err);
      }
      const uid = process.getuid?.();
      if (uid !== undefined && uid !== 0) {
        const owner = statSync(dir).uid;
        if (owner !== uid)
          throw new AgentError(EXIT.WRONG_USER, `${dir} belongs to uid ${owner}; run the agent as that user`);
      }
    },

    /**
     * The id this agent is claimed as, or null when it is not claimed. A claimed_id file that is empty or does not
     * hold a UUID is a damaged state directory (exit 20, naming the file), never "not claimed".
     */
    claimedId(): string | null {
      if (!existsSync(p.claimedId)) return null;
      let v: string;
      try {
        v = readFileSync(p.claimedId, 'utf8').trim();
      } catch (err) {
        fail(`cannot read ${p.claimedId}`, err);
      }
      if (!UUID.test(v))
        throw new AgentError(
          EXIT.STATE_CORRUPT,
          `${p.claimedId} is ${v ? 'not a node id' : 'empty'}; restore it from a backup, or run \`muster-agent claim --force\` to claim this machine again as a new node`,
        );
      return v.toLowerCase();
    },

    /**
     * The id to claim under. It is written before the first attempt and used for every retry until the claim is
     * recorded, so a claim the server stored but the agent never heard of (a crash, a lost answer) is repeated
     * under the same id and key: the server treats that as a retry, one node, no second use of the token.
     */
    claimingId(): string {
      const existing = existsSync(p.claimingId) ? readFileSync(p.claimingId, 'utf8').trim() : '';
      if (UUID.test(existing)) return existing.toLowerCase();
      const id = randomUUID();
      try {
        writeAtomic(p.claimingId, `${id}\n`, 0o600);
      } catch (err) {
        fail(`cannot write ${p.claimingId}`, err);
      }
      return id;
    },

    /** Give up the pending claim id (the server holds it with another key or space): the next claim uses a new one. */
    dropClaimingId(): void {
      if (existsSync(p.claimingId)) unlinkSync(p.claimingId);
    },

    readCloudConf(): CloudConf {
      const ini = existsSync(p.cloudConf) ? (parseIni(readFileSync(p.cloudConf, 'utf8')).global ?? {}) : {};
      return {
        enabled: iniBool(ini.enabled) ?? true,
        url: ini.url || null,
        proxy: ini.proxy ?? 'env',
        insecure: iniBool(ini.insecure) ?? false,
        caPin: ini['ca pin'] || null,
      };
    },

    /** Record a successful claim: the id, where the server is and how to trust it (and a bearer, when enrolled). */
    saveClaim(
      claimedId: string,
      conf: CloudConf,
      caPem: string | null,
      agentToken: string | null = null,
    ): void {
      try {
        if (agentToken) writeAtomic(p.agentToken, `${agentToken}\n`, 0o600);
        else if (existsSync(p.agentToken)) unlinkSync(p.agentToken);
        if (caPem) writeAtomic(p.ca, caPem, 0o644);
        writeAtomic(
          p.cloudConf,
          formatIni('global', {
            enabled: conf.enabled ? 'yes' : 'no',
            url: conf.url ?? '',
            proxy: conf.proxy,
            insecure: conf.insecure ? 'yes' : 'no',
            'ca pin': conf.caPin ? formatPin(conf.caPin) : '',
          }),
          0o600,
        );
        writeAtomic(p.claimedId, `${claimedId}\n`, 0o644);
        if (existsSync(p.claimingId)) unlinkSync(p.claimingId);
        // The token is not kept after success.
        for (const f of [p.token, p.rooms]) if (existsSync(f)) unlinkSync(f);
      } catch (err) {
        fail('cannot record the claim', err);
      }
    },

    /** Forget the identity: claimed id and keys go; the machine GUID stays. */
    forgetIdentity(): void {
      for (const f of [
        p.claimedId,
        p.claimingId,
        p.privateKey,
        p.publicKey,
        p.ca,
        p.cloudConf,
        p.agentToken,
        p.linkConfig,
      ])
        if (existsSync(f)) unlinkSync(f);
    },

    readFileIfAny(path: string): string | null {
      return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
    },

    /** A fresh random key for the local claim API; the file proves local access. */
    regenerateSessionKey(): string {
      const key = randomBytes(24).toString('base64url');
      writeAtomic(p.sessionKey, `${key}\n`, 0o600);
      return key;
    },

    /** Configuration the server sent over the link (may hold repository credentials: 0600). */
    saveLinkConfig(config: HostConfig): void {
      writeAtomic(p.linkConfig, `${JSON.stringify(config, null, 2)}\n`, 0o600);
    },

    /** Delete the configuration the server sent (repository credentials, schedules). */
    forgetLinkConfig(): void {
      if (existsSync(p.linkConfig)) unlinkSync(p.linkConfig);
    },

    writeLocalApiAddr(addr: string | null): void {
      if (addr) writeAtomic(p.localApiAddr, `${addr}\n`, 0o644);
      else if (existsSync(p.localApiAddr)) unlinkSync(p.localApiAddr);
    },
  };
}
export type StateDir = ReturnType<typeof openStateDir>;
