/**
 * Evidence files: type is decided by the bytes (not the name or the
 * browser's claim), size is bounded, and each file is stored under its
 * case by id with its SHA-256 recorded.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
export const MAX_EVIDENCE_FILES = 10;

export type EvidenceMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

export interface UploadedFile {
  fileName: string;
  data: Buffer;
}

export interface CheckedFile extends UploadedFile {
  mimeType: EvidenceMime;
  sha256: string;
}

export function sniffMime(data: Buffer): EvidenceMime | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (data.length >= 5 && data.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return undefined;
}

export type EvidenceProblem = { code: 'EVIDENCE_TYPE' | 'EVIDENCE_TOO_LARGE' | 'EVIDENCE_EMPTY' | 'EVIDENCE_TOO_MANY'; fileName: string };

export function checkEvidence(files: UploadedFile[]): { files: CheckedFile[] } | { problem: EvidenceProblem } {
  if (files.length > MAX_EVIDENCE_FILES) return { problem: { code: 'EVIDENCE_TOO_MANY', fileName: '' } };
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.data.length === 0) return { problem: { code: 'EVIDENCE_EMPTY', fileName: file.fileName } };
    if (file.data.length > MAX_EVIDENCE_BYTES) return { problem: { code: 'EVIDENCE_TOO_LARGE', fileName: file.fileName } };
    const mimeType = sniffMime(file.data);
    if (!mimeType) return { problem: { code: 'EVIDENCE_TYPE', fileName: file.fileName } };
    checked.push({ ...file, mimeType, sha256: createHash('sha256').update(file.data).digest('hex') });
  }
  return { files: checked };
}

export class EvidenceStorage {
  constructor(private readonly root: string) {}

  pathOf(caseId: string, evidenceId: string): string {
    return path.join(this.root, caseId, evidenceId);
  }

  /** Writes via a temporary name so a half-written file never has the final name. */
  async write(caseId: string, evidenceId: string, data: Buffer): Promise<void> {
    const target = this.pathOf(caseId, evidenceId);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.partial`;
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, target);
  }

  /** Only for undoing a write whose database transaction failed. */
  async discard(caseId: string, evidenceId: string): Promise<void> {
    await rm(this.pathOf(caseId, evidenceId), { force: true });
  }
}
