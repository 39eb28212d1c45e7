/**
 * The PKCS#7 detached signature @signpdf's P12Signer makes (same structure,
 * same signed attributes in the same order: contentType, signingTime,
 * messageDigest; SHA-256; every certificate of the file), but with the
 * PKCS#12 opened once per key instead of on every seal (its PBKDF and
 * decryption run in JavaScript), and the RSA operation done by Node's
 * OpenSSL instead of node-forge's big-number code.
 */
import { constants, createPrivateKey, privateEncrypt, type KeyObject } from 'node:crypto';
import { P12Signer } from '@signpdf/signer-p12';
import forge from 'node-forge';

interface OpenedKey {
  certificates: forge.pki.Certificate[];
  certificate: forge.pki.Certificate;
  privateKey: KeyObject;
}

const opened = new WeakMap<Buffer, OpenedKey>();

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function open(p12: Buffer, passphrase: string): OpenedKey {
  const known = opened.get(p12);
  if (known) return known;
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), false, passphrase);
  const certBag = forge.pki.oids.certBag!;
  const keyBag = forge.pki.oids.pkcs8ShroudedKeyBag!;
  const certificates = (parsed.getBags({ bagType: certBag })[certBag] ?? []).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const key = parsed.getBags({ bagType: keyBag })[keyBag]?.[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error('The PKCS#12 file holds no private key');
  const certificate = certificates.find((cert: forge.pki.Certificate) => {
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    return key.n.compareTo(publicKey.n) === 0 && key.e.compareTo(publicKey.e) === 0;
  });
  if (!certificate) throw new Error('Failed to find a certificate that matches the private key.');
  const result = { certificates, certificate, privateKey: createPrivateKey(forge.pki.privateKeyToPem(key)) };
  opened.set(p12, result);
  return result;
}

export class CachedP12Signer extends P12Signer {
  readonly #p12: Buffer;
  readonly #passphrase: string;

  constructor(p12: Buffer, passphrase: string) {
    super(p12, { passphrase });
    this.#p12 = p12;
    this.#passphrase = passphrase;
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const { certificates, certificate, privateKey } = open(this.#p12, this.#passphrase);
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const cert of certificates) p7.addCertificate(cert);
    const key = {
      // forge hands over the SHA-256 of the signed attributes; sign it as RSASSA-PKCS1-v1_5.
      sign: (md: forge.md.MessageDigest) =>
        privateEncrypt(
          { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
          Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')]),
        ).toString('binary'),
    };
    p7.addSigner({
      key: key as unknown as forge.pki.rsa.PrivateKey,
      certificate,
      digestAlgorithm: forge.pki.oids.sha256!,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest! },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}
