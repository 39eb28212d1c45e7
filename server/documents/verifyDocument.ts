/**
 * The public register check behind /verify: is this file a registered final
 * version (by SHA-256), a version sent for signature, or unknown; and does
 * its seal hold, made with which certificate, ours or not.
 */
import { AppError } from '../errors.ts';
import type { Db } from '../store/database.ts';
import type { DocumentKind } from '../store/schema.ts';
import { sha256 } from './judicialPackage.ts';
import { documentTitles } from './pdf/commonBlocks.ts';
import { checkPdfSignature, type PdfSignatureCheck } from './pdf/verifySignature.ts';
import type { CertificateOwner } from '../organisations/organisationSeals.ts';

export interface VerifyResult {
  sha256: string;
  /** The file is a registered final version, byte for byte. */
  registered: boolean;
  /** The file is a version sent for signature but not the signed final. */
  unsignedVersion: boolean;
  document: {
    kind: DocumentKind;
    title: string;
    serialNumber: string;
    organisation: string;
    version: number;
    finalisedAt: string | null;
    signers: { role: string; name: string; signedAt: string }[];
  } | null;
  /** valid: intact and sealed with one of our pinned certificates; certificate: which one signed (ours or not). */
  signature: Pick<PdfSignatureCheck, 'present' | 'valid' | 'intact' | 'coversWholeFile' | 'signer' | 'signedAt' | 'certificate' | 'problem'>;
  /** Whose trusted certificate signed: an organisation's (its current or an earlier one) or the server's; null when none of ours did. */
  signedBy: { organisationId: string | null; organisation: string | null; server: boolean; current: boolean } | null;
}

export async function verifyDocument(db: Db, pdf: Buffer, trusted: readonly CertificateOwner[]): Promise<VerifyResult> {
  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (!pdf.subarray(0, 1024).includes('%PDF-')) throw new AppError('NOT_PDF', 'The file is not a PDF', 400);
  const hash = sha256(pdf);
  const { present, valid, intact, coversWholeFile, signer, signedAt, certificate, problem } = checkPdfSignature(pdf, trusted.map((c) => c.fingerprint));
  const signature = { present, valid, intact, coversWholeFile, signer, signedAt, certificate, problem };
  const owner = certificate?.ours ? trusted.find((c) => c.fingerprint === certificate.fingerprint) : undefined;
  const signedBy = owner ? { organisationId: owner.organisationId, organisation: owner.organisationName, server: owner.organisationId === null, current: owner.current } : null;
  const final = await db.selectFrom('documents').selectAll().where('final_sha256', '=', hash).executeTakeFirst();
  const version = final ? undefined : await db.selectFrom('document_versions').selectAll().where('sha256', '=', hash).executeTakeFirst();
  const row = final ?? (version ? await db.selectFrom('documents').selectAll().where('id', '=', version.document_id).executeTakeFirst() : undefined);
  if (!row) return { sha256: hash, registered: false, unsignedVersion: false, document: null, signature, signedBy };
  const caseRow = await db.selectFrom('cases').select(['serial_number', 'organisation_id']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
  const organisation = await db.selectFrom('organisations').select('name').where('id', '=', caseRow.organisation_id).executeTakeFirst();
  const number = final ? row.current_version! : version!.version;
  const signatures = final
    ? await db
        .selectFrom('document_signatures')
        .innerJoin('document_versions', 'document_versions.id', 'document_signatures.version_id')
        .select(['document_signatures.slot', 'document_signatures.signer_name', 'document_signatures.signed_at'])
        .where('document_versions.document_id', '=', row.id)
        .where('document_versions.version', '=', number)
        .orderBy('document_signatures.signed_at')
        .execute()
    : [];
  return {
    sha256: hash,
    registered: Boolean(final),
    unsignedVersion: !final,
    document: {
      kind: row.kind,
      title: documentTitles[row.kind],
      serialNumber: caseRow.serial_number,
      organisation: organisation?.name ?? '',
      version: number,
      finalisedAt: final ? row.finalised_at : null,
      signers: signatures.map((s) => ({ role: s.slot, name: s.signer_name, signedAt: s.signed_at })),
    },
    signature,
    signedBy,
  };
}
