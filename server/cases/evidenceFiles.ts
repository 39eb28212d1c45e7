/**
 * Evidence files: streamed to a temporary file in the evidence directory
 * while they arrive (never held in memory), hashed on the way, typed by
 * their first bytes (not the name or the browser's claim), bounded per file,
 * per request, per case and per client address; then stored under the case
 * by id with a row carrying the SHA-256, in the caller's transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EvidenceLimits } from '../config.ts';
import { LocalizedError } from '../errors.ts';
import type { Db } from '../store/database.ts';
import type { Evidence } from '../store/schema.ts';

export type EvidenceMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** A file received and checked, waiting in the staging directory for its row. */
export interface StagedFile {
  fileName: string;
  mimeType: EvidenceMime;
  sha256: string;
  sizeBytes: number;
  /** The temporary file; gone once stored. */
  path: string;
}

export const defaultEvidenceLimits: EvidenceLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxFilesPerRequest: 10,
  maxBytesPerRequest: 50 * 1024 * 1024,
  maxFilesPerCase: 200,
  maxBytesPerCase: 1024 * 1024 * 1024,
  maxFilesPerAddress: 100,
  maxBytesPerAddress: 300 * 1024 * 1024,
};

/** Enough leading bytes to tell every accepted type. */
const SNIFF_BYTES = 12;
const ADDRESS_WINDOW_MS = 24 * 3600_000;

export function sniffMime(data: Buffer): EvidenceMime | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (data.length >= 5 && data.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return undefined;
}

const problem = (code: 'EVIDENCE_TYPE' | 'EVIDENCE_TOO_LARGE' | 'EVIDENCE_EMPTY' | 'EVIDENCE_TOO_MANY' | 'EVIDENCE_REQUEST_TOO_LARGE' | 'EVIDENCE_CASE_QUOTA' | 'EVIDENCE_ADDRESS_QUOTA', fileName = '') => {
  const status = { EVIDENCE_TYPE: 415, EVIDENCE_TOO_LARGE: 413, EVIDENCE_REQUEST_TOO_LARGE: 413, EVIDENCE_CASE_QUOTA: 409, EVIDENCE_ADDRESS_QUOTA: 429 }[code as string] ?? 400;
  return new LocalizedError(code, fileName, status, 'evidence');
};

/** What one client address uploaded in the current 24-hour window (in memory: per process, reset on restart). */
class AddressLedger {
  private readonly usage = new Map<string, { files: number; bytes: number; since: number }>();

  constructor(private readonly limits: EvidenceLimits) {}

  private entry(address: string) {
    const now = Date.now();
    let entry = this.usage.get(address);
    if (!entry || now - entry.since > ADDRESS_WINDOW_MS) {
      if (this.usage.size > 10_000) for (const [key, value] of this.usage) if (now - value.since > ADDRESS_WINDOW_MS) this.usage.delete(key);
      entry = { files: 0, bytes: 0, since: now };
      this.usage.set(address, entry);
    }
    return entry;
  }

  /** Bytes and files count as they arrive, whether or not they end up stored. */
  charge(address: string, files: number, bytes: number): void {
    const entry = this.entry(address);
    entry.files += files;
    entry.bytes += bytes;
    if (entry.files > this.limits.maxFilesPerAddress || entry.bytes > this.limits.maxBytesPerAddress) throw problem('EVIDENCE_ADDRESS_QUOTA');
  }
}

export class EvidenceStorage {
  readonly limits: EvidenceLimits;
  private readonly staging: string;
  private readonly addresses: AddressLedger;

  constructor(
    private readonly root: string,
    limits: EvidenceLimits = defaultEvidenceLimits,
  ) {
    this.limits = limits;
    this.addresses = new AddressLedger(limits);
    this.staging = path.join(root, '.incoming');
    // Whatever a crash left half-received is never evidence.
    rmSync(this.staging, { recursive: true, force: true });
  }

  pathOf(caseId: string, evidenceId: string): string {
    return path.join(this.root, caseId, evidenceId);
  }

