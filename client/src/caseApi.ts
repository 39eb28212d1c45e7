/**
 * Types and calls of the case routes (server/http/routes/{applications,cases,organisations,rooms}.ts).
 * Plain functions rather than one object so each page bundles only what it calls.
 */
import { ApiError, apiFetch, apiUpload, type PartyRole, type RoomMode } from './api.ts';

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

export const CASE_STATUSES: readonly CaseStatus[] = [
  'submitted',
  'accepted',
  'rejected',
  'assigned',
  'scheduled',
  'in_session',
  'agreement_signed',
  'ruled',
  'closed',
];

export type DisputeType = 'wage_arrears' | 'work_injury' | 'dismissal' | 'social_insurance' | 'other';
export const DISPUTE_TYPES: readonly DisputeType[] = ['wage_arrears', 'work_injury', 'dismissal', 'social_insurance', 'other'];

export interface ClaimInput {
  description: string;
  /** Yuan, at most two decimals. */
  amount: number;
}

export interface AgentInput {
  name: string;
  phone: string;
}

/** Matches ApplicationBody in server/http/schemas.ts. */
export interface ApplicationBody {
  idempotencyKey: string;
  organisationId: string;
  disputeType: DisputeType;
  facts: string;
  applicant: { name: string; idNumber: string; phone: string; address: string; agent?: AgentInput };
  employer: { name: string; creditCode: string; address: string; contact: string };
  claims: ClaimInput[];
  /** GB/T 2260 district code of where the worker worked. */
  regionCode?: string;
  employment?: { ended: boolean | null; endedOn?: string; knewOn?: string };
  preferredStaffId?: string;
}

/** Matches CounterclaimBody in server/http/schemas.ts. */
export interface CounterclaimBody {
  serialNumber: string;
  respondentCode: string;
  facts: string;
  claims: ClaimInput[];
  agent?: AgentInput;
}

export interface TimelineEntry {
  status: string;
  note: string | null;
  at: string;
}

/** What the applicant sees: the POST /api/applications/progress answer and every `case:progress` push. */
export interface Progress {
  caseId?: string;
  serialNumber: string;
  status: string;
  disputeType: string;
  organisation: string;
  submittedAt: string;
  rejectionReason: string | null;
  timeline: TimelineEntry[];
  mediationDueOn?: string | null;
  mayApplyForArbitration?: boolean;
  /** Documents out for signature with the parties' places still unsigned. */
  awaitingSignatures?: { id: string; kind: string; pendingSlots: string[] }[];
}

export type ClockId = 'mediation' | 'acceptance' | 'service' | 'answer' | 'hearing_notice' | 'award';
export type ClockState = 'not_started' | 'running' | 'due_soon' | 'overdue' | 'met' | 'missed' | 'waived' | 'stopped';

/** server/cases/statutoryClocks.ts StatutoryClock. */
export interface StatutoryClock {
  id: ClockId;
  basis: 'calendar' | 'working';
  days: number;
  duty: 'organisation' | 'respondent';
  state: ClockState;
  startedOn: string | null;
  dueOn: string | null;
  dueAt: string | null;
  doneAt: string | null;
  extendedDays?: number;
}

export interface LimitationWarning {
  code: 'LIMITATION_EXPIRED' | 'LIMITATION_NEAR';
  expiredOn?: string;
  expiresOn?: string;
  from: 'knew' | 'ended';
}

/** server/cases/caseClocks.ts CaseClockView. */
export interface CaseClockView {
  kind: 'mediation' | 'arbitration';
  clocks: StatutoryClock[];
  urgency: 'overdue' | 'due_soon' | null;
  arbitrationOpen: boolean;
  extension: { days: number; reason: string; approvedAt: string; approvedBy: string } | null;
  limitation: LimitationWarning | null;
}

/** [code, name, children?]: GET /api/public/regions (GB/T 2260). */
export type RegionNode = [string, string, RegionNode[]?];

