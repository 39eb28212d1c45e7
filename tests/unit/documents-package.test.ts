/** The judicial-confirmation package: a ZIP any unzip reads, with an index of hashes, and an audit CSV spreadsheets open in Chinese. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { auditCsv, sha256, zipFiles } from '../../server/documents/judicialPackage.ts';

const run = promisify(execFile);

describe('judicial-confirmation package', () => {
  it('zips the files with an index of their SHA-256', async () => {
    const pdf = Buffer.from('%PDF-1.7\n%test\n');
    const manifest = Buffer.from('{"format":"yunting-recording-manifest/1"}\n');
    const zip = await zipFiles(
      [
        { name: '440305-20260501-0007-mediation_agreement.pdf', data: pdf },
        { name: 'recording-manifest.json', data: manifest },
      ],
      new Date('2026-05-01T08:00:00Z'),
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-zip-unit-'));
    try {
      const file = path.join(dir, 'p.zip');
      writeFileSync(file, zip);
      await run('unzip', ['-t', file]);
      const index = JSON.parse((await run('unzip', ['-p', file, 'index.json'])).stdout) as { files: { name: string; sha256: string; bytes: number }[] };
      expect(index.files).toEqual([
        { name: '440305-20260501-0007-mediation_agreement.pdf', bytes: pdf.length, sha256: sha256(pdf) },
        { name: 'recording-manifest.json', bytes: manifest.length, sha256: sha256(manifest) },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the audit log as CSV with a byte-order mark, quoted, formulas neutralised', () => {
    const csv = auditCsv([
      { at: '2026-05-01T07:10:00.000Z', source: 'document', action: 'signed', actor: '张三', role: 'applicant', ip: '10.0.0.2', userAgent: 'Mozilla/5.0 "iPhone"', sha256: 'ab', detail: '=HYPERLINK("x")' },
    ]);
    expect(csv.startsWith('\uFEFFat,source,action')).toBe(true);
    expect(csv).toContain('"张三"');
    expect(csv).toContain('"Mozilla/5.0 ""iPhone"""');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
