/**
 * Which case a serial number and tracking code open. The applicant's own
 * code opens its case, or — once the clerk merged it into a collective case —
 * that case; each worker of a collective case also opens it with its own code.
 */
import type { Db } from '../../store/database.ts';
import type { Case } from '../../store/schema.ts';
import type { CaseWorker } from '../../store/collectiveSchema.ts';
import { hashCode } from '../identifiers.ts';

export interface Tracked {
  row: Case;
  /** The worker the code belongs to, in a collective case. */
  worker: CaseWorker | null;
  /** When the code is of an application merged into `row`: that application's serial number. */
  mergedFrom: string | null;
}

export function activeMergeOf(db: Db, sourceCaseId: string) {
  return db.selectFrom('case_merges').selectAll().where('source_case_id', '=', sourceCaseId).where('unmerged_at', 'is', null).executeTakeFirst();
}

export async function resolveTracking(db: Db, serialNumber: string, trackingCode: string): Promise<Tracked | null> {
  const row = await db.selectFrom('cases').selectAll().where('serial_number', '=', serialNumber.trim()).executeTakeFirst();
  if (!row) return null;
  const hash = hashCode(trackingCode);
  const workerOf = (caseId: string) =>
    db.selectFrom('case_workers').selectAll().where('case_id', '=', caseId).where('tracking_code_hash', '=', hash).executeTakeFirst();
  if (row.tracking_code_hash === hash) {
    const merge = await activeMergeOf(db, row.id);
    if (merge) {
      const target = await db.selectFrom('cases').selectAll().where('id', '=', merge.target_case_id).executeTakeFirstOrThrow();
      return { row: target, worker: (await workerOf(target.id)) ?? null, mergedFrom: row.serial_number };
    }
    return { row, worker: (await workerOf(row.id)) ?? null, mergedFrom: null };
  }
  // A worker's own code opens the collective case it joined (not a merged worker's: that one uses its own application's serial number).
  const worker = await workerOf(row.id);
  if (!worker || worker.joined_via === 'merge') return null;
  return { row, worker, mergedFrom: null };
}
