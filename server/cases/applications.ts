/**
 * What a worker files from a phone without an account, and what an employer
 * files back: checked field by field in the page's language, stored in one
 * transaction with its evidence, or not at all.
 */
import { checkPreference } from '../organisations/staffProfiles.ts';
import { randomUUID } from 'node:crypto';
import { LocalizedError } from '../errors.ts';
import type { Db } from '../store/database.ts';
import type { Insertable } from 'kysely';
import type { CasesTable, DisputeType } from '../store/schema.ts';
import { recordAudit } from '../audit/auditLog.ts';
import { hashCode, isValidCreditCode, isValidPhone, isValidResidentId, randomCode, seal, unseal } from './identifiers.ts';
import type { EvidenceStorage, StagedFile } from './evidenceFiles.ts';
import { openStatuses } from './workflow.ts';
import { nextSerialNumber } from './serialNumbers.ts';
import type { CaseEventBus } from './caseEvents.ts';
import { checkWorkers, claimedCents, insertIntakeWorkers, replayWorkerCodes, type WorkerInput } from './collective/workers.ts';
import { lookupRegion, serves } from '../organisations/regions.ts';
import { limitationWarning, type LimitationWarning } from './limitation.ts';
import { chinaDate, isIsoDate } from './statutoryClocks.ts';

export interface ClaimInput {
  description: string;
  /** Yuan, at most two decimals. */
  amount: number;
}

export interface ApplicationInput {
  idempotencyKey: string;
  organisationId: string;
  disputeType: DisputeType;
  facts: string;
  applicant: { name: string; idNumber: string; phone: string; address: string; agent?: { name: string; phone: string } | undefined };
  employer: { name: string; creditCode: string; address: string; contact: string };
  claims: ClaimInput[];
  /** A collective application (集体争议): the other workers; representatives index [applicant, ...workers]. */
  workers?: WorkerInput[] | undefined;
  representatives?: number[] | undefined;
  /** Where the worker worked (GB/T 2260 district code); must be one the organisation serves. */
  regionCode?: string | undefined;
  /** For the limitation warning only. */
  employment?: { ended: boolean | null; endedOn?: string | undefined; knewOn?: string | undefined } | undefined;
  /** The mediator or arbitrator the applicant would like (optional; the clerk decides). */
  preferredStaffId?: string | undefined;
}

export interface CounterclaimInput {
  serialNumber: string;
  respondentCode: string;
  facts: string;
  claims: ClaimInput[];
  agent?: { name: string; phone: string } | undefined;
}

export function toCents(amount: number): number {
  const cents = Math.round(amount * 100);
  // 0 is a claim without money (confirming the employment relationship, issuing a separation certificate).
  if (!Number.isFinite(amount) || amount < 0 || Math.abs(cents - amount * 100) > 1e-6 || cents > 1e12) {
    throw new LocalizedError('INVALID_AMOUNT', '', 400, 'claims');
  }
  return cents;
}

function checkApplication(input: ApplicationInput): void {
  const idNumber = input.applicant.idNumber.toUpperCase();
  if (!isValidResidentId(idNumber)) throw new LocalizedError('INVALID_ID_NUMBER', '', 400, 'applicant.idNumber');
  if (!isValidCreditCode(input.employer.creditCode.toUpperCase())) {
    throw new LocalizedError('INVALID_CREDIT_CODE', '', 400, 'employer.creditCode');
  }
  if (!isValidPhone(input.applicant.phone)) throw new LocalizedError('INVALID_PHONE', 'applicant.phone', 400, 'applicant.phone');
  if (input.applicant.agent && !isValidPhone(input.applicant.agent.phone)) {
    throw new LocalizedError('INVALID_PHONE', 'applicant.agent.phone', 400, 'applicant.agent.phone');
  }
  for (const claim of input.claims) toCents(claim.amount);
  if (input.workers?.length) checkWorkers(allWorkers(input), input.representatives);
  const today = chinaDate(new Date());
  for (const key of ['endedOn', 'knewOn'] as const) {
    const date = input.employment?.[key];
    if (date !== undefined && (!isIsoDate(date) || date > today)) throw new LocalizedError('INVALID_DATE', `employment.${key}`, 400, `employment.${key}`);
  }
}

const allWorkers = (input: ApplicationInput): WorkerInput[] => [{ ...input.applicant, claims: input.claims }, ...(input.workers ?? [])];

export type WorkerCode = { name: string; trackingCode: string };

export class ApplicationService {
  constructor(
    private readonly db: Db,
    private readonly storage: EvidenceStorage,
    private readonly events: CaseEventBus,
  ) {}

