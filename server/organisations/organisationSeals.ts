/**
 * An organisation's seal (电子印章) image and its own signing certificate,
 * both uploaded by its admin, both kept in every version (a replaced one is
 * marked, never deleted: documents sealed with it still verify and name it).
 * Sealing a case's documents uses the case's organisation's current
 * certificate, else the server's; /verify trusts every organisation's
 * current and earlier certificates and the server's.
 */
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { recordAudit, type AuditContext } from '../audit/auditLog.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { Db } from '../store/database.ts';
import { describeP12, type SigningKey } from '../documents/signingKey.ts';
import { normaliseFingerprint } from '../documents/pdf/verifySignature.ts';
import { CertificateVault } from './certificateVault.ts';
import { checkSealImage } from './sealImage.ts';

export const MAX_P12_BYTES = 64 * 1024;

export interface SealStatus {
  seal: { id: string; sha256: string; width: number; height: number; uploadedAt: string; earlier: number } | null;
  certificate: { subject: string; fingerprint: string; validFrom: string; validTo: string; uploadedAt: string; earlier: number } | null;
  /** The server's certificate, used while the organisation has none. */
  serverCertificate: { subject: string; fingerprint: string; development: boolean };
}

/** Who a certificate belongs to, for /verify. */
export interface CertificateOwner {
  fingerprint: string;
  organisationId: string | null;
  organisationName: string | null;
  current: boolean;
}

export class OrganisationSeals {
  private readonly vault: CertificateVault;
  private readonly keys = new Map<string, SigningKey>();

  constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly serverKey: () => SigningKey,
    private readonly earlierServerFingerprints: readonly string[] = [],
  ) {
    this.vault = new CertificateVault(dataDir);
  }

  private async manageable(actor: StaffActor, organisationId: string): Promise<void> {
    if (!can(actor, 'organisation:manage', { caseId: null, organisationId, assignedUserId: null })) throw forbidden("Only the organisation's admins manage its seal");
    const org = await this.db.selectFrom('organisations').select('id').where('id', '=', organisationId).executeTakeFirst();
    if (!org) throw notFound('Organisation');
  }

  async status(actor: StaffActor, organisationId: string): Promise<SealStatus> {
    await this.manageable(actor, organisationId);
    const seals = await this.db.selectFrom('organisation_seals').select(['id', 'sha256', 'width', 'height', 'uploaded_at', 'replaced_at']).where('organisation_id', '=', organisationId).orderBy('uploaded_at', 'desc').execute();
    const certs = await this.db.selectFrom('organisation_certificates').select(['subject', 'fingerprint', 'valid_from', 'valid_to', 'uploaded_at', 'replaced_at']).where('organisation_id', '=', organisationId).orderBy('uploaded_at', 'desc').execute();
    const seal = seals.find((s) => !s.replaced_at);
    const cert = certs.find((c) => !c.replaced_at);
    const server = this.serverKey();
    return {
      seal: seal ? { id: seal.id, sha256: seal.sha256, width: seal.width, height: seal.height, uploadedAt: seal.uploaded_at, earlier: seals.length - 1 } : null,
      certificate: cert
        ? { subject: cert.subject, fingerprint: cert.fingerprint, validFrom: cert.valid_from, validTo: cert.valid_to, uploadedAt: cert.uploaded_at, earlier: certs.length - 1 }
        : null,
      serverCertificate: { subject: server.subject, fingerprint: server.fingerprint, development: server.development },
    };
  }

  /** The current seal image, to show in the console (admins of the organisation). */
  async sealImage(actor: StaffActor, organisationId: string): Promise<Buffer> {
    await this.manageable(actor, organisationId);
    const seal = await this.currentSeal(organisationId);
    if (!seal) throw notFound('Seal');
    return seal.png;
  }

  async uploadSeal(actor: StaffActor, organisationId: string, png: Buffer, context: Omit<AuditContext, 'actor'>): Promise<SealStatus> {
    await this.manageable(actor, organisationId);
    const info = checkSealImage(png);
    const now = new Date().toISOString();
    const id = randomUUID();
    const sha256 = createHash('sha256').update(png).digest('hex');
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('organisation_seals').set({ replaced_at: now }).where('organisation_id', '=', organisationId).where('replaced_at', 'is', null).execute();
      await trx
        .insertInto('organisation_seals')
        .values({ id, organisation_id: organisationId, png_base64: png.toString('base64'), sha256, width: info.width, height: info.height, uploaded_by: actor.userId, uploaded_at: now, replaced_at: null })
        .execute();
      await recordAudit(trx, { ...context, actor }, { caseId: null, action: 'organisation.seal_uploaded', detail: { organisationId, sealId: id, sha256, width: info.width, height: info.height } });
    });
    return this.status(actor, organisationId);
  }

  async uploadCertificate(actor: StaffActor, organisationId: string, p12: Buffer, password: string, context: Omit<AuditContext, 'actor'>): Promise<SealStatus> {
    await this.manageable(actor, organisationId);
    if (p12.length > MAX_P12_BYTES) throw new AppError('CERTIFICATE_TOO_LARGE', `A PKCS#12 file is at most ${MAX_P12_BYTES} bytes`, 413);
    let described: ReturnType<typeof describeP12>;
    try {
      described = describeP12(p12, password);
    } catch (error) {
      throw new AppError('INVALID_CERTIFICATE', `The PKCS#12 file cannot be opened with this password, or holds no key with its certificate (${error instanceof Error ? error.message : 'unreadable'})`, 400);
    }
    const x509 = new X509Certificate(described.certificatePem);
    const validFrom = new Date(x509.validFrom).toISOString();
    const validTo = new Date(x509.validTo).toISOString();
    if (Date.parse(validTo) <= Date.now()) throw new AppError('CERTIFICATE_EXPIRED', `The certificate expired on ${validTo}`, 400);
    const now = new Date().toISOString();
    const id = randomUUID();
    const sealed = this.vault.seal({ p12, password }, `${organisationId}/${id}`);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('organisation_certificates').set({ replaced_at: now }).where('organisation_id', '=', organisationId).where('replaced_at', 'is', null).execute();
      await trx
        .insertInto('organisation_certificates')
        .values({ id, organisation_id: organisationId, fingerprint: described.fingerprint, subject: described.subject, valid_from: validFrom, valid_to: validTo, sealed, uploaded_by: actor.userId, uploaded_at: now, replaced_at: null })
        .execute();
      await recordAudit(trx, { ...context, actor }, { caseId: null, action: 'organisation.certificate_uploaded', detail: { organisationId, certificateId: id, fingerprint: described.fingerprint, subject: described.subject } });
    });
    return this.status(actor, organisationId);
  }

  // ---- used by sealing and /verify ----------------------------------------------

  async currentSeal(organisationId: string): Promise<{ id: string; png: Buffer; sha256: string } | null> {
    const row = await this.db.selectFrom('organisation_seals').select(['id', 'png_base64', 'sha256']).where('organisation_id', '=', organisationId).where('replaced_at', 'is', null).executeTakeFirst();
    return row ? { id: row.id, png: Buffer.from(row.png_base64, 'base64'), sha256: row.sha256 } : null;
  }

  /** The key that seals a case of this organisation: its own current certificate, else the server's. */
  async signingKeyFor(organisationId: string): Promise<SigningKey> {
    const row = await this.db.selectFrom('organisation_certificates').select(['id', 'sealed']).where('organisation_id', '=', organisationId).where('replaced_at', 'is', null).executeTakeFirst();
    if (!row) return this.serverKey();
    const cached = this.keys.get(row.id);
    if (cached) return cached;
    let opened: { p12: Buffer; password: string };
    try {
      opened = this.vault.open(row.sealed, `${organisationId}/${row.id}`);
    } catch {
      // Never fall back silently to another certificate: the organisation chose its own.
      throw new AppError('CERTIFICATE_UNAVAILABLE', "The organisation's signing certificate cannot be decrypted (was DATA_DIR/secrets/organisation-certificates.key replaced?); its admin must upload it again", 500);
    }
    const { p12, password } = opened;
    const key: SigningKey = { p12, passphrase: password, ...describeP12(p12, password), development: false };
    this.keys.set(row.id, key);
    return key;
  }

  /** Every certificate /verify calls ours, with its owner: each organisation's current and earlier ones, the server's current and configured earlier ones. */
  async trustedCertificates(): Promise<CertificateOwner[]> {
    const rows = await this.db
      .selectFrom('organisation_certificates')
      .innerJoin('organisations', 'organisations.id', 'organisation_certificates.organisation_id')
      .select(['organisation_certificates.fingerprint', 'organisation_certificates.organisation_id', 'organisation_certificates.replaced_at', 'organisations.name'])
      .execute();
    const server = this.serverKey().fingerprint;
    return [
      ...rows.map((r) => ({ fingerprint: normaliseFingerprint(r.fingerprint), organisationId: r.organisation_id, organisationName: r.name, current: !r.replaced_at })),
      { fingerprint: normaliseFingerprint(server), organisationId: null, organisationName: null, current: true },
      ...this.earlierServerFingerprints.map((f) => ({ fingerprint: normaliseFingerprint(f), organisationId: null, organisationName: null, current: false })),
    ];
  }
}
