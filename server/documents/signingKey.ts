/**
 * The organisation's signing certificate (PKCS#12) that seals final PDFs.
 * In service it comes from configuration (SIGNING_P12 + SIGNING_P12_PASSWORD);
 * without it, a self-signed development certificate is made once with
 * node-forge into DATA_DIR/secrets/ (never in git) and reused after.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { loadOrCreateSecret } from '../auth/secrets.ts';

export interface SigningKey {
  p12: Buffer;
  passphrase: string;
  /** The certificate's subject, as printed on the audit page: "CN=…, O=…". */
  subject: string;
  certificatePem: string;
  /** SHA-256 fingerprint of the certificate (DER), hex. */
  fingerprint: string;
  development: boolean;
}

export interface SigningKeySource {
  dataDir: string;
  p12File?: string | undefined;
  p12Password?: string | undefined;
}

export function describeP12(p12: Buffer, passphrase: string): { subject: string; certificatePem: string; fingerprint: string } {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), false, passphrase);
  const keyBagOid = forge.pki.oids.pkcs8ShroudedKeyBag!;
  const certBagOid = forge.pki.oids.certBag!;
  const keyBag = parsed.getBags({ bagType: keyBagOid })[keyBagOid]?.[0];
  const certificates = (parsed.getBags({ bagType: certBagOid })[certBagOid] ?? []).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const key = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error('The signing certificate file has no (password-protected) private key');
  const certificate = certificates.find((c) => {
    const publicKey = c.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n?.compareTo(key.n) === 0 && publicKey.e?.compareTo(key.e) === 0;
  });
  if (!certificate) throw new Error('The signing certificate file has no certificate for its private key');
  const subject = certificate.subject.attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  const fingerprint = forge.md.sha256.create().update(der).digest().toHex();
  return { subject, certificatePem: forge.pki.certificateToPem(certificate), fingerprint };
}

/** A self-signed document-signing certificate, for development and tests only. */
export function makeDevelopmentP12(passphrase: string, names: { commonName?: string; organization?: string } = {}): Buffer {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.rsa.setPublicKey(key.n, key.e);
  certificate.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  certificate.validity.notBefore = new Date(Date.now() - 86_400_000);
  certificate.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const subject = [
    { name: 'commonName', value: names.commonName ?? 'Yunting development document signing' },
    { name: 'organizationName', value: names.organization ?? 'Yunting (development, not for service)' },
    { name: 'countryName', value: 'CN' },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [certificate], passphrase, { algorithm: '3des', friendlyName: 'yunting-signing' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

export function loadSigningKey(source: SigningKeySource): SigningKey {
  if (source.p12File) {
    const p12 = readFileSync(source.p12File);
    const passphrase = source.p12Password ?? '';
    return { p12, passphrase, ...describeP12(p12, passphrase), development: false };
  }
  const dir = path.join(source.dataDir, 'secrets');
  const file = path.join(dir, 'signing.p12');
  const passphrase = loadOrCreateSecret(source.dataDir, 'signing-p12');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, makeDevelopmentP12(passphrase), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const p12 = readFileSync(file);
  return { p12, passphrase, ...describeP12(p12, passphrase), development: true };
}

/** The key as the service uses it: a configured certificate is read (and checked) at once; the development one is made on first use. */
export function signingKeyLoader(source: SigningKeySource): () => SigningKey {
  let key: SigningKey | undefined;
  if (source.p12File) {
    try {
      key = loadSigningKey(source);
    } catch (error) {
      throw new Error(`SIGNING_P12 (${source.p12File}) cannot be used: ${error instanceof Error ? error.message : String(error)}; check the file and SIGNING_P12_PASSWORD`);
    }
  }
  return () => (key ??= loadSigningKey(source));
}
