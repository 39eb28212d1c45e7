/**
 * Seals a finished document with the organisation's certificate: a PKCS#7
 * detached signature (Adobe.PPKLite / adbe.pkcs7.detached) in a fixed-size
 * Contents slot, over every byte outside it (ByteRange), so a PDF reader
 * shows the document as signed and any later change as breaking it.
 */
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import type { PDFDocument } from 'pdf-lib';
import type { SigningKey } from '../signingKey.ts';
import { saveFinished } from './embedFont.ts';
import { CachedP12Signer } from './pkcs7Signer.ts';

export interface SealInfo {
  /** ASCII only: the signature dictionary's strings are written as PDF literal strings. */
  reason: string;
  location: string;
  signingTime: Date;
}

export const SIGNATURE_LENGTH = 8192;

export async function signPdf(doc: PDFDocument, key: SigningKey, info: SealInfo): Promise<Buffer> {
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: info.reason,
    contactInfo: '',
    name: 'Yunting',
    location: info.location,
    signingTime: info.signingTime,
    signatureLength: SIGNATURE_LENGTH,
    appName: 'Yunting',
  });
  const unsigned = Buffer.from(await saveFinished(doc, { useObjectStreams: false }));
  return new SignPdf().sign(unsigned, new CachedP12Signer(key.p12, key.passphrase), info.signingTime);
}
