/** Calls of collective disputes: the worker's phone (serial number + own code, or the share code) and the console. */
import { ApiError, apiFetch, requestLanguage } from '../api.ts';

export interface CollectiveMe {
  serialNumber: string;
  collective: boolean;
  employerName: string;
  mergedFrom: string | null;
  workers: number;
  representatives: string[];
  me: { name: string; amountCents: number; representative: boolean } | null;
  canInvite: boolean;
  shareUrl: string | null;
  agreement: { documentId: string; kind: string; version: number; sha256: string; consentedAt: string | null } | null;
}

export interface JoinInfo {
  serialNumber: string;
  employerName: string;
  disputeType: string;
  organisation: string;
  firstApplicant: string;
  workers: number;
  open: boolean;
}

export interface WorkerBody {
  name: string;
  idNumber: string;
  phone: string;
  address: string;
  claims: { description: string; amount: number }[];
}

export interface CollectiveView {
  caseId: string;
  collective: boolean;
  origin: string | null;
  open: boolean;
  totalCents: number;
  representativesOk: boolean;
  agreement: { documentId: string; kind: string; version: number; sha256: string; consented: number } | null;
  workers: {
    id: string;
    name: string;
    idNumber: string;
    amountCents: number;
    representative: boolean;
    joinedVia: 'intake' | 'share_link' | 'merge';
    sourceSerialNumber: string | null;
    consent: { method: 'self' | 'recorded'; channel: string | null; note: string | null; at: string } | null;
  }[];
}

export interface MergeView {
  warning: { creditCode: string; employerName: string; applications: number } | null;
  canMerge: boolean;
  candidates: { id: string; serialNumber: string; applicantName: string; claimedCents: number; status: string; submittedAt: string }[];
  merges: { sourceCaseId: string; serialNumber: string; applicantName: string; mergedAt: string; unmergedAt: string | null }[];
}

const enc = encodeURIComponent;

export const fetchMe = (serialNumber: string, trackingCode: string) => apiFetch<CollectiveMe>('/api/collective/me', { method: 'POST', body: { serialNumber, trackingCode } });
export const createShareLink = (serialNumber: string, trackingCode: string) =>
  apiFetch<{ shareUrl: string; shareCode: string }>('/api/collective/share', { method: 'POST', body: { serialNumber, trackingCode } });
export const fetchJoinInfo = (shareCode: string) => apiFetch<JoinInfo>('/api/collective/join-info', { method: 'POST', body: { shareCode } });
export const joinCase = (shareCode: string, idempotencyKey: string, worker: WorkerBody) =>
  apiFetch<{ serialNumber: string; trackingCode: string }>('/api/collective/join', { method: 'POST', body: { shareCode, idempotencyKey, worker } });
export const giveConsent = (serialNumber: string, trackingCode: string, agreement: { documentId: string; version: number; sha256: string }) =>
  apiFetch<{ ok: true }>('/api/collective/consent', { method: 'POST', body: { serialNumber, trackingCode, ...agreement } });

/** The version out for signature, as the worker reads it before consenting. */
export async function fetchAgreementPdf(serialNumber: string, trackingCode: string): Promise<Blob> {
  const response = await fetch('/api/collective/agreement.pdf', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': requestLanguage() },
    body: JSON.stringify({ serialNumber, trackingCode }),
  });
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
  return response.blob();
}

export const getCollective = (token: string, caseId: string) => apiFetch<CollectiveView>(`/api/cases/${enc(caseId)}/collective`, { token });
export const setRepresentatives = (token: string, caseId: string, workerIds: string[]) =>
  apiFetch<CollectiveView>(`/api/cases/${enc(caseId)}/collective/representatives`, { method: 'PUT', token, body: { workerIds } });
export const recordConsent = (token: string, caseId: string, workerId: string, body: { documentId: string; version: number; channel: string; note: string }) =>
  apiFetch<{ at: string }>(`/api/cases/${enc(caseId)}/collective/workers/${enc(workerId)}/consent`, { method: 'POST', token, body });
export const inviteRepresentatives = (token: string, caseId: string, roomId: string, slot?: string) =>
  apiFetch<{ invitations: { name: string; slot: string; token: string; url: string; shortCode: string; expiresAt: string }[] }>(`/api/cases/${enc(caseId)}/collective/invitations`, {
    method: 'POST',
    token,
    body: slot ? { roomId, slot } : { roomId },
  });
export const getMerge = (token: string, caseId: string) => apiFetch<MergeView>(`/api/cases/${enc(caseId)}/merge`, { token });
export const mergeCases = (token: string, caseId: string, caseIds: string[]) => apiFetch<MergeView>(`/api/cases/${enc(caseId)}/merge`, { method: 'POST', token, body: { caseIds } });
export const unmergeCase = (token: string, caseId: string, sourceId: string) =>
  apiFetch<MergeView>(`/api/cases/${enc(caseId)}/unmerge`, { method: 'POST', token, body: { caseId: sourceId } });
