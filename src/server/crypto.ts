import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** A new secret: readable prefix + 256 random bits in base64url (only `A-Za-z0-9-_`). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex; secrets are 256-bit random so no slow hash is needed. */
export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Encrypts secrets the server must give back, with AES-256-GCM under the master key. `others` are keys it still opens
 * with but never seals with: the key before a rotation (until every value is sealed again) and the key a rotation is
 * about to switch to (so replicas that know it already open what the rotation seals).
 */
export function createSealer(masterKey: Buffer, others: Buffer[] = []) {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  for (const k of others) if (k.length !== 32) throw new Error('every master key must be 32 bytes');
  const ring = [masterKey, ...others.filter((k) => !k.equals(masterKey))];
  const derive = (key: Buffer, purpose: string) =>
    Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `muster:${purpose}`, 32));
  function openWith(key: Buffer, sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('sealed value has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
  /** Open with any key of the ring; `current`: with the sealing key (false: it wants sealing again). */
  function openAny(sealed: string): { plain: string; current: boolean } {
    let last: unknown;
    for (const [i, key] of ring.entries()) {
      try {
        return { plain: openWith(key, sealed), current: i === 0 };
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new Error('the sealed value opens with no master key');
  }
  return {
    /** A 256-bit key for one purpose, derived from the master key (replicas sharing the key derive the same one). */
    subkey(purpose: string): Buffer {
      return derive(masterKey, purpose);
    },
    /** The same purpose's keys from every key of the ring, the sealing one first: what is checked against. */
    subkeys(purpose: string): Buffer[] {
      return ring.map((k) => derive(k, purpose));
    },
    /** `v1.<iv>.<tag>.<ciphertext>` in base64url. */
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), ct]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open: (sealed: string): string => openAny(sealed).plain,
    openAny,
    /** Whether more than the sealing key is in the ring (a rotation under way). */
    rotating: ring.length > 1,
  };
}
export type Sealer = ReturnType<typeof createSealer>;
