/**
 * Documents signed online, as the domain sees them. The mediator or
 * arbitrator drafts (terms edited in place, pushed live to the parties);
 * sending for signature freezes a version (PDF + SHA-256); each party signs
 * the exact version it was shown; the host signs last, which seals the final
 * PDF (signatures in place, audit pages, PKCS#7) and stores its SHA-256.
 * An edit while signatures are being collected makes a new version, which
 * voids the signatures on the old one. Every step checks the policy and
 * writes its event (document log and case audit) in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { recordAudit } from '../audit/auditLog.ts';
import type { PartyActor } from '../auth/authService.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import { caseScope, type CaseService } from '../cases/caseService.ts';
import { canMove } from '../cases/workflow.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { Db } from '../store/database.ts';
import type { Case, DocumentEvent, DocumentKind, DocumentRow, DocumentSignature, DocumentVersion } from '../store/schema.ts';
import { buildContent } from './buildContent.ts';
import { loadCaseFacts, type CaseFacts } from './caseFacts.ts';
import { signatureSlots, type DocumentContent, type SignatureSlot } from './content.ts';
import { DocumentEventBus } from './documentEvents.ts';
import { auditCsv, sha256, zipFiles, type AuditRow, type PackageFile } from './judicialPackage.ts';
import { pageImage } from './pageImages.ts';
import type { AuditEventLine } from './pdf/auditPage.ts';
import { defaultSigners, documentTitles, roleNames } from './pdf/commonBlocks.ts';
import { renderVersion, sealFinal } from './pdf/documentPdf.ts';
import { debianNotoCjk, type FontFiles } from './pdf/fonts.ts';
import { checkSignatureImage } from './pdf/signatureImage.ts';
import type { SlotRect } from './pdf/renderDocument.ts';
import type { SigningKey } from './signingKey.ts';
import type { CertificateOwner, OrganisationSeals } from '../organisations/organisationSeals.ts';
import { DocumentStorage } from './storage.ts';
import { defaultTerms, type Terms } from './terms.ts';
import { verifyDocument, type VerifyResult } from './verifyDocument.ts';

export type { VerifyResult } from './verifyDocument.ts';

export type DocumentActor = StaffActor | PartyActor;

/** Where a request came from: printed on the audit page for every act. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string;
}

export interface DocumentView {
  id: string;
  caseId: string;
  roomId: string | null;
  kind: DocumentKind;
  title: string;
  serialNumber: string;
  status: DocumentRow['status'];
  revision: number;
  terms: Terms;
  requiredSigners: SignatureSlot[];
  /** The current terms as the document will read: the phones show this while the draft is edited. */
  content: DocumentContent;
  version: { number: number; sha256: string; pages: number; bytes: number; createdAt: string; signers: SignatureSlot[] } | null;
  signatures: { slot: SignatureSlot; signerName: string; signerRole: string; signedAt: string }[];
  final: { sha256: string; bytes: number; finalisedAt: string } | null;
  updatedAt: string;
  /** For the one asking: which place is theirs and whether they may sign now. */
  me: { slot: SignatureSlot | null; signed: boolean; canSign: boolean; canDraft: boolean };
}

export interface DocumentServiceDeps {
  db: Db;
  cases: CaseService;
  log: FastifyBaseLogger;
  documentsDir: string;
  recordingsDir: string;
  signingKey: () => SigningKey;
  /** Further SHA-256 fingerprints /verify accepts as ours (earlier signing certificates). */
  trustedFingerprints?: readonly string[];
  /** Organisations' own seal images and certificates (organisationSeals.ts); without it, the server's certificate and no image. */
  seals?: OrganisationSeals;
  fonts?: FontFiles;
  /** A collective dispute: the host signs only once every worker's consent to the version is recorded. */
  consentGate?: (caseId: string, documentId: string, version: number) => Promise<void>;
}

const partySlots: readonly SignatureSlot[] = ['applicant', 'applicant_agent', 'respondent', 'respondent_agent'];

function actorName(actor: DocumentActor): string {
  return `${actor.name}（${roleNames[actor.role] ?? actor.role}）`;
}

function actorFields(actor: DocumentActor) {
  return {
    actor_kind: actor.kind,
    actor_id: actor.kind === 'staff' ? actor.userId : actor.invitationId,
    actor_name: actor.name,
    actor_role: actor.role,
  } as const;
}

export class DocumentService {
  readonly events = new DocumentEventBus();
  readonly storage: DocumentStorage;

