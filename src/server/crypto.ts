import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** A new secret: readable prefix + 256 random bits in base64url (only `A-Za-z0-9-_`). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex; secrets are 256-bit random so no slow hash is needed. */
export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Encrypts secrets the server must give back, with AES-256-GCM under the master key. */
export function createSealer(masterKey: Buffer) {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  return {
    /** A 256-bit key for one purpose, derived from the master key (replicas sharing the key derive the same one). */
    subkey(purpose: string): Buffer {
      return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `muster:${purpose}`, 32));
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
    open(sealed: string): string {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined)
        throw new Error('sealed value has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
export type Sealer = ReturnType<typeof createSealer>;
