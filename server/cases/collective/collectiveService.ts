/**
 * Collective disputes (集体争议) end to end, apart from intake (workers.ts)
 * and merging (caseMerge.ts): the first applicant's share link and the
 * workers who join by it, each worker's own view on /track, the elected
 * representatives, the session invitations that go to them, and each
 * worker's consent to the agreement version the representatives sign.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../audit/auditLog.ts';
import type { StaffActor } from '../../auth/policy.ts';
import { AppError, LocalizedError, notFound } from '../../errors.ts';
import type { InvitationService, IssuedInvitation } from '../../rooms/invitations.ts';
import type { Db } from '../../store/database.ts';
import type { Case } from '../../store/schema.ts';
import { loadCollectiveFacts } from './collectiveFacts.ts';
import type { CaseService, RequestContext } from '../caseService.ts';
import { hashCode, randomCode, seal, unseal } from '../identifiers.ts';
import { resolveTracking, type Tracked } from './tracking.ts';
import { checkRepresentativeCount, claimedCents, insertWorker, checkWorkers, workersOf, type WorkerInput } from './workers.ts';
import type { CaseEventBus } from '../caseEvents.ts';
import { ensureCollective, isOpenForWorkers } from './caseMerge.ts';

const notTracked = () => new LocalizedError('CASE_NOT_FOUND', '', 404);
const invalidShare = () => new LocalizedError('SHARE_LINK_INVALID', '', 404);

export type ConsentChannel = 'written' | 'phone' | 'in_person' | 'video';
export const consentChannelNames: Record<ConsentChannel, string> = { written: '书面确认', phone: '电话确认', in_person: '当面确认', video: '视频确认' };

interface Meta {
  ip: string | null;
  userAgent: string;
}

export class CollectiveService {
  constructor(
    private readonly db: Db,
    private readonly cases: CaseService,
    private readonly invitations: InvitationService,
    private readonly events: CaseEventBus,
    private readonly publicUrl: () => string,
    /** Where a document file lives (DocumentStorage.resolve). */
    private readonly documentFile: (relative: string) => string,
  ) {}

  private async tracked(serialNumber: string, trackingCode: string): Promise<Tracked> {
    const found = await resolveTracking(this.db, serialNumber, trackingCode);
    if (!found) throw notTracked();
    return found;
  }

  /** The mediation agreement (or other document) out for signature on the case, if any. */
  private signingDocument(caseId: string) {
    return this.db
      .selectFrom('documents')
      .innerJoin('document_versions', (join) => join.onRef('document_versions.document_id', '=', 'documents.id').onRef('document_versions.version', '=', 'documents.current_version'))
      .select(['documents.id as documentId', 'documents.kind', 'document_versions.version', 'document_versions.sha256', 'document_versions.pages'])
      .where('documents.case_id', '=', caseId)
      .where('documents.status', '=', 'signing')
      .orderBy('documents.updated_at', 'desc')
      .executeTakeFirst();
  }

  // ---- the worker's phone (no account: serial number + its own tracking code) ----

  /** What /track shows a worker besides the case's progress: itself, its amount, the share link (first applicant), the agreement to consent to. */
  async me(serialNumber: string, trackingCode: string) {
    const { row, worker, mergedFrom } = await this.tracked(serialNumber, trackingCode);
    const collective = await this.db.selectFrom('collective_cases').selectAll().where('case_id', '=', row.id).executeTakeFirst();
    const isFirstApplicant = row.tracking_code_hash === hashCode(trackingCode) && !mergedFrom;
    const open = await isOpenForWorkers(this.db, row);
    let shareUrl: string | null = null;
    if (isFirstApplicant && collective?.share_code_sealed) shareUrl = this.shareUrl(unseal(collective.share_code_sealed, trackingCode.trim().toUpperCase()));
    const document = worker ? await this.signingDocument(row.id) : undefined;
    const consent =
      worker && document
        ? await this.db.selectFrom('worker_consents').select(['method', 'at']).where('worker_id', '=', worker.id).where('document_id', '=', document.documentId).where('version', '=', document.version).executeTakeFirst()
        : undefined;
    const workers = collective ? await workersOf(this.db, row.id) : [];
    return {
      serialNumber: row.serial_number,
      collective: Boolean(collective),
      employerName: row.employer_name,
      mergedFrom,
      workers: workers.length,
      representatives: workers.filter((w) => w.representative === 1).map((w) => w.name),
      me: worker ? { name: worker.name, amountCents: Number(worker.claimed_cents), representative: worker.representative === 1 } : null,
      /** Only the first applicant invites others, and only until a session is scheduled. */
      canInvite: isFirstApplicant && open,
      shareUrl: open ? shareUrl : null,
      agreement: document ? { documentId: document.documentId, kind: document.kind, version: document.version, sha256: document.sha256, consentedAt: consent?.at ?? null } : null,
    };
  }

  /** The version out for signature, for the worker to read before consenting. */
  async agreementFile(serialNumber: string, trackingCode: string): Promise<{ file: string; sha256: string }> {
    const { row, worker } = await this.tracked(serialNumber, trackingCode);
    const document = worker ? await this.signingDocument(row.id) : undefined;
    if (!document) throw new AppError('NOT_SENT', 'No document is out for signature', 404);
    const version = await this.db.selectFrom('document_versions').select(['pdf_file', 'sha256']).where('document_id', '=', document.documentId).where('version', '=', document.version).executeTakeFirstOrThrow();
    return { file: this.documentFile(version.pdf_file), sha256: version.sha256 };
  }

  private shareUrl(code: string): string {
    // The share code is a credential: in the fragment, which the browser never sends (pageParams.ts).
    return `${this.publicUrl()}/collective#code=${encodeURIComponent(code)}`;
  }

  /** The first applicant makes its application collective and gets the link to send to its co-workers. */
  async share(serialNumber: string, trackingCode: string, context: { ip: string }): Promise<{ shareUrl: string; shareCode: string }> {
    const { row, mergedFrom } = await this.tracked(serialNumber, trackingCode);
    const code = trackingCode.trim().toUpperCase();
    if (mergedFrom || row.tracking_code_hash !== hashCode(code)) throw new AppError('FIRST_APPLICANT_ONLY', 'Only the first applicant invites co-workers', 403);
    if (!(await isOpenForWorkers(this.db, row))) throw new LocalizedError('COLLECTIVE_CLOSED', '', 409);
    const existing = await this.db.selectFrom('collective_cases').selectAll().where('case_id', '=', row.id).executeTakeFirst();
    if (existing?.share_code_sealed) {
      const shareCode = unseal(existing.share_code_sealed, code);
      return { shareCode, shareUrl: this.shareUrl(shareCode) };
    }
    const shareCode = randomCode(10);
    await this.db.transaction().execute(async (trx) => {
      await ensureCollective(trx, row, 'share_link', new Date().toISOString());
      await trx
        .updateTable('collective_cases')
        .set({ share_code_hash: hashCode(shareCode), share_code_sealed: seal(shareCode, code) })
        .where('case_id', '=', row.id)
        .execute();
      await recordAudit(trx, { actor: { kind: 'public', name: `${row.applicant_name} (applicant)` }, ip: context.ip }, { caseId: row.id, action: 'collective.share_link_created', detail: {} });
    });
    return { shareCode, shareUrl: this.shareUrl(shareCode) };
  }

  private async shared(shareCode: string): Promise<Case> {
    const collective = await this.db.selectFrom('collective_cases').select('case_id').where('share_code_hash', '=', hashCode(shareCode)).executeTakeFirst();
    if (!collective) throw invalidShare();
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', collective.case_id).executeTakeFirstOrThrow();
    return row;
  }

  /** What the join page shows before the worker types anything: the employer and the case, so nobody retypes them. */
  async joinInfo(shareCode: string) {
    const row = await this.shared(shareCode);
    const organisation = await this.db.selectFrom('organisations').select('name').where('id', '=', row.organisation_id).executeTakeFirstOrThrow();
    const workers = await workersOf(this.db, row.id);
    return {
      serialNumber: row.serial_number,
      employerName: row.employer_name,
      disputeType: row.dispute_type,
      organisation: organisation.name,
      firstApplicant: row.applicant_name,
      workers: workers.length,
      open: await isOpenForWorkers(this.db, row),
    };
  }

  /** A co-worker joins from its phone: its identity checked, its own claims, its own tracking code. The same form sent twice answers the same. */
  async join(input: { shareCode: string; idempotencyKey: string; worker: WorkerInput }, context: { ip: string }): Promise<{ serialNumber: string; trackingCode: string; replayed: boolean }> {
    const row = await this.shared(input.shareCode);
    const replay = await this.db.selectFrom('case_workers').select(['case_id', 'tracking_code_sealed']).where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
    if (replay?.tracking_code_sealed && replay.case_id === row.id) {
      return { serialNumber: row.serial_number, trackingCode: unseal(replay.tracking_code_sealed, input.idempotencyKey), replayed: true };
    }
    checkWorkers([input.worker], undefined);
    if (!(await isOpenForWorkers(this.db, row))) throw new LocalizedError('COLLECTIVE_CLOSED', '', 409);
    const idNumber = input.worker.idNumber.toUpperCase();
    const twin = await this.db.selectFrom('case_workers').select('name').where('case_id', '=', row.id).where('id_number', '=', idNumber).executeTakeFirst();
    if (twin) throw new LocalizedError('DUPLICATE_WORKER', twin.name, 409, 'worker.idNumber');
    const now = new Date().toISOString();
    const trackingCode = await this.db.transaction().execute(async (trx) => {
      const last = await trx.selectFrom('case_workers').select((eb) => eb.fn.max('position').as('p')).where('case_id', '=', row.id).executeTakeFirst();
      const stored = await insertWorker(trx, {
        caseId: row.id,
        position: Number(last?.p ?? -1) + 1,
        worker: input.worker,
        representative: false,
        joinedVia: 'share_link',
        idempotencyKey: input.idempotencyKey,
        ip: context.ip,
        at: now,
      });
      await trx.updateTable('cases').set({ claimed_cents: Number(row.claimed_cents) + claimedCents(input.worker.claims) }).where('id', '=', row.id).execute();
      await recordAudit(trx, { actor: { kind: 'public', name: `${input.worker.name.trim()} (worker)` }, ip: context.ip }, {
        caseId: row.id,
        action: 'collective.worker_joined',
        detail: { workerId: stored.workerId, name: input.worker.name.trim(), claims: input.worker.claims.length, amountCents: claimedCents(input.worker.claims) },
      });
      return stored.trackingCode!;
    });
    this.events.publish({ caseId: row.id, status: row.status });
    return { serialNumber: row.serial_number, trackingCode, replayed: false };
  }

  /** The worker confirms, on its own phone, that it agrees to the exact version the representatives sign. */
  async consent(serialNumber: string, trackingCode: string, input: { documentId: string; version: number; sha256: string }, meta: Meta) {
    const { row, worker } = await this.tracked(serialNumber, trackingCode);
    if (!worker) throw new AppError('NOT_A_WORKER', 'This code is not of a worker of a collective case', 403);
    await this.storeConsent(row, worker, input, { method: 'self', channel: null, note: null, recordedBy: null, actorName: worker.name, actor: { kind: 'public', name: `${worker.name} (worker)` } }, meta);
  }

  private async storeConsent(
    row: Case,
    worker: { id: string; name: string },
    input: { documentId: string; version: number; sha256?: string },
    how: { method: 'self' | 'recorded'; channel: ConsentChannel | null; note: string | null; recordedBy: string | null; actorName: string; actorRole?: string; actor: Parameters<typeof recordAudit>[1]['actor'] },
    meta: Meta,
  ): Promise<{ at: string }> {
    const document = await this.signingDocument(row.id);
    if (!document || document.documentId !== input.documentId) throw new AppError('NOT_SENT', 'This document is not out for signature', 409);
    if (document.version !== input.version || (input.sha256 !== undefined && document.sha256 !== input.sha256.toLowerCase())) {
      throw new AppError('VERSION_CHANGED', 'The document was changed; read the new version first', 409);
    }
    const at = new Date().toISOString();
    const text =
      how.method === 'self'
        ? `劳动者${worker.name}本人通过查询码在手机上确认同意`
        : `劳动者${worker.name}以${consentChannelNames[how.channel!]}方式表示同意，由${how.actorName}记录：${how.note ?? ''}`;
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('worker_consents')
          .values({ id: randomUUID(), case_id: row.id, worker_id: worker.id, document_id: document.documentId, version: document.version, pdf_sha256: document.sha256, method: how.method, channel: how.channel, note: how.note, recorded_by: how.recordedBy, ip: meta.ip, user_agent: meta.userAgent.slice(0, 400) || null, at })
          .execute();
        await trx
          .insertInto('document_events')
          .values({
            id: randomUUID(),
            document_id: document.documentId,
            case_id: row.id,
            version: document.version,
            kind: 'consented',
            actor_kind: how.method === 'self' ? 'party' : 'staff',
            actor_id: how.recordedBy ?? worker.id,
            actor_name: how.method === 'self' ? worker.name : how.actorName,
            actor_role: how.method === 'self' ? 'worker' : (how.actorRole ?? null),
            ip: meta.ip,
            user_agent: meta.userAgent.slice(0, 400) || null,
            sha256: document.sha256,
            detail: JSON.stringify({ workerId: worker.id, method: how.method, channel: how.channel, consent: text }),
            at,
          })
          .execute();
        await recordAudit(trx, { actor: how.actor, ip: meta.ip }, {
          caseId: row.id,
          action: 'collective.consent_recorded',
          detail: { workerId: worker.id, worker: worker.name, documentId: document.documentId, version: document.version, pdfSha256: document.sha256, method: how.method, channel: how.channel, note: how.note },
        });
      });
    } catch (error) {
      if (error instanceof Error && /unique|UNIQUE|23505/.test(`${error.message}${(error as { code?: string }).code ?? ''}`)) {
        throw new AppError('ALREADY_CONSENTED', 'This worker has already consented to this version', 409);
      }
      throw error;
    }
    return { at };
  }

  // ---- staff ----

  /** The console's collective panel: workers, representatives, amounts, consent to the version out for signature. */
  async view(actor: StaffActor, caseId: string) {
    const row = await this.cases.authorised(actor, caseId, 'case:view');
    const collective = await this.db.selectFrom('collective_cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    const workers = collective ? await workersOf(this.db, caseId) : [];
    const claims = collective ? await this.db.selectFrom('worker_claims').selectAll().where('case_id', '=', caseId).orderBy('position').execute() : [];
    const document = await this.signingDocument(caseId);
    const consents = document
      ? await this.db.selectFrom('worker_consents').selectAll().where('document_id', '=', document.documentId).where('version', '=', document.version).execute()
      : [];
    const sources = workers.filter((w) => w.source_case_id).map((w) => w.source_case_id!);
    const sourceSerials = sources.length ? await this.db.selectFrom('cases').select(['id', 'serial_number']).where('id', 'in', sources).execute() : [];
    const representatives = workers.filter((w) => w.representative === 1).length;
    return {
      caseId,
      collective: Boolean(collective),
      origin: collective?.origin ?? null,
      open: await isOpenForWorkers(this.db, row),
      totalCents: workers.reduce((sum, w) => sum + Number(w.claimed_cents), 0),
      representativesNeeded: workers.length >= 10 ? { min: 3, max: 5 } : { min: 1, max: 5 },
      representativesOk: representatives >= (workers.length >= 10 ? 3 : 1) && representatives <= 5,
      agreement: document ? { documentId: document.documentId, kind: document.kind, version: document.version, sha256: document.sha256, consented: consents.length } : null,
      workers: workers.map((w) => {
        const consent = consents.find((c) => c.worker_id === w.id);
        return {
          id: w.id,
          position: w.position,
          name: w.name,
          idNumber: w.id_number,
          phone: w.phone,
          address: w.address,
          amountCents: Number(w.claimed_cents),
          claims: claims.filter((c) => c.worker_id === w.id).map((c) => ({ description: c.description, amountCents: Number(c.amount_cents) })),
          representative: w.representative === 1,
          joinedVia: w.joined_via,
          sourceSerialNumber: sourceSerials.find((s) => s.id === w.source_case_id)?.serial_number ?? null,
          joinedAt: w.joined_at,
          consent: consent ? { method: consent.method, channel: consent.channel, note: consent.note, at: consent.at } : null,
        };
      }),
    };
  }

  /** Records the workers' election of their representatives (3–5 from ten workers on). Logged. */
  async setRepresentatives(actor: StaffActor, caseId: string, workerIds: string[], context: RequestContext): Promise<void> {
    await this.cases.authorised(actor, caseId, 'case:schedule');
    const workers = await workersOf(this.db, caseId);
    if (workers.length === 0) throw new AppError('NOT_COLLECTIVE', 'This case is not a collective dispute', 409);
    if (workerIds.some((id) => !workers.some((w) => w.id === id))) throw notFound('Worker');
    if (workerIds.length === 0) throw new LocalizedError('REPRESENTATIVES_COUNT', '0', 400, 'representatives');
    checkRepresentativeCount(workers.length, workerIds.length);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('case_workers').set({ representative: 0 }).where('case_id', '=', caseId).execute();
      await trx.updateTable('case_workers').set({ representative: 1 }).where('case_id', '=', caseId).where('id', 'in', workerIds).execute();
      await recordAudit(trx, { ...context, actor }, {
        caseId,
        action: 'collective.representatives_set',
        detail: { representatives: workers.filter((w) => workerIds.includes(w.id)).map((w) => ({ id: w.id, name: w.name })) },
      });
    });
  }

  /**
   * Staff record a consent a worker gave in writing, by phone, in person or on
   * video (for a worker without a smartphone): the channel and a note (e.g.
   * where the signed confirmation is kept) are required and printed on the
   * audit page.
   */
  async recordConsent(actor: StaffActor, caseId: string, workerId: string, input: { documentId: string; version: number; channel: ConsentChannel; note: string }, meta: Meta & RequestContext) {
    const row = await this.cases.authorised(actor, caseId, 'document:draft');
    const worker = (await workersOf(this.db, caseId)).find((w) => w.id === workerId);
    if (!worker) throw notFound('Worker');
    return this.storeConsent(row, worker, input, { method: 'recorded', channel: input.channel, note: input.note.trim(), recordedBy: actor.userId, actorName: actor.name, actorRole: actor.role, actor }, meta);
  }

  /** Session invitations for a collective case go to its representatives, each bound to its signature place. */
  async inviteRepresentatives(actor: StaffActor, caseId: string, roomId: string, context: RequestContext, onlySlot?: string): Promise<(IssuedInvitation & { workerId: string; name: string; slot: string })[]> {
    await this.cases.authorised(actor, caseId, 'invitation:create');
    const room = await this.db.selectFrom('rooms').select(['id', 'case_id']).where('id', '=', roomId).executeTakeFirst();
    if (!room || room.case_id !== caseId) throw notFound('Room');
    const facts = await loadCollectiveFacts(this.db, caseId);
    if (!facts) throw new AppError('NOT_COLLECTIVE', 'This case is not a collective dispute', 409);
    if (facts.representatives.length === 0) throw new LocalizedError('REPRESENTATIVES_COUNT', '0', 409, 'representatives');
    checkRepresentativeCount(facts.workers.length, facts.representatives.length);
    const issued = [];
    const chosen = facts.representatives.filter((rep) => !onlySlot || rep.slot === onlySlot);
    if (chosen.length === 0) throw notFound('Representative');
    for (const rep of chosen) {
      const invitation = await this.invitations.issue(actor, { roomId, displayName: rep.name, role: 'applicant' }, context);
      await this.db.insertInto('representative_invitations').values({ invitation_id: invitation.invitationId, worker_id: rep.workerId, case_id: caseId, slot: rep.slot }).execute();
      issued.push({ ...invitation, workerId: rep.workerId, name: rep.name, slot: rep.slot });
    }
    return issued;
  }

  /** The host's last signature waits until every worker's consent to that version is recorded. */
  async assertConsents(caseId: string, documentId: string, version: number): Promise<void> {
    const workers = await workersOf(this.db, caseId);
    if (workers.length === 0) return;
    const consents = await this.db.selectFrom('worker_consents').select('worker_id').where('document_id', '=', documentId).where('version', '=', version).execute();
    const missing = workers.filter((w) => !consents.some((c) => c.worker_id === w.id));
    if (missing.length) {
      throw new AppError('CONSENT_MISSING', `${missing.length} worker(s) have not consented to version ${version} yet: ${missing.map((w) => w.name).join(', ')}`, 409);
    }
  }
}