  constructor(private readonly deps: DocumentServiceDeps) {
    this.storage = new DocumentStorage(deps.documentsDir);
    for (const file of Object.values(deps.fonts ?? debianNotoCjk)) {
      if (!existsSync(file)) deps.log.error({ file }, 'CJK font missing: documents cannot be made (npm run setup installs fonts-noto-cjk)');
    }
  }

  // ---- reading ----------------------------------------------------------------

  private async row(id: string): Promise<DocumentRow> {
    const row = await this.deps.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Document');
    return row;
  }

  /** The document and its case, if the actor may do `action` on the case. */
  private async authorised(actor: DocumentActor, id: string, action: Parameters<CaseService['authorised']>[2]): Promise<{ row: DocumentRow; caseRow: Case }> {
    const row = await this.row(id);
    const caseRow = await this.deps.cases.authorised(actor, row.case_id, action).catch((error: unknown) => {
      // A document of a case one may not see does not exist for them.
      if (error instanceof AppError && error.statusCode === 404) throw notFound('Document');
      throw error;
    });
    return { row, caseRow };
  }

  private slotOf(actor: DocumentActor, caseRow: Case): SignatureSlot | null {
    if (!can(actor, 'document:sign', caseScope(caseRow))) return null;
    if (actor.kind === 'staff') return 'host';
    if (actor.signatureSlot) return actor.signatureSlot as SignatureSlot;
    return (partySlots as readonly string[]).includes(actor.role) ? (actor.role as SignatureSlot) : null;
  }

  private async currentVersion(row: DocumentRow): Promise<DocumentVersion | undefined> {
    if (row.current_version === null) return undefined;
    return this.deps.db
      .selectFrom('document_versions')
      .selectAll()
      .where('document_id', '=', row.id)
      .where('version', '=', row.current_version)
      .executeTakeFirst();
  }

  private async signaturesOf(version: DocumentVersion | undefined): Promise<DocumentSignature[]> {
    if (!version) return [];
    return this.deps.db.selectFrom('document_signatures').selectAll().where('version_id', '=', version.id).orderBy('signed_at').execute();
  }

  private async view(row: DocumentRow, caseRow: Case, actor: DocumentActor, facts?: CaseFacts): Promise<DocumentView> {
    const version = await this.currentVersion(row);
    const signatures = await this.signaturesOf(version);
    const terms = JSON.parse(row.terms) as Terms;
    const required = JSON.parse(row.required_signers) as SignatureSlot[];
    const versionSigners = version ? (JSON.parse(version.required_signers) as SignatureSlot[]) : required;
    const caseFacts = facts ?? (await loadCaseFacts(this.deps.db, row.case_id, row.room_id));
    const slot = this.slotOf(actor, caseRow);
    const signed = slot !== null && signatures.some((s) => s.slot === slot);
    const othersDone = versionSigners.filter((s) => s !== 'host').every((s) => signatures.some((sig) => sig.slot === s));
    return {
      id: row.id,
      caseId: row.case_id,
      roomId: row.room_id,
      kind: row.kind,
      title: documentTitles[row.kind],
      serialNumber: caseRow.serial_number,
      status: row.status,
      revision: row.revision,
      terms,
      requiredSigners: required,
      content: buildContent(row.kind, caseFacts, terms, version ? versionSigners : required),
      version: version
        ? { number: version.version, sha256: version.sha256, pages: version.pages, bytes: Number(version.bytes), createdAt: version.created_at, signers: versionSigners }
        : null,
      signatures: signatures.map((s) => ({ slot: s.slot as SignatureSlot, signerName: s.signer_name, signerRole: s.signer_role, signedAt: s.signed_at })),
      final: row.final_sha256 && row.finalised_at ? { sha256: row.final_sha256, bytes: Number(row.final_bytes ?? 0), finalisedAt: row.finalised_at } : null,
      updatedAt: row.updated_at,
      me: {
        slot,
        signed,
        canSign:
          row.status === 'signing' && slot !== null && !signed && versionSigners.includes(slot) && (slot !== 'host' || othersDone),
        canDraft: can(actor, 'document:draft', caseScope(caseRow)),
      },
    };
  }

  async get(actor: DocumentActor, id: string): Promise<DocumentView> {
    const { row, caseRow } = await this.authorised(actor, id, 'case:view');
    return this.view(row, caseRow, actor);
  }