export interface Organisation {
  id: string;
  name: string;
  kind: 'arbitration_commission' | 'mediation_organisation' | string;
  regionCode: string;
  province: string;
  city: string;
  county: string;
  street: string;
}

export interface SlaClock {
  responseDueAt: string;
  responseOverdue: boolean;
  resolutionDueAt: string | null;
  resolutionOverdue: boolean;
}

export interface CaseSummary {
  id: string;
  serialNumber: string;
  status: CaseStatus;
  disputeType: DisputeType;
  organisationId: string;
  regionCode: string;
  applicantName: string;
  employerName: string;
  employerCreditCode: string;
  claimedCents: number;
  counterclaimedCents: number;
  recoveredCents: number;
  assignedUserId: string | null;
  outcome: string | null;
  submittedAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  sla: SlaClock;
  statutory: CaseClockView;
  massDispute: boolean;
}

export interface CaseDetail extends CaseSummary {
  facts: string;
  applicant: { name: string; idNumber: string; phone: string; address: string; agent: AgentInput | null };
  employer: { name: string; creditCode: string; address: string; contact: string; agent: AgentInput | null };
  rejectionReason: string | null;
  assignee: { id: string; name: string; role: string } | null;
  claims: { id: string; filedBy: string; description: string; amountCents: number }[];
  evidence: {
    id: string;
    filedBy: string;
    fileName: string;
    mimeType: string;
    sizeBytes: number;
    sha256: string;
    createdAt: string;
  }[];
  timeline: TimelineEntry[];
  sessions: { id: string; title: string; mode: RoomMode; scheduledAt: string | null; startedAt: string | null }[];
  followUps: { id: string; channel: string; performed: boolean; note: string; at: string }[];
  ratings: { score: number; comment: string; createdAt: string }[];
}

export interface AuditEntry {
  at: string;
  actor: string;
  actorKind: string;
  action: string;
  detail: Record<string, unknown>;
  ip: string | null;
}

export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  role: string;
  organisationId: string | null;
  disabled?: boolean;
}

export interface InvitationView {
  id: string;
  displayName: string;
  role: PartyRole | string;
  shortCode: string;
  expiresAt: string;
  redeemedAt: string | null;
  revokedAt: string | null;
}

export interface Statistics {
  total: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  byRegion: Record<string, number>;
  mediationSuccessRate: number | null;
  claimedCents: number;
  recoveredCents: number;
  overdue: number;
  massDisputes: { creditCode: string; employerName: string; applications: number }[];
  rules: { minCases: number; windowDays: number; responseMinutes: number; resolutionDays: number };
  statutory?: { compliance: Partial<Record<ClockId, { met: number; missed: number; running: number }>>; statutoryOverdue: number; dueSoon: number };
}

export type ConcludeStatus = 'agreement_signed' | 'ruled' | 'closed';
export type Outcome = 'agreement' | 'award' | 'withdrawn';
export type FollowUpChannel = 'phone' | 'visit' | 'video' | 'sms';

const enc = encodeURIComponent;

// ----------------------------------------------------------------- public

export const listOrganisations = () => apiFetch<{ organisations: Organisation[] }>('/api/public/organisations');

export const listRegions = () => apiFetch<{ source: string; regions: RegionNode[] }>('/api/public/regions');

export function submitApplication(form: FormData, onProgress?: (fraction: number) => void) {
  return apiUpload<{ serialNumber: string; trackingCode: string; limitation: LimitationWarning | null }>('/api/applications', form, { onProgress });
}

export function submitCounterclaim(form: FormData, onProgress?: (fraction: number) => void) {
  return apiUpload<{ ok: true }>('/api/counterclaims', form, { onProgress });
}

export const fetchProgress = (serialNumber: string, trackingCode: string) =>
  apiFetch<Progress>('/api/applications/progress', { method: 'POST', body: { serialNumber, trackingCode } });

export const submitRating = (partyToken: string, score: number, comment: string) =>
  apiFetch<{ ok: true }>('/api/ratings', { method: 'POST', token: partyToken, body: { score, comment } });

// ------------------------------------------------------------------ staff

