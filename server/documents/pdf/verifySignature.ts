/**
 * Reads back the PKCS#7 signature of a PDF: the ByteRange, whether the
 * signed bytes still hash to the digest the signature carries, whether the
 * signature over it verifies with the certificate inside, and whether the
 * signature covers the whole file (nothing appended after signing).
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';

export interface PdfSignatureCheck {
  present: boolean;
  /** Digest matches and the signature verifies with the embedded certificate. */
  valid: boolean;
  /** The signed ranges reach the end of the file. */
  coversWholeFile: boolean;
  signer: string | null;
  signedAt: string | null;
  byteRange: [number, number, number, number] | null;
  /** The DER signature, for tools that want to check it themselves (openssl cms). */
  signatureDer: Buffer | null;
}

const absent: PdfSignatureCheck = { present: false, valid: false, coversWholeFile: false, signer: null, signedAt: null, byteRange: null, signatureDer: null };

export function signedBytes(pdf: Buffer, byteRange: [number, number, number, number]): Buffer {
  const [a, b, c, d] = byteRange;
  return Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
}

export function checkPdfSignature(pdf: Buffer): PdfSignatureCheck {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf('/ByteRange');
  if (at < 0) return absent;
  const match = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text.slice(at, at + 120));
  if (!match) return absent;
  const byteRange = match.slice(1, 5).map(Number) as [number, number, number, number];
  const [a, b, c, d] = byteRange;
  if (a !== 0 || c <= b || c + d > pdf.length) return { ...absent, present: true, byteRange };
  // Linear in the range, whatever it holds (a backtracking trim here froze the server on crafted input).
  let hex = text.slice(b, c);
  const start = hex.startsWith('<') ? 1 : 0;
  let end = hex.endsWith('>') ? hex.length - 1 : hex.length;
  while (end - start >= 2 && hex.charCodeAt(end - 1) === 48 && hex.charCodeAt(end - 2) === 48) end -= 2;
  hex = hex.slice(start, end);
  const signatureDer = Buffer.from(hex, 'hex');
  const result: PdfSignatureCheck = { present: true, valid: false, coversWholeFile: c + d === pdf.length, signer: null, signedAt: null, byteRange, signatureDer };
  try {
    const message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(signatureDer.toString('binary')))) as forge.pkcs7.PkcsSignedData & {
      rawCapture: { authenticatedAttributes?: forge.asn1.Asn1[]; signature?: string };
    };
    const attributes = message.rawCapture.authenticatedAttributes ?? [];
    let digest: string | undefined;
    for (const attribute of attributes) {
      const [oid, values] = attribute.value as forge.asn1.Asn1[];
      const type = forge.asn1.derToOid((oid!.value as string));
      const value = (values!.value as forge.asn1.Asn1[])[0]!;
      if (type === forge.pki.oids.messageDigest) digest = value.value as string;
      if (type === forge.pki.oids.signingTime) {
        result.signedAt = (value.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(value.value as string) : forge.asn1.generalizedTimeToDate(value.value as string)).toISOString();
      }
    }
    const contentDigest = createHash('sha256').update(signedBytes(pdf, byteRange)).digest('binary');
    const attributesDer = forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attributes)).getBytes();
    const attributesDigest = forge.md.sha256.create().update(attributesDer).digest().bytes();
    const signature = message.rawCapture.signature ?? '';
    for (const certificate of message.certificates) {
      const publicKey = certificate.publicKey as forge.pki.rsa.PublicKey;
      let verified = false;
      try {
        verified = publicKey.verify(attributesDigest, signature);
      } catch {
        verified = false;
      }
      if (!verified) continue;
      result.signer = certificate.subject.attributes.map((attr) => `${attr.shortName ?? attr.name}=${String(attr.value)}`).join(', ');
      result.valid = digest === contentDigest;
      break;
    }
  } catch {
    result.valid = false;
  }
  return result;
}