  async submit(
    input: ApplicationInput,
    /** Received and checked already (multipartForm.ts); stored here with their rows or not at all. */
    evidence: StagedFile[],
    context: { ip: string },
  ): Promise<{ caseId: string; serialNumber: string; trackingCode: string; replayed: boolean; limitation: LimitationWarning | null; workers?: WorkerCode[] }> {
    checkApplication(input);
    const organisation = await this.db.selectFrom('organisations').selectAll().where('id', '=', input.organisationId).executeTakeFirst();
    if (!organisation) throw new LocalizedError('UNKNOWN_REGION', '', 400, 'organisationId');
    let regionCode = organisation.region_code;
    if (input.regionCode !== undefined) {
      const region = lookupRegion(input.regionCode);
      if (!region || region.level !== 'county') throw new LocalizedError('UNKNOWN_REGION', '', 400, 'regionCode');
      if (!serves(organisation.region_code, region.code)) throw new LocalizedError('REGION_NOT_SERVED', '', 400, 'organisationId');
      regionCode = region.code;
    }
    const employment = {
      ended: input.employment?.ended ?? null,
      endedOn: input.employment?.ended ? (input.employment.endedOn ?? null) : null,
      knewOn: input.employment?.knewOn ?? null,
    };
    if (input.preferredStaffId) await checkPreference(this.db, organisation.id, input.preferredStaffId);

    const idNumber = input.applicant.idNumber.toUpperCase();
    const creditCode = input.employer.creditCode.toUpperCase();
    const replayed = await this.replayOf(input.idempotencyKey);
    if (replayed) return { ...replayed, limitation: limitationWarning(input.disputeType, employment, chinaDate(new Date())) };
    const open = await this.db
      .selectFrom('cases')
      .select('serial_number')
      .where('applicant_id_number', '=', idNumber)
      .where('employer_credit_code', '=', creditCode)
      .where('dispute_type', '=', input.disputeType)
      .where('status', 'in', openStatuses)
      .executeTakeFirst();
    if (open) throw new LocalizedError('DUPLICATE_APPLICATION', open.serial_number, 409);

    const caseId = randomUUID();
    const trackingCode = randomCode(8);
    const now = new Date();
    const written: string[] = [];
    let workerCodes: WorkerCode[] | undefined;
    try {
      const serialNumber = await this.db.transaction().execute(async (trx) => {
        const serial = await nextSerialNumber(trx, organisation.region_code, now);
        const row: Insertable<CasesTable> = {
          id: caseId,
          serial_number: serial,
          tracking_code_hash: hashCode(trackingCode),
          tracking_code_sealed: seal(trackingCode, input.idempotencyKey),
          respondent_code_hash: null,
          idempotency_key: input.idempotencyKey,
          status: 'submitted',
          dispute_type: input.disputeType,
          region_code: regionCode,
          organisation_id: organisation.id,
          facts: input.facts.trim(),
          applicant_name: input.applicant.name.trim(),
          applicant_id_number: idNumber,
          applicant_phone: input.applicant.phone,
          applicant_address: input.applicant.address.trim(),
          applicant_agent_name: input.applicant.agent?.name.trim() ?? null,
          applicant_agent_phone: input.applicant.agent?.phone ?? null,
          employer_name: input.employer.name.trim(),
          employer_credit_code: creditCode,
          employer_address: input.employer.address.trim(),
          employer_contact: input.employer.contact.trim(),
          respondent_agent_name: null,
          respondent_agent_phone: null,
          claimed_cents: allWorkers(input).reduce((sum, worker) => sum + claimedCents(worker.claims), 0),
          counterclaimed_cents: 0,
          recovered_cents: 0,
          assigned_user_id: null,
          rejection_reason: null,
          outcome: null,
          submitted_at: now.toISOString(),
          responded_at: null,
          accepted_at: null,
          closed_at: null,
          submitter_ip: context.ip,
          employment_ended: employment.ended === null ? null : employment.ended ? 1 : 0,
          employment_ended_on: employment.endedOn,
          infringement_known_on: employment.knewOn,
          preferred_staff_id: input.preferredStaffId ?? null,
        };
        await trx.insertInto('cases').values(row).execute();
        await insertClaims(trx, caseId, 'applicant', input.claims, now);
        if (input.workers?.length) {
          workerCodes = await insertIntakeWorkers(trx, {
            caseId,
            idempotencyKey: input.idempotencyKey,
            applicantCodeHash: row.tracking_code_hash,
            all: allWorkers(input),
            representatives: input.representatives ?? [],
            ip: context.ip,
            at: now.toISOString(),
          });
        }
        await trx
          .insertInto('case_status_events')
          .values({ id: randomUUID(), case_id: caseId, status: 'submitted', note: null, at: now.toISOString() })
          .execute();
        await this.storage.store(trx, evidence, { case_id: caseId, filed_by: 'applicant', room_id: null, created_at: now.toISOString() }, written);
        await recordAudit(trx, { actor: { kind: 'public', name: `${row.applicant_name} (applicant)` }, ip: context.ip }, {
          caseId,
          action: 'application.submitted',
          detail: { serialNumber: serial, claims: input.claims.length, workers: allWorkers(input).length, evidence: evidence.map((f) => ({ name: f.fileName, sha256: f.sha256 })) },
        });
        return serial;
      });
      this.events.publish({ caseId, status: 'submitted' });
      // Never a refusal: the period can be interrupted or suspended, and the commission decides.
      const limitation = limitationWarning(input.disputeType, employment, chinaDate(now));
      return { caseId, serialNumber, trackingCode, replayed: false, limitation, ...(workerCodes ? { workers: workerCodes } : {}) };
    } catch (error) {
      await this.storage.discard(caseId, written);
      if (isUniqueViolation(error)) {
        const again = await this.replayOf(input.idempotencyKey);
        if (again) return { ...again, limitation: limitationWarning(input.disputeType, employment, chinaDate(now)) };
      }
      throw error;
    }
  }

