/**
 * The judicial-confirmation package a clerk takes to court: the signed
 * agreement, the recording manifest it names, and the audit log (JSON and
 * CSV), with an index of every file's SHA-256, as one ZIP archive.
 */
import { createHash } from 'node:crypto';
import { ZipFile } from 'yazl';

export interface PackageFile {
  name: string;
  data: Buffer;
}

export interface AuditRow {
  at: string;
  source: 'document' | 'case';
  action: string;
  actor: string;
  role: string;
  ip: string;
  userAgent: string;
  sha256: string;
  detail: string;
}

function csvCell(value: string): string {
  // Quote everything; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right. */
export function auditCsv(rows: AuditRow[]): string {
  const header: (keyof AuditRow)[] = ['at', 'source', 'action', 'actor', 'role', 'ip', 'userAgent', 'sha256', 'detail'];
  const lines = [header.join(','), ...rows.map((row) => header.map((key) => csvCell(row[key])).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function zipFiles(files: PackageFile[], mtime: Date): Promise<Buffer> {
  const zip = new ZipFile();
  const index = files.map((file) => ({ name: file.name, bytes: file.data.length, sha256: sha256(file.data) }));
  for (const file of files) zip.addBuffer(file.data, file.name, { mtime, mode: 0o100644 });
  zip.addBuffer(Buffer.from(`${JSON.stringify({ format: 'yunting-judicial-package/1', createdAt: mtime.toISOString(), files: index }, null, 2)}\n`), 'index.json', {
    mtime,
    mode: 0o100644,
  });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
