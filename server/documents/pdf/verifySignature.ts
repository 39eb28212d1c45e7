/**
 * Reads back the PKCS#7 signature of a PDF: the ByteRange, whether the
 * signed bytes still hash to the digest the signature carries, whether the
 * signature over it verifies with the certificate that signed, whether that
 * certificate is one we trust (pinned by SHA-256 fingerprint), and whether
 * the signature covers the whole file (nothing appended after signing).
 *
 * Everything here reads public input (anyone may post a PDF to /api/verify),
 * so every step is linear and bounded: the ByteRange is four bounded
 * integers checked against the file, the signature slot has a maximum size,
 * the PKCS#7 blob is cut at its DER length (no regex over the slot), and the
 * public-key maths runs in OpenSSL (which bounds key and exponent sizes), not
 * in JavaScript.
 */
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** What an answer says about the certificate that signed. */
export interface SigningCertificate {
  subject: string;
  issuer: string;
  /** SHA-256 of the certificate (DER), lower-case hex. */
  fingerprint: string;
  validFrom: string;
  validTo: string;
  /** One of the organisation's pinned certificates. */
  ours: boolean;
}

export type SignatureProblem =
  /** The /ByteRange is not four ordered integers inside the file. */
  | 'BYTE_RANGE_INVALID'
  /** The signature slot is missing, too large, not hex or not one DER object. */
  | 'SIGNATURE_CONTENTS_INVALID'
  /** The DER is not a PKCS#7 signature we can read. */
  | 'SIGNATURE_UNREADABLE'
  /** No certificate inside verifies the signature. */
  | 'SIGNATURE_MISMATCH'
  /** The signature holds, but the signed bytes were changed. */
  | 'DIGEST_MISMATCH'
  /** The signature holds with a certificate that is not ours. */
  | 'CERTIFICATE_NOT_OURS';

export interface PdfSignatureCheck {
  present: boolean;
  /** Intact and signed with one of our certificates. */
  valid: boolean;
  /** The digest matches the signed bytes and the signature verifies with the certificate that signed. */
  intact: boolean;
  /** The signed ranges reach the end of the file. */
  coversWholeFile: boolean;
  /** Subject of the certificate that signed (whether or not it is ours). */
  signer: string | null;
  certificate: SigningCertificate | null;
  signedAt: string | null;
  byteRange: [number, number, number, number] | null;
  /** The DER signature, for tools that want to check it themselves (openssl cms). */
  signatureDer: Buffer | null;
  /** Why it is not valid, when it is present but not valid. */
  problem: SignatureProblem | null;
}

/** The seal's slot is 8 KB of DER (SIGNATURE_LENGTH); anything far larger is not ours. */
export const MAX_SIGNATURE_DER_BYTES = 64 * 1024;
/** More certificates than any real chain carries are not looked at. */
const MAX_CERTIFICATES = 8;
/** How far after "/ByteRange" its four numbers may be. */
const BYTE_RANGE_WINDOW = 120;

const absent: PdfSignatureCheck = {
  present: false,
  valid: false,
  intact: false,
  coversWholeFile: false,
  signer: null,
  certificate: null,
  signedAt: null,
  byteRange: null,
  signatureDer: null,
  problem: null,
};

export function signedBytes(pdf: Buffer, byteRange: [number, number, number, number]): Buffer {
  const [a, b, c, d] = byteRange;
  return Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
}

/** Lower-case hex without separators, as signingKey.ts writes it. */
export function normaliseFingerprint(value: string): string {
  return value.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/**
 * The four ByteRange numbers after the last "/ByteRange", if they describe a
 * signature slot inside this file: [0, b, c, d] with 0 < b < c, c + d within
 * the file, and the slot (b..c) no larger than a signature can be.
 */
function readByteRange(pdf: Buffer): { found: false } | { found: true; range: [number, number, number, number] | null } {
  const at = pdf.lastIndexOf('/ByteRange', undefined, 'latin1');
  if (at < 0) return { found: false };
  // A bounded window and a regex with no nested quantifiers: linear.
  const window = pdf.toString('latin1', at + '/ByteRange'.length, Math.min(pdf.length, at + BYTE_RANGE_WINDOW));
  const match = /^\s*\[\s*(\d{1,15})\s+(\d{1,15})\s+(\d{1,15})\s+(\d{1,15})\s*\]/.exec(window);
  if (!match) return { found: true, range: null };
  const range = match.slice(1, 5).map(Number) as [number, number, number, number];
  const [a, b, c, d] = range;
  const ok = a === 0 && b > 0 && c > b && c - b <= 2 * MAX_SIGNATURE_DER_BYTES + 2 && c + d <= pdf.length;
  return { found: true, range: ok ? range : null };
}

/** The DER object at the start of the slot, cut at its own length (the rest of the slot is zero padding). */
function readSignatureDer(pdf: Buffer, b: number, c: number): Buffer | null {
  if (pdf[b] !== 0x3c /* < */ || pdf[c - 1] !== 0x3e /* > */) return null;
  const hex = pdf.toString('latin1', b + 1, c - 1);
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const slot = Buffer.from(hex, 'hex');
  // A SEQUENCE with a definite length (short form, or long form in at most 4 bytes).
  if (slot.length < 2 || slot[0] !== 0x30) return null;
  let length = slot[1]!;
  let header = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || slot.length < 2 + bytes) return null;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + slot[2 + i]!;
    header += bytes;
  }
  const total = header + length;
  if (total > slot.length || total > MAX_SIGNATURE_DER_BYTES) return null;
  return slot.subarray(0, total);
}

