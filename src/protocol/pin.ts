import { createHash, X509Certificate, type KeyObject } from 'node:crypto';

/** SHA-256 of a public key's SubjectPublicKeyInfo, hex; survives certificate renewal with the same key. */
export function spkiPin(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Pin of a PEM certificate's public key. */
export function certPin(pem: string | Buffer): string {
  return spkiPin(new X509Certificate(pem).publicKey);
}

/** Normalise a user-given pin (`sha256:<hex>`, `<hex>`, colons allowed) to bare lowercase hex, or null if malformed. */
export function normalisePin(input: string): string | null {
  const body = input
    .trim()
    .replace(/^sha256[:/]/i, '')
    .replace(/:/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(body) ? body : null;
}

/** The pin as shown to people and put in commands. */
export function formatPin(hex: string): string {
  return `sha256:${hex}`;
}