  async listForCase(actor: DocumentActor, caseId: string): Promise<DocumentView[]> {
    const caseRow = await this.deps.cases.authorised(actor, caseId, 'case:view');
    const rows = await this.deps.db.selectFrom('documents').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
    // Documents of one session share its facts: read them once per session.
    const facts = new Map<string | null, Promise<CaseFacts>>();
    const factsFor = (roomId: string | null) => {
      let loaded = facts.get(roomId);
      if (!loaded) facts.set(roomId, (loaded = loadCaseFacts(this.deps.db, caseId, roomId)));
      return loaded;
    };
    return Promise.all(rows.map(async (row) => this.view(row, caseRow, actor, await factsFor(row.room_id))));
  }

  /** What a party's phone opens with: who it is, its case, the case's documents. */
  async forParty(party: PartyActor) {
    if (!party.caseId) throw forbidden('This invitation is not for a case');
    const documents = await this.listForParty(party);
    const caseRow = await this.deps.cases.authorised(party, party.caseId, 'case:view');
    return { me: { name: party.name, role: party.role }, case: { id: caseRow.id, serialNumber: caseRow.serial_number }, documents };
  }

  private listForParty(party: PartyActor): Promise<DocumentView[]> {
    return this.listForCase(party, party.caseId!);
  }

  async audit(actor: StaffActor, id: string): Promise<DocumentEvent[]> {
    await this.authorised(actor, id, 'case:audit');
    return this.eventsOf(id);
  }

  private async eventsOf(id: string): Promise<DocumentEvent[]> {
    const rows = await this.deps.db.selectFrom('document_events').selectAll().where('document_id', '=', id).orderBy('at').orderBy('id').execute();
    const order = ['created', 'voided', 'issued', 'viewed', 'signed', 'finalised', 'downloaded', 'package'];
    return rows.sort((a, b) => a.at.localeCompare(b.at) || order.indexOf(a.kind) - order.indexOf(b.kind));
  }

  // ---- drafting ---------------------------------------------------------------

