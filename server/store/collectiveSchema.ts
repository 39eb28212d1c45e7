/** Row types of the collective-dispute tables (migration 0010_collective). */
import type { ColumnType, Selectable } from 'kysely';

type Cents = ColumnType<number | string, number, number>;

export interface CollectiveCasesTable {
  case_id: string;
  origin: 'intake' | 'share_link' | 'merge';
  share_code_hash: string | null;
  share_code_sealed: string | null;
  created_at: string;
}

export interface CaseWorkersTable {
  id: string;
  case_id: string;
  position: number;
  name: string;
  id_number: string;
  phone: string;
  address: string;
  tracking_code_hash: string;
  claimed_cents: Cents;
  representative: ColumnType<number, number | undefined, number>;
  joined_via: 'intake' | 'share_link' | 'merge';
  source_case_id: string | null;
  idempotency_key: string | null;
  tracking_code_sealed: string | null;
  joined_at: string;
  submitter_ip: string | null;
}

export interface WorkerClaimsTable {
  id: string;
  worker_id: string;
  case_id: string;
  position: number;
  description: string;
  amount_cents: Cents;
}

export interface WorkerConsentsTable {
  id: string;
  case_id: string;
  worker_id: string;
  document_id: string;
  version: number;
  pdf_sha256: string;
  method: 'self' | 'recorded';
  channel: string | null;
  note: string | null;
  recorded_by: string | null;
  ip: string | null;
  user_agent: string | null;
  at: string;
}

export interface CaseMergesTable {
  id: string;
  target_case_id: string;
  source_case_id: string;
  merged_by: string;
  merged_at: string;
  unmerged_by: string | null;
  unmerged_at: string | null;
}

export interface RepresentativeInvitationsTable {
  invitation_id: string;
  worker_id: string;
  case_id: string;
  slot: string;
}

export interface CollectiveTables {
  collective_cases: CollectiveCasesTable;
  case_workers: CaseWorkersTable;
  worker_claims: WorkerClaimsTable;
  worker_consents: WorkerConsentsTable;
  case_merges: CaseMergesTable;
  representative_invitations: RepresentativeInvitationsTable;
}

export type CaseWorker = Selectable<CaseWorkersTable>;
export type WorkerConsent = Selectable<WorkerConsentsTable>;