  /**
   * The same form sent again (a double tap, a resend after a lost answer):
   * the same serial number and tracking code, nothing stored twice.
   */
  private async replayOf(idempotencyKey: string) {
    const row = await this.db
      .selectFrom('cases')
      .select(['id', 'serial_number', 'tracking_code_sealed'])
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (!row) return undefined;
    const workers = await replayWorkerCodes(this.db, row.id);
    return { caseId: row.id, serialNumber: row.serial_number, trackingCode: unseal(row.tracking_code_sealed, idempotencyKey), replayed: true, ...(workers.length ? { workers } : {}) };
  }

  /** The employer's claims against the worker, heard together with the case. */
  async fileCounterclaim(input: CounterclaimInput, evidence: StagedFile[], context: { ip: string }): Promise<{ caseId: string }> {
    const row = await this.db
      .selectFrom('cases')
      .selectAll()
      .where('serial_number', '=', input.serialNumber.trim())
      .executeTakeFirst();
    if (!row || !row.respondent_code_hash || row.respondent_code_hash !== hashCode(input.respondentCode)) {
      throw new LocalizedError('RESPONDENT_CODE_WRONG', '', 404);
    }
    if (!['accepted', 'assigned', 'scheduled'].includes(row.status)) throw new LocalizedError('COUNTERCLAIM_CLOSED', '', 409);
    if (input.agent && !isValidPhone(input.agent.phone)) throw new LocalizedError('INVALID_PHONE', 'applicant.agent.phone', 400, 'agent.phone');
    const cents = input.claims.reduce((sum, claim) => sum + toCents(claim.amount), 0);
    const now = new Date();
    const written: string[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertClaims(trx, row.id, 'respondent', input.claims, now);
        await trx
          .updateTable('cases')
          .set({
            counterclaimed_cents: Number(row.counterclaimed_cents) + cents,
            respondent_agent_name: input.agent?.name ?? row.respondent_agent_name,
            respondent_agent_phone: input.agent?.phone ?? row.respondent_agent_phone,
            facts: `${row.facts}\n\n【反请求事实与理由】${input.facts.trim()}`,
            // A counterclaim is the respondent's answer, for the answer clock.
            answered_at: row.answered_at ?? now.toISOString(),
          })
          .where('id', '=', row.id)
          .execute();
        await this.storage.store(trx, evidence, { case_id: row.id, filed_by: 'respondent', room_id: null, created_at: now.toISOString() }, written);
        await recordAudit(trx, { actor: { kind: 'public', name: `${row.employer_name} (respondent)` }, ip: context.ip }, {
          caseId: row.id,
          action: 'counterclaim.filed',
          detail: { claims: input.claims.length, amountCents: cents, evidence: evidence.map((f) => ({ name: f.fileName, sha256: f.sha256 })) },
        });
      });
    } catch (error) {
      await this.storage.discard(row.id, written);
      throw error;
    }
    this.events.publish({ caseId: row.id, status: row.status });
    return { caseId: row.id };
  }
}

async function insertClaims(trx: Db, caseId: string, filedBy: 'applicant' | 'respondent', claims: ClaimInput[], now: Date) {
  const existing = await trx
    .selectFrom('claims')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  let position = Number(existing.n);
  for (const claim of claims) {
    await trx
      .insertInto('claims')
      .values({
        id: randomUUID(),
        case_id: caseId,
        filed_by: filedBy,
        position: position++,
        description: claim.description.trim(),
        amount_cents: toCents(claim.amount),
        created_at: now.toISOString(),
      })
      .execute();
  }
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/i.test(e.message ?? '');
}
