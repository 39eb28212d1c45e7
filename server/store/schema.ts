/** Row types of every table, as Kysely sees them. Times are ISO-8601 UTC text on both databases; money is integer cents. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CollectiveTables } from './collectiveSchema.ts';

/** bigint columns come back as strings from PostgreSQL and numbers from SQLite. */
type Cents = ColumnType<number | string, number, number>;

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: 'arbitration_commission' | 'mediation_organisation';
  /** GB/T 2260 six-digit administrative code of the county (or city, province), plus street suffix if any. */
  region_code: string;
  province: string;
  city: string;
  county: string;
  street: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: 'admin' | 'mediator' | 'arbitrator' | 'clerk';
  display_name: string;
  disabled: Generated<number>;
  created_at: string;
  organisation_id: string | null;
  /** A clerk authorised to open confidential recordings (private talks). */
  confidential_access: Generated<number>;
  /** Public profile of a mediator or arbitrator (0030). */
  speciality: Generated<string>;
  languages: Generated<string>;
  photo_base64: ColumnType<string | null, string | null | undefined, string | null>;
  photo_type: ColumnType<string | null, string | null | undefined, string | null>;
}

export type CaseStatus =
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'assigned'
  | 'scheduled'
  | 'in_session'
  | 'agreement_signed'
  | 'ruled'
  | 'closed';

export type DisputeType = 'wage_arrears' | 'work_injury' | 'dismissal' | 'social_insurance' | 'other';

