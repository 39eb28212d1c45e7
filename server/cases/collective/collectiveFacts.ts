/** What the documents print about a collective dispute: every worker with its amount, and the representatives in signing order. */
import type { Db } from '../../store/database.ts';
import { representativeSlots, type RepresentativeSlot } from '../../documents/content.ts';

export interface CollectiveFacts {
  workers: { id: string; name: string; idNumber: string; amountCents: number; claims: string[]; representative: boolean }[];
  representatives: { workerId: string; slot: RepresentativeSlot; name: string; idNumber: string }[];
  totalCents: number;
}

export async function loadCollectiveFacts(db: Db, caseId: string): Promise<CollectiveFacts | null> {
  const collective = await db.selectFrom('collective_cases').select('case_id').where('case_id', '=', caseId).executeTakeFirst();
  if (!collective) return null;
  const [workers, claims] = await Promise.all([
    db.selectFrom('case_workers').selectAll().where('case_id', '=', caseId).orderBy('position').execute(),
    db.selectFrom('worker_claims').selectAll().where('case_id', '=', caseId).orderBy('position').execute(),
  ]);
  const list = workers.map((w) => ({
    id: w.id,
    name: w.name,
    idNumber: w.id_number,
    amountCents: Number(w.claimed_cents),
    claims: claims.filter((c) => c.worker_id === w.id).map((c) => c.description),
    representative: w.representative === 1,
  }));
  const representatives = list
    .filter((w) => w.representative)
    .slice(0, representativeSlots.length)
    .map((w, i) => ({ workerId: w.id, slot: representativeSlots[i]!, name: w.name, idNumber: w.idNumber }));
  return { workers: list, representatives, totalCents: list.reduce((sum, w) => sum + w.amountCents, 0) };
}
