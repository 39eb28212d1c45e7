/**
 * Organisations' own signing certificates at rest: the PKCS#12 and its
 * password are encrypted together with AES-256-GCM under a key derived
 * (HKDF-SHA256) from a server secret in DATA_DIR/secrets, bound to the
 * organisation and the row (associated data), so a row copied to another
 * organisation does not decrypt. Nothing here is ever returned by an API.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { loadOrCreateSecret } from '../auth/secrets.ts';

export class CertificateVault {
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const secret = loadOrCreateSecret(dataDir, 'organisation-certificates');
    this.key = Buffer.from(hkdfSync('sha256', secret, 'yunting', 'organisation-certificates/v1', 32));
  }

  seal(payload: { p12: Buffer; password: string }, binding: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(binding));
    const plain = Buffer.from(JSON.stringify({ p12: payload.p12.toString('base64'), password: payload.password }));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string, binding: string): { p12: Buffer; password: string } {
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(binding));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString()) as { p12: string; password: string };
    return { p12: Buffer.from(plain.p12, 'base64'), password: plain.password };
  }
}
