import 'reflect-metadata';
import { webcrypto, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { certPin } from '../../protocol/pin.ts';

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const SERVER_DAYS = 397;
/** Renew the server certificate when it has fewer days than this left. */
const RENEW_DAYS = 30;

export interface TlsMaterial {
  /** PEM private key of the server certificate. */
  key: string;
  /** Server certificate followed by the CA, so pinning clients see the CA in the chain. */
  cert: string;
  /** PEM of the CA (null when certificates were given and carry no CA). */
  caPem: string | null;
  /** SHA-256 of the CA's public key, hex (or of the leaf's key when no CA is known). */
  pin: string;
}

async function toPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

function writeSecret(path: string, data: string) {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

/** Names and addresses the server certificate must cover. */
function sanFor(names: string[]) {
  const unique = [...new Set(names.filter(Boolean))];
  return new x509.SubjectAlternativeNameExtension(
    unique.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
  );
}

function coversAll(certPem: string, names: string[]): boolean {
  const c = new X509Certificate(certPem);
  const alt = c.subjectAltName ?? '';
  return names.every((n) =>
    isIP(n)
      ? alt.includes(`IP Address:${n.toUpperCase()}`) || alt.includes(`IP Address:${n}`)
      : alt.includes(`DNS:${n}`),
  );
}

/**
 * First run: a CA and a server certificate for `names` in `<dataDir>/tls`. Later runs reuse them, renewing the server
 * certificate (same CA, so the pin holds) when it nears expiry or the names changed.
 */
export async function ensureTlsMaterial(
  dataDir: string,
  names: string[],
  now = new Date(),
): Promise<TlsMaterial> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCertPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');

  let caKey: webcrypto.CryptoKey;
  let caCert: x509.X509Certificate;
  if (existsSync(caCertPath) && existsSync(caKeyPath)) {
    caKey = await importKey(readFileSync(caKeyPath, 'utf8'));
    caCert = new x509.X509Certificate(readFileSync(caCertPath, 'utf8'));
  } else {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    caKey = keys.privateKey;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=Muster CA, O=Muster',
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + CA_DAYS * DAY),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writeSecret(caKeyPath, await toPem(caKey));
    writeFileSync(caCertPath, caCert.toString('pem'));
  }
  const caPem = caCert.toString('pem');

  const fresh =
    existsSync(certPath) &&
    existsSync(keyPath) &&
    new Date(new X509Certificate(readFileSync(certPath)).validTo).getTime() - now.getTime() >
      RENEW_DAYS * DAY &&
    coversAll(readFileSync(certPath, 'utf8'), names);
  if (!fresh) {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${names.find((n) => !isIP(n)) ?? 'muster'}`,
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + SERVER_DAYS * DAY),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        sanFor(names),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ],
    });
    writeSecret(keyPath, await toPem(keys.privateKey));
    writeFileSync(certPath, leaf.toString('pem'));
  }
  const leafPem = readFileSync(certPath, 'utf8');
  return {
    key: readFileSync(keyPath, 'utf8'),
    cert: `${leafPem.trim()}\n${caPem.trim()}\n`,
    caPem,
    pin: certPin(caPem),
  };
}

/** The PEM certificates in a file, in order; refuses a file with none. */
function certificatesIn(file: string): string[] {
  const blocks =
    readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${file} holds no PEM certificate`);
  return blocks;
}

/**
 * The CA agents trust when a reverse proxy holds the certificate (`--agent-ca`): the last certificate in the file
 * is pinned, and served at /ca.pem so installers can check it against the pin.
 */
export function loadAgentCa(file: string): { caPem: string; pin: string } {
  const last = certificatesIn(file).at(-1)!;
  return { caPem: `${last}\n`, pin: certPin(last) };
}

/** Given certificate files: the pin is of the last certificate in the chain file (the CA when it is included). */
export function loadGivenTls(certFile: string, keyFile: string): TlsMaterial {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  const blocks = certificatesIn(certFile);
  const last = blocks[blocks.length - 1]!;
  const isCa = blocks.length > 1 || new X509Certificate(last).ca;
  return { key, cert, caPem: isCa ? `${last}\n` : null, pin: certPin(last) };
}
