/** Calls of server/http/routes/{organisationSeal,staffProfiles}.ts. */
import { apiFetch } from '../api.ts';

export interface SealStatus {
  seal: { id: string; sha256: string; width: number; height: number; uploadedAt: string; earlier: number } | null;
  certificate: { subject: string; fingerprint: string; validFrom: string; validTo: string; uploadedAt: string; earlier: number } | null;
  serverCertificate: { subject: string; fingerprint: string; development: boolean };
}

export interface PublicProfile {
  id: string;
  displayName: string;
  role: 'mediator' | 'arbitrator';
  speciality: string;
  languages: string;
  photoUrl: string | null;
}

export interface RatedProfile extends PublicProfile {
  ratingAverage: number | null;
  ratingCount: number;
  organisationId?: string | null;
  disabled?: boolean;
}

export interface AssignmentOptions {
  preference: (RatedProfile & { unavailable: boolean }) | null;
  candidates: (RatedProfile & { preferred: boolean })[];
}

export const sealStatus = (token: string, orgId: string) => apiFetch<SealStatus>(`/api/organisations/${orgId}/seal`, { token });
export const uploadSeal = (token: string, orgId: string, image: string) => apiFetch<SealStatus>(`/api/organisations/${orgId}/seal`, { method: 'PUT', token, body: { image }, timeoutMs: 60_000 });
export const uploadCertificate = (token: string, orgId: string, p12: string, password: string) =>
  apiFetch<SealStatus>(`/api/organisations/${orgId}/certificate`, { method: 'PUT', token, body: { p12, password }, timeoutMs: 60_000 });
export const publicMediators = (orgId: string) => apiFetch<{ mediators: PublicProfile[] }>(`/api/public/organisations/${orgId}/mediators`);
export const staffProfiles = (token: string) => apiFetch<{ profiles: RatedProfile[] }>('/api/staff/profiles', { token });
export const updateProfile = (token: string, userId: string, body: { speciality?: string; languages?: string; photo?: string | null }) =>
  apiFetch<RatedProfile>(`/api/staff/${userId}/profile`, { method: 'PUT', token, body, timeoutMs: 60_000 });
export const assignmentOptions = (token: string, caseId: string) => apiFetch<AssignmentOptions>(`/api/cases/${caseId}/assignment-options`, { token });

/** A picked file as base64 (no data: prefix). */
export function fileBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** The seal image as an object URL (it needs the admin's token, so no plain <img src>). */
export async function sealImageUrl(token: string, orgId: string): Promise<string> {
  const response = await fetch(`/api/organisations/${orgId}/seal/image`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}