  /** The address is about to send one more file. */
  chargeFile(address: string): void {
    this.addresses.charge(address, 1, 0);
  }

  /**
   * Streams one uploaded file into the staging directory: hashed on the way,
   * its type decided by its first bytes (a wrong type stops it at once), at
   * most `maxBytes`. Any failure removes the temporary file.
   */
  async stage(chunks: AsyncIterable<Buffer>, fileName: string, options: { maxBytes: number; requestTooLarge: boolean; address: string }): Promise<StagedFile> {
    await mkdir(this.staging, { recursive: true });
    const file = path.join(this.staging, randomUUID());
    const handle = await open(file, 'wx');
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    let mimeType: EvidenceMime | undefined;
    let size = 0;
    try {
      for await (const chunk of chunks) {
        size += chunk.length;
        this.addresses.charge(options.address, 0, chunk.length);
        if (size > options.maxBytes) throw options.requestTooLarge ? problem('EVIDENCE_REQUEST_TOO_LARGE') : problem('EVIDENCE_TOO_LARGE', fileName);
        if (!mimeType && head.length < SNIFF_BYTES) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]);
          if (head.length >= SNIFF_BYTES && !(mimeType = sniffMime(head))) throw problem('EVIDENCE_TYPE', fileName);
        }
        hash.update(chunk);
        await handle.write(chunk);
      }
      if (size === 0) throw problem('EVIDENCE_EMPTY', fileName);
      mimeType ??= sniffMime(head);
      if (!mimeType) throw problem('EVIDENCE_TYPE', fileName);
      await handle.close();
      return { fileName: fileName.slice(0, 200), mimeType, sha256: hash.digest('hex'), sizeBytes: size, path: file };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(file, { force: true });
      throw error;
    }
  }

  /** Removes staged files that were not stored (stored ones were moved away already). */
  async discardStaged(files: readonly StagedFile[]): Promise<void> {
    await Promise.all(files.map((file) => rm(file.path, { force: true })));
  }

  /** Refuses files that would take the case past its quota (count and bytes), counting what is stored; with none, refuses a full case. */
  async checkCaseQuota(db: Db, caseId: string, files: readonly StagedFile[]): Promise<void> {
    const stored = await db
      .selectFrom('evidence')
      .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.sum<string | number | null>('size_bytes').as('bytes')])
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    const bytes = files.reduce((sum, f) => sum + f.sizeBytes, 0);
    if (Number(stored.n) + Math.max(1, files.length) > this.limits.maxFilesPerCase || Number(stored.bytes ?? 0) + bytes > this.limits.maxBytesPerCase) throw problem('EVIDENCE_CASE_QUOTA');
  }

  /**
   * Stores staged files with their rows, in the caller's transaction (after
   * checking the case's quota there). Each stored id is pushed to `stored`
   * as soon as its file has moved, so a failed transaction can `discard` them.
   */
  async store(
    trx: Db,
    files: readonly StagedFile[],
    row: Pick<Evidence, 'case_id' | 'filed_by' | 'room_id' | 'created_at'> & { audience?: Evidence['audience'] },
    stored: string[],
  ): Promise<{ id: string; file: StagedFile }[]> {
    await this.checkCaseQuota(trx, row.case_id, files);
    const result: { id: string; file: StagedFile }[] = [];
    for (const file of files) {
      const id = randomUUID();
      await trx
        .insertInto('evidence')
        .values({ id, ...row, file_name: file.fileName, mime_type: file.mimeType, size_bytes: file.sizeBytes, sha256: file.sha256 })
        .execute();
      const target = this.pathOf(row.case_id, id);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(file.path, target);
      stored.push(id);
      result.push({ id, file });
    }
    return result;
  }

  /** Only for undoing a store whose database transaction failed. */
  async discard(caseId: string, evidenceIds: readonly string[]): Promise<void> {
    await Promise.all(evidenceIds.map((id) => rm(this.pathOf(caseId, id), { force: true })));
  }
}
