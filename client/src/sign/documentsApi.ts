/** The documents API as the signing page and the console call it. */
import type { DocumentView, VerifyResult } from '../../../server/documents/documentService.ts';
import type { Terms } from '../../../server/documents/terms.ts';
import type { SignatureSlot } from '../../../server/documents/content.ts';
import { apiFetch, ApiError, requestLanguage } from '../api.ts';

export type { DocumentView, VerifyResult, Terms, SignatureSlot };
export type DocumentKind = DocumentView['kind'];
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['mediation_agreement', 'arbitration_rights', 'hearing_record'];
export const PARTY_SLOTS: readonly SignatureSlot[] = ['applicant', 'applicant_agent', 'respondent', 'respondent_agent'];

const enc = encodeURIComponent;

export interface PartyDocuments {
  me: { name: string; role: string };
  case: { id: string; serialNumber: string };
  documents: DocumentView[];
  /** The mediator is talking with the other side alone: what changed since is shown when the talk ends. */
  held?: boolean;
}

export const getPartyDocuments = (token: string) => apiFetch<PartyDocuments>('/api/party/documents', { token });
export const getDocument = (token: string, id: string) => apiFetch<DocumentView>(`/api/documents/${enc(id)}`, { token });
export const listCaseDocuments = (token: string, caseId: string) => apiFetch<{ documents: DocumentView[] }>(`/api/cases/${enc(caseId)}/documents`, { token });
export const createDocument = (token: string, caseId: string, kind: DocumentKind, roomId?: string) =>
  apiFetch<DocumentView>(`/api/cases/${enc(caseId)}/documents`, { method: 'POST', token, body: roomId ? { kind, roomId } : { kind } });
export const saveDraft = (token: string, id: string, terms: Terms, revision: number) =>
  apiFetch<DocumentView>(`/api/documents/${enc(id)}/draft`, { method: 'PUT', token, body: { terms, revision } });
export const sendForSignature = (token: string, id: string, revision: number, signers: SignatureSlot[]) =>
  apiFetch<DocumentView>(`/api/documents/${enc(id)}/send`, { method: 'POST', token, body: { revision, signers } });
export const signDocument = (token: string, id: string, version: number, sha256: string, image: string) =>
  apiFetch<DocumentView>(`/api/documents/${enc(id)}/signatures`, { method: 'POST', token, body: { version, sha256, image }, timeoutMs: 60_000 });

/** A binary resource behind a bearer token (page images, PDFs, the package) as a Blob. */
export async function fetchBlob(path: string, token: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { authorization: `Bearer ${token}`, 'accept-language': requestLanguage() }, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText);
  }
  return response.blob();
}

export async function verifyPdf(file: Blob): Promise<VerifyResult> {
  let response: Response;
  try {
    response = await fetch('/api/verify', { method: 'POST', headers: { 'content-type': 'application/pdf', 'accept-language': requestLanguage() }, body: file });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  const body = (await response.json().catch(() => ({}))) as VerifyResult & { code?: string; message?: string };
  if (!response.ok) throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText);
  return body;
}

/** Saves a Blob under a file name (the browser's download). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
