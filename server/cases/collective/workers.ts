/**
 * The workers of a collective dispute (集体争议) as the intake sees them:
 * each checked like the single applicant (18-digit resident ID with its
 * check digit, phone), each with its own claims and amount, each with its
 * own tracking code; 3–5 elected representatives once ten or more workers
 * have common claims (劳动争议调解仲裁法 art. 7).
 */
import { randomUUID } from 'node:crypto';
import { LocalizedError } from '../../errors.ts';
import type { Db } from '../../store/database.ts';
import type { CaseWorker } from '../../store/collectiveSchema.ts';
import { hashCode, isValidPhone, isValidResidentId, randomCode, seal, unseal } from '../identifiers.ts';
import { toCents, type ClaimInput } from '../applications.ts';

export interface WorkerInput {
  name: string;
  idNumber: string;
  phone: string;
  address: string;
  claims: ClaimInput[];
}

/** From this many workers the law has them elect representatives, three to five. */
export const REPRESENTATIVES_FROM = 10;
export const MIN_REPRESENTATIVES = 3;
export const MAX_REPRESENTATIVES = 5;
export const MAX_WORKERS = 200;

/** How many representatives a case of `workers` workers needs: `null` when any number up to five will do. */
export function checkRepresentativeCount(workers: number, representatives: number): void {
  const bad = representatives > MAX_REPRESENTATIVES || (workers >= REPRESENTATIVES_FROM && representatives < MIN_REPRESENTATIVES);
  if (bad) throw new LocalizedError('REPRESENTATIVES_COUNT', String(representatives), 400, 'representatives');
}

/** Checks every worker (field names point at the worker's row in the form) and that nobody appears twice. */
export function checkWorkers(all: WorkerInput[], representatives: readonly number[] | undefined): void {
  if (all.length > MAX_WORKERS) throw new LocalizedError('TOO_MANY_WORKERS', '', 400, 'workers');
  const seen = new Map<string, string>();
  all.forEach((worker, i) => {
    const id = worker.idNumber.toUpperCase();
    const at = i === 0 ? 'applicant' : `workers.${i - 1}`;
    if (!isValidResidentId(id)) throw new LocalizedError('INVALID_ID_NUMBER', '', 400, `${at}.idNumber`);
    if (!isValidPhone(worker.phone)) throw new LocalizedError('INVALID_PHONE', 'applicant.phone', 400, `${at}.phone`);
    for (const claim of worker.claims) toCents(claim.amount);
    const twin = seen.get(id);
    if (twin !== undefined) throw new LocalizedError('DUPLICATE_WORKER', twin, 409, `${at}.idNumber`);
    seen.set(id, worker.name.trim());
  });
  if (representatives) {
    if (representatives.some((index) => index >= all.length)) throw new LocalizedError('REPRESENTATIVES_COUNT', String(representatives.length), 400, 'representatives');
    checkRepresentativeCount(all.length, representatives.length);
  }
}

export const claimedCents = (claims: ClaimInput[]) => claims.reduce((sum, claim) => sum + toCents(claim.amount), 0);

/** Stores one worker with its claims; the tracking code is sealed under the form's key so a resend gets it back. */
export async function insertWorker(
  trx: Db,
  input: {
    caseId: string;
    position: number;
    worker: WorkerInput;
    representative: boolean;
    joinedVia: CaseWorker['joined_via'];
    sourceCaseId?: string | null;
    /** An existing code's hash (the first applicant's, a merged application's); a new code is made otherwise. */
    trackingCodeHash?: string;
    idempotencyKey?: string | null;
    ip: string | null;
    at: string;
  },
): Promise<{ workerId: string; trackingCode: string | null }> {
  const workerId = randomUUID();
  const trackingCode = input.trackingCodeHash ? null : randomCode(8);
  await trx
    .insertInto('case_workers')
    .values({
      id: workerId,
      case_id: input.caseId,
      position: input.position,
      name: input.worker.name.trim(),
      id_number: input.worker.idNumber.toUpperCase(),
      phone: input.worker.phone,
      address: input.worker.address.trim(),
      tracking_code_hash: input.trackingCodeHash ?? hashCode(trackingCode!),
      claimed_cents: claimedCents(input.worker.claims),
      representative: input.representative ? 1 : 0,
      joined_via: input.joinedVia,
      source_case_id: input.sourceCaseId ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      tracking_code_sealed: trackingCode && input.idempotencyKey ? seal(trackingCode, input.idempotencyKey) : null,
      joined_at: input.at,
      submitter_ip: input.ip,
    })
    .execute();
  let position = 0;
  for (const claim of input.worker.claims) {
    await trx
      .insertInto('worker_claims')
      .values({ id: randomUUID(), worker_id: workerId, case_id: input.caseId, position: position++, description: claim.description.trim(), amount_cents: toCents(claim.amount) })
      .execute();
  }
  return { workerId, trackingCode };
}

/** Key under which an intake worker's code is sealed: the form's key and the worker's place in it. */
export const intakeWorkerKey = (idempotencyKey: string, index: number) => `${idempotencyKey}:worker:${index}`;

/**
 * A collective application's workers, stored in the application's own
 * transaction: the applicant is worker 1 (its code is the case's), the others
 * get their own codes.
 */
export async function insertIntakeWorkers(
  trx: Db,
  input: { caseId: string; idempotencyKey: string; applicantCodeHash: string; all: WorkerInput[]; representatives: readonly number[]; ip: string; at: string },
): Promise<{ name: string; trackingCode: string }[]> {
  await trx.insertInto('collective_cases').values({ case_id: input.caseId, origin: 'intake', share_code_hash: null, share_code_sealed: null, created_at: input.at }).execute();
  const codes: { name: string; trackingCode: string }[] = [];
  for (const [i, worker] of input.all.entries()) {
    const stored = await insertWorker(trx, {
      caseId: input.caseId,
      position: i,
      worker,
      representative: input.representatives.includes(i),
      joinedVia: 'intake',
      ...(i === 0 ? { trackingCodeHash: input.applicantCodeHash } : {}),
      idempotencyKey: intakeWorkerKey(input.idempotencyKey, i),
      ip: input.ip,
      at: input.at,
    });
    if (stored.trackingCode) codes.push({ name: worker.name.trim(), trackingCode: stored.trackingCode });
  }
  return codes;
}

/** The codes of a replayed collective form (the same form sent again). */
export async function replayWorkerCodes(db: Db, caseId: string): Promise<{ name: string; trackingCode: string }[]> {
  const rows = await db.selectFrom('case_workers').select(['name', 'idempotency_key', 'tracking_code_sealed']).where('case_id', '=', caseId).orderBy('position').execute();
  return rows
    .filter((row) => row.tracking_code_sealed && row.idempotency_key)
    .map((row) => ({ name: row.name, trackingCode: unseal(row.tracking_code_sealed!, row.idempotency_key!) }));
}

export function workersOf(db: Db, caseId: string) {
  return db.selectFrom('case_workers').selectAll().where('case_id', '=', caseId).orderBy('position').execute();
}