export const listCases = (token: string, status?: CaseStatus | '') =>
  apiFetch<{ cases: CaseSummary[] }>(status ? `/api/cases?status=${enc(status)}` : '/api/cases', { token });

export const getCase = (token: string, id: string) => apiFetch<CaseDetail>(`/api/cases/${enc(id)}`, { token });

export const getAudit = (token: string, id: string) => apiFetch<{ entries: AuditEntry[] }>(`/api/cases/${enc(id)}/audit`, { token });

export const acceptCase = (token: string, id: string) =>
  apiFetch<{ respondentCode: string }>(`/api/cases/${enc(id)}/accept`, { method: 'POST', token });

export const rejectCase = (token: string, id: string, reason: string) =>
  apiFetch<{ ok: true }>(`/api/cases/${enc(id)}/reject`, { method: 'POST', token, body: { reason } });

export const assignCase = (token: string, id: string, userId: string) =>
  apiFetch<{ ok: true }>(`/api/cases/${enc(id)}/assign`, { method: 'POST', token, body: { userId } });

export const scheduleSession = (token: string, id: string, input: { mode: RoomMode; scheduledAt: string; title?: string }) =>
  apiFetch<{ id: string; title: string; mode: RoomMode; scheduledAt: string }>(`/api/cases/${enc(id)}/sessions`, {
    method: 'POST',
    token,
    body: input,
  });

export const concludeCase = (
  token: string,
  id: string,
  input: { status: ConcludeStatus; outcome?: Outcome; recoveredAmount?: number; note?: string },
) => apiFetch<{ ok: true }>(`/api/cases/${enc(id)}/conclude`, { method: 'POST', token, body: input });

export const addFollowUp = (token: string, id: string, input: { channel: FollowUpChannel; performed: boolean; note: string }) =>
  apiFetch<{ ok: true }>(`/api/cases/${enc(id)}/follow-ups`, { method: 'POST', token, body: input });

export const extendAward = (token: string, id: string, input: { days: number; reason: string; approvedBy: string }) =>
  apiFetch<CaseClockView>(`/api/cases/${enc(id)}/award-extension`, { method: 'POST', token, body: input });

export const recordStep = (token: string, id: string, step: 'served' | 'answered') =>
  apiFetch<CaseClockView>(`/api/cases/${enc(id)}/steps`, { method: 'POST', token, body: { step } });

export const getStatistics = (token: string) => apiFetch<Statistics>('/api/stats', { token });

export const listStaff = (token: string) => apiFetch<{ staff: StaffMember[] }>('/api/staff', { token });
/** Disabling cuts the account's live connections and refuses its login from then on. */
export const setStaffDisabled = (token: string, id: string, disabled: boolean) =>
  apiFetch<{ ok: true }>(`/api/staff/${id}/${disabled ? 'disable' : 'enable'}`, { method: 'POST', token });

export const createStaff = (
  token: string,
  input: { username: string; password: string; displayName: string; role: string; organisationId: string | null },
) => apiFetch<StaffMember>('/api/staff', { method: 'POST', token, body: input });

export const createOrganisation = (
  token: string,
  input: { name: string; kind: string; regionCode: string; province?: string; city?: string; county?: string; street?: string },
) => apiFetch<Organisation>('/api/organisations', { method: 'POST', token, body: input });

export const listInvitations = (token: string, roomId: string) =>
  apiFetch<{ invitations: InvitationView[] }>(`/api/rooms/${enc(roomId)}/invitations`, { token });

export const revokeInvitation = (token: string, invitationId: string) =>
  apiFetch<{ ok: true }>(`/api/invitations/${enc(invitationId)}/revoke`, { method: 'POST', token });

/** Evidence is behind the staff login, so it is fetched with the token and shown through a blob URL. */
export async function fetchEvidence(token: string, caseId: string, evidenceId: string): Promise<Blob> {
  const response = await fetch(`/api/cases/${enc(caseId)}/evidence/${enc(evidenceId)}`, {
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText || `HTTP ${response.status}`);
  return response.blob();
}