  async create(actor: StaffActor, caseId: string, input: { kind: DocumentKind; roomId?: string | undefined }, meta: RequestMeta): Promise<DocumentView> {
    const caseRow = await this.deps.cases.authorised(actor, caseId, 'document:draft');
    if (input.roomId) {
      const room = await this.deps.db.selectFrom('rooms').select(['id', 'case_id']).where('id', '=', input.roomId).executeTakeFirst();
      if (!room || room.case_id !== caseId) throw new AppError('INVALID_ROOM', 'The session is not one of this case', 400);
    }
    const facts = await loadCaseFacts(this.deps.db, caseId, input.roomId ?? null);
    const now = new Date().toISOString();
    const row: DocumentRow = {
      id: randomUUID(),
      case_id: caseId,
      room_id: input.roomId ?? facts.session?.roomId ?? null,
      kind: input.kind,
      status: 'draft',
      terms: JSON.stringify(defaultTerms(input.kind, facts)),
      revision: 1,
      current_version: null,
      required_signers: JSON.stringify(defaultSigners(facts)),
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
      final_sha256: null,
      final_file: null,
      final_bytes: null,
      finalised_at: null,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('documents').values({ ...row, final_bytes: null }).execute();
      await this.event(trx, row, actor, meta, { kind: 'created', version: null, detail: { kind: input.kind } });
      await recordAudit(trx, { actor, ip: meta.ip }, { caseId, action: 'document.created', detail: { documentId: row.id, kind: input.kind } });
    });
    this.events.publish({ documentId: row.id, caseId });
    return this.view(row, caseRow, actor, facts);
  }

  /**
   * Saves the edited terms. While signatures are being collected, an edit
   * makes a new version at once (the old one and its signatures are void).
   */
  async editDraft(actor: StaffActor, id: string, input: { terms: Terms; revision: number }, meta: RequestMeta): Promise<DocumentView> {
    const { row, caseRow } = await this.authorised(actor, id, 'document:draft');
    if (row.status === 'final') throw new AppError('DOCUMENT_FINAL', 'The document is signed and sealed; it cannot change', 409);
    if (row.revision !== input.revision) throw new AppError('CONFLICT', 'The draft changed meanwhile; reload it', 409);
    if (row.status === 'signing') {
      await this.issueVersion(actor, row, { terms: input.terms, signers: JSON.parse(row.required_signers) as SignatureSlot[] }, meta);
    } else {
      const now = new Date().toISOString();
      const result = await this.deps.db
        .updateTable('documents')
        .set({ terms: JSON.stringify(input.terms), revision: row.revision + 1, updated_at: now })
        .where('id', '=', id)
        .where('revision', '=', row.revision)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The draft changed meanwhile; reload it', 409);
    }
    this.events.publish({ documentId: id, caseId: row.case_id });
    return this.view(await this.row(id), caseRow, actor);
  }

  /** Freezes the draft as a version and asks the chosen places to sign (the host always, last). */
  async send(actor: StaffActor, id: string, input: { revision: number; signers?: SignatureSlot[] | undefined }, meta: RequestMeta): Promise<DocumentView> {
    const { row, caseRow } = await this.authorised(actor, id, 'document:draft');
    if (row.status !== 'draft') throw new AppError('INVALID_TRANSITION', `A document that is ${row.status} cannot be sent for signature`, 409);
    if (row.revision !== input.revision) throw new AppError('CONFLICT', 'The draft changed meanwhile; reload it', 409);
    const chosen = input.signers ?? (JSON.parse(row.required_signers) as SignatureSlot[]);
    const signers = signatureSlots.filter((slot) => slot === 'host' || chosen.includes(slot));
    if (!signers.some((slot) => slot !== 'host')) throw new AppError('NO_SIGNERS', 'Choose at least one party to sign', 400);
    await this.issueVersion(actor, row, { terms: JSON.parse(row.terms) as Terms, signers }, meta);
    this.events.publish({ documentId: id, caseId: row.case_id });
    return this.view(await this.row(id), caseRow, actor);
  }

  private async issueVersion(
    actor: StaffActor,
    row: DocumentRow,
    input: { terms: Terms; signers: SignatureSlot[] },
    meta: RequestMeta,
  ): Promise<void> {
    const number = (row.current_version ?? 0) + 1;
    const previous = await this.currentVersion(row);
    const voided = await this.signaturesOf(previous);
    const facts = await loadCaseFacts(this.deps.db, row.case_id, row.room_id);
    const createdAt = new Date();
    const rendered = await renderVersion({
      kind: row.kind,
      facts,
      terms: input.terms,
      signers: input.signers,
      versionLabel: `第 ${number} 版`,
      createdAt,
      ...(this.deps.fonts ? { fonts: this.deps.fonts } : {}),
    });
    const bytes = Buffer.from(rendered.bytes);
    const hash = sha256(bytes);
    const file = await this.storage.write(row.id, `v${number}-${hash.slice(0, 12)}.pdf`, bytes);
    const version: DocumentVersion = {
      id: randomUUID(),
      document_id: row.id,
      version: number,
      terms: JSON.stringify(input.terms),
      required_signers: JSON.stringify(input.signers),
      pdf_file: file,
      sha256: hash,
      bytes: bytes.length,
      pages: rendered.pages,
      slots: JSON.stringify([...rendered.slots, rendered.sealPlace]),
      room_id: facts.session?.roomId ?? null,
      recording_id: facts.recording?.id ?? null,
      manifest_sha256: facts.recording?.manifestSha256 ?? null,
      created_by_name: actor.name,
      created_at: createdAt.toISOString(),
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('documents')
          .set({
            status: 'signing',
            terms: version.terms,
            required_signers: version.required_signers,
            revision: row.revision + 1,
            current_version: number,
            updated_at: version.created_at,
          })
          .where('id', '=', row.id)
          .where('revision', '=', row.revision)
          .where('status', '=', row.status)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The document changed meanwhile; reload it', 409);
        await trx.insertInto('document_versions').values({ ...version, bytes: bytes.length }).execute();
        if (previous && voided.length > 0) {
          await this.event(trx, row, actor, meta, {
            kind: 'voided',
            version: previous.version,
            sha256: previous.sha256,
            detail: { supersededBy: number, signatures: voided.map((s) => `${s.signer_name}（${roleNames[s.slot] ?? s.slot}）`) },
          });
        }
        await this.event(trx, row, actor, meta, { kind: 'issued', version: number, sha256: hash, detail: { signers: input.signers } });
        await recordAudit(trx, { actor, ip: meta.ip }, {
          caseId: row.case_id,
          action: 'document.issued',
          detail: { documentId: row.id, version: number, sha256: hash, voidedSignatures: voided.length },
        });
      });
    } catch (error) {
      await rm(this.storage.resolve(file), { force: true });
      throw error;
    }
  }

  // ---- signing ----------------------------------------------------------------

  async sign(
    actor: DocumentActor,
    id: string,
    input: { version: number; sha256: string; image: Buffer },
    meta: RequestMeta,
  ): Promise<DocumentView> {
    const { row, caseRow } = await this.authorised(actor, id, 'case:view');
    const slot = this.slotOf(actor, caseRow);
    if (!slot) throw forbidden('Your role does not sign this document');
    if (row.status === 'final') throw new AppError('DOCUMENT_FINAL', 'The document is already signed by everyone', 409);
    if (row.status !== 'signing') throw new AppError('NOT_SENT', 'The document has not been sent for signature yet', 409);
    const version = await this.currentVersion(row);
    if (!version || version.version !== input.version || version.sha256 !== input.sha256.toLowerCase()) {
      throw new AppError('VERSION_CHANGED', 'The document was changed; read the new version before signing', 409);
    }
    const signers = JSON.parse(version.required_signers) as SignatureSlot[];
    if (!signers.includes(slot)) throw forbidden('Your signature is not asked for on this document');
    const existing = await this.signaturesOf(version);
    if (existing.some((s) => s.slot === slot)) throw new AppError('ALREADY_SIGNED', 'This place is already signed', 409);
    if (slot === 'host' && !signers.filter((s) => s !== 'host').every((s) => existing.some((sig) => sig.slot === s))) {
      throw new AppError('PARTIES_FIRST', 'The parties sign first; the mediator or arbitrator signs last', 409);
    }
    if (slot === 'host') await this.deps.consentGate?.(row.case_id, row.id, version.version);
    checkSignatureImage(input.image);

    const signatureId = randomUUID();
    const imageHash = sha256(input.image);
    const imageFile = await this.storage.write(row.id, `sig-${signatureId}.png`, input.image);
    const signature: DocumentSignature = {
      id: signatureId,
      document_id: row.id,
      version_id: version.id,
      version: version.version,
      slot,
      signer_kind: actor.kind,
      signer_id: actor.kind === 'staff' ? actor.userId : actor.invitationId,
      signer_name: actor.name,
      signer_role: actor.role,
      signed_at: new Date().toISOString(),
      ip: meta.ip,
      user_agent: meta.userAgent.slice(0, 400),
      pdf_sha256: version.sha256,
      image_file: imageFile,
      image_sha256: imageHash,
    };
    const signedEvent = { kind: 'signed', version: version.version, sha256: version.sha256, detail: { slot, imageSha256: imageHash } };
    try {
      if (slot === 'host') await this.finalise(actor as StaffActor, row, caseRow, version, [...existing, signature], signature, signedEvent, meta);
      else {
        await this.deps.db.transaction().execute(async (trx) => {
          await trx.insertInto('document_signatures').values(signature).execute();
          await this.event(trx, row, actor, meta, signedEvent, signature.signed_at);
          await recordAudit(trx, { actor, ip: meta.ip }, {
            caseId: row.case_id,
            action: 'document.signed',
            detail: { documentId: row.id, version: version.version, slot, pdfSha256: version.sha256, imageSha256: imageHash },
          });
        });
      }
    } catch (error) {
      await rm(this.storage.resolve(imageFile), { force: true });
      if (error instanceof Error && /unique|UNIQUE/.test(error.message)) throw new AppError('ALREADY_SIGNED', 'This place is already signed', 409);
      throw error;
    }
    this.events.publish({ documentId: row.id, caseId: row.case_id });
    if (slot === 'host') await this.concludeCase(actor as StaffActor, row, caseRow, version, meta);
    return this.view(await this.row(id), caseRow, actor);
  }

  /** The host's signature completes the version: seal the final PDF, then record everything at once. */
  private async finalise(
    host: StaffActor,
    row: DocumentRow,
    caseRow: Case,
    version: DocumentVersion,
    signatures: DocumentSignature[],
    hostSignature: DocumentSignature,
    signedEvent: { kind: string; version: number; sha256: string; detail: Record<string, unknown> },
    meta: RequestMeta,
  ): Promise<void> {
    const sealedAt = new Date(Date.parse(hostSignature.signed_at) + 1).toISOString();
    // The case's organisation seals with its own certificate (else the server's) and stamps its seal image, if it has one.
    const key = this.deps.seals ? await this.deps.seals.signingKeyFor(caseRow.organisation_id) : this.deps.signingKey();
    const seal = await this.deps.seals?.currentSeal(caseRow.organisation_id);
    const past = await this.eventsOf(row.id);
    const lines: AuditEventLine[] = past.map((e) => this.auditLine(e));
    lines.push(
      { at: hostSignature.signed_at, kind: 'signed', version: version.version, actor: actorName(host), ip: meta.ip, userAgent: meta.userAgent, sha256: version.sha256, detail: `签名图像 SHA-256 ${hostSignature.image_sha256}` },
      { at: sealedAt, kind: 'finalised', version: version.version, actor: actorName(host), ip: meta.ip, userAgent: null, sha256: version.sha256, detail: `电子签章：${key.subject}${seal ? `；印章图像 SHA-256 ${seal.sha256}` : ''}` },
    );
    const placed = await Promise.all(
      signatures.map(async (s) => ({
        slot: s.slot,
        png: await readFile(this.storage.resolve(s.image_file)),
        signerName: s.signer_name,
        signedAt: s.signed_at,
      })),
    );
    const finalPdf = await sealFinal({
      versionPdf: await readFile(this.storage.resolve(version.pdf_file)),
      slots: JSON.parse(version.slots) as SlotRect[],
      signatures: placed,
      key,
      seal: seal?.png,
      reason: `Yunting ${row.kind} ${caseRow.serial_number} v${version.version}`,
      audit: {
        title: documentTitles[row.kind],
        serialNumber: caseRow.serial_number,
        documentId: row.id,
        version: version.version,
        versionSha256: version.sha256,
        manifestSha256: version.manifest_sha256,
        sealedAt,
        certificate: key.subject,
        events: lines,
      },
      ...(this.deps.fonts ? { fonts: this.deps.fonts } : {}),
    });
    const finalHash = sha256(finalPdf);
    const file = await this.storage.write(row.id, `final-v${version.version}-${finalHash.slice(0, 12)}.pdf`, finalPdf);
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('documents')
          .set({ status: 'final', final_sha256: finalHash, final_file: file, final_bytes: finalPdf.length, finalised_at: sealedAt, updated_at: sealedAt })
          .where('id', '=', row.id)
          .where('status', '=', 'signing')
          .where('current_version', '=', version.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new AppError('VERSION_CHANGED', 'The document was changed meanwhile; read the new version', 409);
        await trx.insertInto('document_signatures').values(hostSignature).execute();
        await this.event(trx, row, host, meta, signedEvent, hostSignature.signed_at);
        await this.event(trx, row, host, meta, { kind: 'finalised', version: version.version, sha256: version.sha256, detail: { finalSha256: finalHash, certificate: key.fingerprint, sealImage: seal?.sha256 ?? null } }, sealedAt);
        await recordAudit(trx, { actor: host, ip: meta.ip }, {
          caseId: row.case_id,
          action: 'document.finalised',
          detail: { documentId: row.id, kind: row.kind, version: version.version, versionSha256: version.sha256, finalSha256: finalHash },
        });
      });
    } catch (error) {
      await rm(this.storage.resolve(file), { force: true });
      throw error;
    }
  }

  /** A signed mediation agreement concludes the case's session, when the workflow allows it. */
  private async concludeCase(host: StaffActor, row: DocumentRow, caseRow: Case, version: DocumentVersion, meta: RequestMeta): Promise<void> {
    if (row.kind !== 'mediation_agreement') return;
    const current = await this.deps.db.selectFrom('cases').select('status').where('id', '=', row.case_id).executeTakeFirst();
    if (!current || !canMove(current.status, 'agreement_signed')) return;
    try {
      await this.deps.cases.conclude(
        host,
        row.case_id,
        { status: 'agreement_signed', outcome: 'agreement', note: `${documentTitles[row.kind]} 第 ${version.version} 版已签署` },
        { ip: meta.ip },
      );
    } catch (error) {
      // The agreement is sealed either way; the case can still be concluded by hand.
      this.deps.log.error({ err: error, caseId: caseRow.id, documentId: row.id }, 'could not conclude the case after its agreement was signed');
    }
  }

  private auditLine(event: DocumentEvent): AuditEventLine {
    const detail = JSON.parse(event.detail) as Record<string, unknown>;
    const extra: string[] = [];
    if (typeof detail.imageSha256 === 'string') extra.push(`签名图像 SHA-256 ${detail.imageSha256}`);
    if (Array.isArray(detail.signatures)) extra.push(`作废的签名：${(detail.signatures as string[]).join('、')}`);
    if (typeof detail.supersededBy === 'number') extra.push(`由第 ${detail.supersededBy} 版取代`);
    if (typeof detail.consent === 'string') extra.push(detail.consent);
    return {
      at: event.at,
      kind: event.kind,
      version: event.version,
      actor: `${event.actor_name}（${roleNames[event.actor_role ?? ''] ?? event.actor_role ?? ''}）`,
      ip: event.ip,
      userAgent: event.user_agent,
      sha256: event.sha256,
      ...(extra.length ? { detail: extra.join('；') } : {}),
    };
  }

  private async event(
    db: Db,
    row: DocumentRow,
    actor: DocumentActor,
    meta: RequestMeta,
    event: { kind: string; version: number | null; sha256?: string; detail: Record<string, unknown> },
    at = new Date().toISOString(),
  ): Promise<void> {
    await db
      .insertInto('document_events')
      .values({
        id: randomUUID(),
        document_id: row.id,
        case_id: row.case_id,
        version: event.version,
        kind: event.kind,
        ...actorFields(actor),
        ip: meta.ip,
        user_agent: meta.userAgent.slice(0, 400) || null,
        sha256: event.sha256 ?? null,
        detail: JSON.stringify(event.detail),
        at,
      })
      .execute();
  }

  // ---- files ------------------------------------------------------------------

  private async versionRow(row: DocumentRow, number: number): Promise<DocumentVersion> {
    const version = await this.deps.db.selectFrom('document_versions').selectAll().where('document_id', '=', row.id).where('version', '=', number).executeTakeFirst();
    if (!version) throw notFound('Version');
    return version;
  }

  /** A party opening a version is an event on the audit page (once per party and version). */
  private async noteViewed(actor: DocumentActor, row: DocumentRow, version: DocumentVersion, meta: RequestMeta): Promise<void> {
    if (actor.kind !== 'party') return;
    const seen = await this.deps.db
      .selectFrom('document_events')
      .select('id')
      .where('document_id', '=', row.id)
      .where('kind', '=', 'viewed')
      .where('version', '=', version.version)
      .where('actor_id', '=', actor.invitationId)
      .executeTakeFirst();
    if (seen) return;
    await this.event(this.deps.db, row, actor, meta, { kind: 'viewed', version: version.version, sha256: version.sha256, detail: {} });
  }

  async versionFile(actor: DocumentActor, id: string, number: number, meta: RequestMeta): Promise<{ file: string; sha256: string; name: string }> {
    const { row, caseRow } = await this.authorised(actor, id, 'case:view');
    const version = await this.versionRow(row, number);
    await this.noteViewed(actor, row, version, meta);
    return { file: this.storage.resolve(version.pdf_file), sha256: version.sha256, name: `${caseRow.serial_number}-${row.kind}-v${number}.pdf` };
  }

  async pageFile(actor: DocumentActor, id: string, number: number, page: number, meta: RequestMeta): Promise<string> {
    const { row } = await this.authorised(actor, id, 'case:view');
    const version = await this.versionRow(row, number);
    if (page < 1 || page > version.pages) throw notFound('Page');
    if (page === 1) await this.noteViewed(actor, row, version, meta);
    const pdf = this.storage.resolve(version.pdf_file);
    return pageImage(pdf, page, path.join(path.dirname(pdf), 'pages'), `v${version.version}-${version.sha256.slice(0, 12)}`);
  }

  /** The draft as it would print now (console preview); nothing is stored. */
  async previewPdf(actor: StaffActor, id: string): Promise<Buffer> {
    const { row } = await this.authorised(actor, id, 'document:draft');
    const facts = await loadCaseFacts(this.deps.db, row.case_id, row.room_id);
    const rendered = await renderVersion({
      kind: row.kind,
      facts,
      terms: JSON.parse(row.terms) as Terms,
      signers: JSON.parse(row.required_signers) as SignatureSlot[],
      versionLabel: '草稿',
      createdAt: new Date(),
      ...(this.deps.fonts ? { fonts: this.deps.fonts } : {}),
    });
    return Buffer.from(rendered.bytes);
  }

  async finalFile(actor: DocumentActor, id: string, meta: RequestMeta): Promise<{ file: string; sha256: string; name: string }> {
    const { row, caseRow } = await this.authorised(actor, id, 'document:download');
    if (row.status !== 'final' || !row.final_file || !row.final_sha256) throw new AppError('NOT_FINAL', 'The document is not signed by everyone yet', 409);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.event(trx, row, actor, meta, { kind: 'downloaded', version: row.current_version, sha256: row.final_sha256!, detail: {} });
      await recordAudit(trx, { actor, ip: meta.ip }, { caseId: row.case_id, action: 'document.downloaded', detail: { documentId: row.id, sha256: row.final_sha256 } });
    });
    return { file: this.storage.resolve(row.final_file), sha256: row.final_sha256, name: `${caseRow.serial_number}-${row.kind}.pdf` };
  }

  /** Agreement PDF, recording manifest and audit log (JSON, CSV) in one ZIP, for judicial confirmation. */
  async judicialPackage(actor: StaffActor, id: string, meta: RequestMeta): Promise<{ zip: Buffer; name: string }> {
    const { row, caseRow } = await this.authorised(actor, id, 'document:download');
    if (!can(actor, 'recording:view', caseScope(caseRow))) throw forbidden('The package holds the recording manifest');
    if (row.status !== 'final' || !row.final_file || row.current_version === null) throw new AppError('NOT_FINAL', 'The document is not signed by everyone yet', 409);
    const version = await this.versionRow(row, row.current_version);
    const files: PackageFile[] = [{ name: `${caseRow.serial_number}-${row.kind}.pdf`, data: await readFile(this.storage.resolve(row.final_file)) }];
    if (version.recording_id) {
      const recording = await this.deps.db.selectFrom('recordings').select(['id', 'room_id', 'manifest_sha256']).where('id', '=', version.recording_id).executeTakeFirst();
      if (recording?.manifest_sha256) {
        const manifest = await readFile(path.join(this.deps.recordingsDir, recording.room_id, recording.id, 'manifest.json'));
        if (sha256(manifest) !== version.manifest_sha256) this.deps.log.error({ recordingId: recording.id }, 'recording manifest no longer matches the hash the agreement prints');
        files.push({ name: 'recording-manifest.json', data: manifest });
      }
    }
    const documentEvents = await this.eventsOf(row.id);
    const caseAudit = await this.deps.cases.audit(actor, row.case_id);
    const rows: AuditRow[] = [
      ...documentEvents.map((e) => ({
        at: e.at,
        source: 'document' as const,
        action: e.kind,
        actor: e.actor_name,
        role: e.actor_role ?? '',
        ip: e.ip ?? '',
        userAgent: e.user_agent ?? '',
        sha256: e.sha256 ?? '',
        detail: e.detail,
      })),
      ...caseAudit.map((e) => ({ at: e.at, source: 'case' as const, action: e.action, actor: e.actor, role: e.actorKind, ip: e.ip ?? '', userAgent: '', sha256: '', detail: JSON.stringify(e.detail) })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    files.push({ name: 'audit-log.json', data: Buffer.from(`${JSON.stringify({ document: { id: row.id, kind: row.kind, version: version.version, versionSha256: version.sha256, finalSha256: row.final_sha256 }, events: rows }, null, 2)}\n`) });
    files.push({ name: 'audit-log.csv', data: Buffer.from(auditCsv(rows)) });
    const zip = await zipFiles(files, new Date());
    await this.deps.db.transaction().execute(async (trx) => {
      await this.event(trx, row, actor, meta, { kind: 'package', version: version.version, sha256: sha256(zip), detail: { files: files.map((f) => f.name) } });
      await recordAudit(trx, { actor, ip: meta.ip }, { caseId: row.case_id, action: 'document.package', detail: { documentId: row.id, sha256: sha256(zip) } });
    });
    return { zip, name: `${caseRow.serial_number}-judicial-confirmation.zip` };
  }

  // ---- verification -----------------------------------------------------------

  /** The certificates whose seal /verify calls ours: the signing certificate and any configured earlier ones. */
  trustedFingerprints(): string[] {
    return [this.deps.signingKey().fingerprint, ...(this.deps.trustedFingerprints ?? [])];
  }

  /** Every certificate /verify trusts, with its owner: the organisations' (current and earlier) and the server's. */
  async trustedCertificates(): Promise<CertificateOwner[]> {
    if (this.deps.seals) return this.deps.seals.trustedCertificates();
    return this.trustedFingerprints().map((fingerprint, i) => ({ fingerprint, organisationId: null, organisationName: null, current: i === 0 }));
  }

  /** Is this file the registered final version? Answers by SHA-256, and reads its PKCS#7 signature (verifyDocument.ts). */
  async verify(pdf: Buffer): Promise<VerifyResult> {
    return verifyDocument(this.deps.db, pdf, await this.trustedCertificates());
  }
}