export interface CasesTable {
  id: string;
  serial_number: string;
  tracking_code_hash: string;
  tracking_code_sealed: string;
  respondent_code_hash: string | null;
  idempotency_key: string;
  status: CaseStatus;
  dispute_type: DisputeType;
  region_code: string;
  organisation_id: string;
  facts: string;
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  applicant_address: string;
  applicant_agent_name: string | null;
  applicant_agent_phone: string | null;
  employer_name: string;
  employer_credit_code: string;
  employer_address: string;
  employer_contact: string;
  respondent_agent_name: string | null;
  respondent_agent_phone: string | null;
  claimed_cents: Cents;
  counterclaimed_cents: Cents;
  recovered_cents: Cents;
  assigned_user_id: string | null;
  rejection_reason: string | null;
  outcome: 'agreement' | 'award' | 'withdrawn' | 'rejected' | null;
  submitted_at: string;
  responded_at: string | null;
  accepted_at: string | null;
  closed_at: string | null;
  submitter_ip: string;
  /** Statutory clocks (0020): service on the respondent, its answer, the approved award extension. */
  served_at: ColumnType<string | null, string | null | undefined, string | null>;
  answered_at: ColumnType<string | null, string | null | undefined, string | null>;
  award_extension_days: ColumnType<number | null, number | null | undefined, number | null>;
  award_extension_reason: ColumnType<string | null, string | null | undefined, string | null>;
  award_extended_at: ColumnType<string | null, string | null | undefined, string | null>;
  award_extended_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** The limitation facts given at intake (0020): 1/0/null, and China dates. */
  employment_ended: ColumnType<number | null, number | null | undefined, number | null>;
  employment_ended_on: ColumnType<string | null, string | null | undefined, string | null>;
  infringement_known_on: ColumnType<string | null, string | null | undefined, string | null>;
  /** The mediator or arbitrator the applicant would like (0030), optional. */
  preferred_staff_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ClaimsTable {
  id: string;
  case_id: string;
  filed_by: 'applicant' | 'respondent';
  position: number;
  description: string;
  amount_cents: Cents;
  created_at: string;
}

export interface EvidenceTable {
  id: string;
  case_id: string;
  filed_by: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  room_id: string | null;
  created_at: string;
  /** For evidence shared during a session: 'all' or the private-talk group that saw it. */
  audience: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CaseStatusEventsTable {
  id: string;
  case_id: string;
  status: CaseStatus;
  note: string | null;
  at: string;
}

export interface AuditLogTable {
  id: string;
  case_id: string | null;
  actor_kind: 'staff' | 'party' | 'public' | 'system';
  actor_id: string | null;
  actor_name: string;
  action: string;
  /** JSON text */
  detail: string;
  ip: string | null;
  at: string;
}

export interface OrganisationSealsTable {
  id: string;
  organisation_id: string;
  png_base64: string;
  sha256: string;
  width: number;
  height: number;
  uploaded_by: string;
  uploaded_at: string;
  replaced_at: string | null;
}

export interface OrganisationCertificatesTable {
  id: string;
  organisation_id: string;
  fingerprint: string;
  subject: string;
  valid_from: string;
  valid_to: string;
  sealed: string;
  uploaded_by: string;
  uploaded_at: string;
  replaced_at: string | null;
}

export interface RatingsTable {
  id: string;
  case_id: string;
  room_id: string;
  invitation_id: string;
  rated_user_id: string | null;
  score: number;
  comment: string;
  created_at: string;
}

export interface FollowUpsTable {
  id: string;
  case_id: string;
  staff_id: string;
  channel: 'phone' | 'visit' | 'video' | 'sms';
  performed: number;
  note: string;
  at: string;
}

export interface RoomsTable {
  id: string;
  title: string;
  mode: 'face_to_face' | 'back_to_back' | 'hearing';
  created_by: string;
  created_at: string;
  case_id: ColumnType<string | null, string | null | undefined, string | null>;
  scheduled_at: ColumnType<string | null, string | null | undefined, string | null>;
  started_at: ColumnType<string | null, string | null | undefined, string | null>;
  host_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The case's organisation, or for a room without a case its creator's; null: the platform admin's. */
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when the host ended the session for everyone (0040). */
  ended_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON of the SessionEnd (reason, outcome, note, by). */
  end_detail: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface InvitationsTable {
  id: string;
  room_id: string;
  display_name: string;
  role: string;
  expires_at: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  short_code: ColumnType<string | null, string | null | undefined, string | null>;
  redeemed_at: ColumnType<string | null, string | null | undefined, string | null>;
  redeemed_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionEventsTable {
  id: string;
  room_id: string;
  case_id: string | null;
  kind: string;
  /** The participant the event is about, if any. */
  subject: string | null;
  actor_name: string;
  /** JSON text */
  detail: string;
  at: string;
}

export interface ChatMessagesTable {
  id: string;
  room_id: string;
  case_id: string | null;
  sender_name: string;
  sender_role: string;
  /** 'all' or the private-talk group it was said in. */
  audience: string;
  text: string;
  at: string;
}

export interface HostNotesTable {
  room_id: string;
  user_id: string;
  text: string;
  updated_at: string;
}

export type RecordingStatus = 'recording' | 'ended' | 'composing' | 'composed' | 'failed' | 'expired';

export interface RecordingsTable {
  id: string;
  room_id: string;
  case_id: string | null;
  status: RecordingStatus;
  started_at: string;
  ended_at: string | null;
  interrupted: Generated<number>;
  compose_progress: Generated<number>;
  composed_file: string | null;
  composed_sha256: string | null;
  composed_bytes: Cents | null;
  composed_duration_s: number | null;
  manifest_sha256: string | null;
  error: string | null;
}

export interface RecordingPartsTable {
  id: string;
  recording_id: string;
  producer_id: string;
  participant_name: string;
  participant_role: string;
  source: string;
  kind: 'audio' | 'video';
  codec: string;
  /** The private-talk side this part belongs to; null for the joint session. */
  confidential: string | null;
  started_at: string;
  ended_at: string | null;
  interrupted: Generated<number>;
}

export interface RecordingSegmentsTable {
  id: string;
  part_id: string;
  /** Path relative to the recordings directory. */
  file: string;
  sequence: number;
  start_s: number;
  duration_s: number;
  bytes: Cents;
  sha256: string;
  recovered: Generated<number>;
  created_at: string;
}

export type DocumentKind = 'mediation_agreement' | 'arbitration_rights' | 'hearing_record';
export type DocumentStatus = 'draft' | 'signing' | 'final';

export interface DocumentsTable {
  id: string;
  case_id: string;
  /** The session the document belongs to (its time, its event log); the case's latest when null. */
  room_id: string | null;
  kind: DocumentKind;
  status: DocumentStatus;
  /** JSON text: the draft terms being edited. */
  terms: string;
  revision: number;
  /** The version out for signature (or signed); null until first sent. */
  current_version: number | null;
  /** JSON text: the signature places required, in order, the host's last. */
  required_signers: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  final_sha256: string | null;
  /** Path relative to the documents directory. */
  final_file: string | null;
  final_bytes: Cents | null;
  finalised_at: string | null;
}

export interface DocumentVersionsTable {
  id: string;
  document_id: string;
  version: number;
  terms: string;
  required_signers: string;
  pdf_file: string;
  sha256: string;
  bytes: Cents;
  pages: number;
  /** JSON text: where each signature goes (page, rectangle). */
  slots: string;
  room_id: string | null;
  recording_id: string | null;
  manifest_sha256: string | null;
  created_by_name: string;
  created_at: string;
}

export interface DocumentSignaturesTable {
  id: string;
  document_id: string;
  version_id: string;
  version: number;
  slot: string;
  signer_kind: 'party' | 'staff';
  /** The invitation (party) or user (staff) that signed. */
  signer_id: string;
  signer_name: string;
  signer_role: string;
  signed_at: string;
  ip: string | null;
  user_agent: string;
  /** SHA-256 of the exact PDF version the signer was shown. */
  pdf_sha256: string;
  image_file: string;
  image_sha256: string;
}

export interface DocumentEventsTable {
  id: string;
  document_id: string;
  case_id: string;
  version: number | null;
  kind: string;
  actor_kind: 'staff' | 'party' | 'system';
  actor_id: string | null;
  actor_name: string;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  sha256: string | null;
  /** JSON text */
  detail: string;
  at: string;
}

export interface SerialCountersTable {
  scope: string;
  value: number;
}

export interface Database extends CollectiveTables {
  organisations: OrganisationsTable;
  users: UsersTable;
  rooms: RoomsTable;
  invitations: InvitationsTable;
  serial_counters: SerialCountersTable;
  cases: CasesTable;
  claims: ClaimsTable;
  evidence: EvidenceTable;
  case_status_events: CaseStatusEventsTable;
  audit_log: AuditLogTable;
  ratings: RatingsTable;
  follow_ups: FollowUpsTable;
  session_events: SessionEventsTable;
  chat_messages: ChatMessagesTable;
  host_notes: HostNotesTable;
  recordings: RecordingsTable;
  recording_parts: RecordingPartsTable;
  recording_segments: RecordingSegmentsTable;
  documents: DocumentsTable;
  document_versions: DocumentVersionsTable;
  document_signatures: DocumentSignaturesTable;
  document_events: DocumentEventsTable;
  organisation_seals: OrganisationSealsTable;
  organisation_certificates: OrganisationCertificatesTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Room = Selectable<RoomsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type Case = Selectable<CasesTable>;
export type Claim = Selectable<ClaimsTable>;
export type Evidence = Selectable<EvidenceTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type Recording = Selectable<RecordingsTable>;
export type RecordingPart = Selectable<RecordingPartsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type DocumentVersion = Selectable<DocumentVersionsTable>;
export type DocumentSignature = Selectable<DocumentSignaturesTable>;
export type DocumentEvent = Selectable<DocumentEventsTable>;