function describeName(attributes: { shortName?: string; name?: string; value?: unknown }[]): string {
  return attributes.map((attr) => `${attr.shortName ?? attr.name}=${String(attr.value)}`).join(', ');
}

/**
 * Checks the PDF's signature. `trustedFingerprints` are the SHA-256
 * fingerprints of the certificates we sign with; a signature made with any
 * other certificate, however it is named, is not valid.
 */
export function checkPdfSignature(pdf: Buffer, trustedFingerprints: readonly string[]): PdfSignatureCheck {
  const found = readByteRange(pdf);
  if (!found.found) return absent;
  if (!found.range) return { ...absent, present: true, problem: 'BYTE_RANGE_INVALID' };
  const byteRange = found.range;
  const [, b, c, d] = byteRange;
  const signatureDer = readSignatureDer(pdf, b, c);
  const result: PdfSignatureCheck = { ...absent, present: true, coversWholeFile: c + d === pdf.length, byteRange, signatureDer };
  if (!signatureDer) return { ...result, problem: 'SIGNATURE_CONTENTS_INVALID' };

  let message: forge.pkcs7.PkcsSignedData & { rawCapture: { authenticatedAttributes?: forge.asn1.Asn1[]; signature?: string } };
  let attributes: forge.asn1.Asn1[];
  let digest: string | undefined;
  try {
    message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(signatureDer.toString('binary')), true)) as typeof message;
    attributes = message.rawCapture.authenticatedAttributes ?? [];
    for (const attribute of attributes) {
      const [oid, values] = attribute.value as forge.asn1.Asn1[];
      const type = forge.asn1.derToOid(oid!.value as string);
      const value = (values!.value as forge.asn1.Asn1[])[0]!;
      if (type === forge.pki.oids.messageDigest) digest = value.value as string;
      if (type === forge.pki.oids.signingTime) {
        result.signedAt = (value.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(value.value as string) : forge.asn1.generalizedTimeToDate(value.value as string)).toISOString();
      }
    }
  } catch {
    return { ...result, problem: 'SIGNATURE_UNREADABLE' };
  }

  const signature = Buffer.from(message.rawCapture.signature ?? '', 'binary');
  const attributesDer = Buffer.from(forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attributes)).getBytes(), 'binary');
  const trusted = new Set(trustedFingerprints.map(normaliseFingerprint));
  for (const certificate of message.certificates.slice(0, MAX_CERTIFICATES)) {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary'));
    } catch {
      continue;
    }
    let verified = false;
    try {
      verified = verifySignature('sha256', attributesDer, x509.publicKey, signature);
    } catch {
      verified = false;
    }
    if (!verified) continue;
    const fingerprint = normaliseFingerprint(x509.fingerprint256);
    result.signer = describeName(certificate.subject.attributes);
    result.certificate = {
      subject: result.signer,
      issuer: describeName(certificate.issuer.attributes),
      fingerprint,
      validFrom: new Date(x509.validFrom).toISOString(),
      validTo: new Date(x509.validTo).toISOString(),
      ours: trusted.has(fingerprint),
    };
    const contentDigest = createHash('sha256').update(signedBytes(pdf, byteRange)).digest('binary');
    result.intact = digest === contentDigest;
    result.valid = result.intact && result.certificate.ours;
    result.problem = !result.intact ? 'DIGEST_MISMATCH' : !result.certificate.ours ? 'CERTIFICATE_NOT_OURS' : null;
    return result;
  }
  return { ...result, problem: 'SIGNATURE_MISMATCH' };
}
