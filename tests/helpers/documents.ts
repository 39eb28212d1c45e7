/** A case ready for signing (accepted, assigned, a session with both parties invited), and Poppler/OpenSSL read-backs of PDFs. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { checkPdfSignature, signedBytes } from '../../server/documents/pdf/verifySignature.ts';
import { application, seedOrganisation, seedStaff, submitApplication } from './cases.ts';
import type { TestServer } from './testServer.ts';

const run = promisify(execFile);

export interface SigningCase {
  caseId: string;
  roomId: string;
  orgId: string;
  mediator: Awaited<ReturnType<typeof seedStaff>>;
  clerk: Awaited<ReturnType<typeof seedStaff>>;
  applicantToken: string;
  respondentToken: string;
}

export async function signingCase(t: TestServer, suffix = ''): Promise<SigningCase> {
  const orgId = (await seedOrganisation(t)).id;
  const clerk = await seedStaff(t, orgId, 'clerk', `doc-clerk${suffix}`);
  const mediator = await seedStaff(t, orgId, 'mediator', `doc-mediator${suffix}`);
  const submitted = await submitApplication(t, application(orgId));
  if (submitted.status !== 201) throw new Error(`application: ${JSON.stringify(submitted.body)}`);
  const cases = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  const caseId = cases.body.cases.find((c) => c.serialNumber === submitted.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
  const room = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date(Date.now() + 60_000).toISOString() }, mediator.token);
  const party = async (displayName: string, role: string) => {
    const invite = await t.api<{ token: string }>('POST', `/api/rooms/${room.body.id}/invitations`, { displayName, role }, mediator.token);
    const redeemed = await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: invite.body.token });
    return redeemed.body.partyToken;
  };
  return { caseId, roomId: room.body.id, orgId, mediator, clerk, applicantToken: await party('张三', 'applicant'), respondentToken: await party('王经理', 'respondent') };
}

export async function fetchBytes(t: TestServer, route: string, token?: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await fetch(t.url + route, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

async function withFile<T>(pdf: Buffer, work: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return await work(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pdfText(pdf: Buffer): Promise<string> {
  return withFile(pdf, async (file) => (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout);
}

/** Image rows of `pdfimages -list` (soft masks not counted). */
export function pdfImages(pdf: Buffer): Promise<{ page: number; width: number; height: number; type: string }[]> {
  return withFile(pdf, async (file) => {
    const { stdout } = await run('pdfimages', ['-list', file]);
    return stdout
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length > 5 && cols[2] === 'image')
      .map((cols) => ({ page: Number(cols[0]), width: Number(cols[3]), height: Number(cols[4]), type: cols[2]! }));
  });
}

export function pdfFonts(pdf: Buffer): Promise<string> {
  return withFile(pdf, async (file) => (await run('pdffonts', [file])).stdout);
}

/** Checks the PKCS#7 detached signature over the ByteRange with OpenSSL (`openssl cms -verify`, trusting the embedded certificate). */
export async function opensslVerify(pdf: Buffer): Promise<{ ok: boolean; output: string }> {
  const check = checkPdfSignature(pdf, []);
  if (!check.signatureDer || !check.byteRange) return { ok: false, output: 'no signature' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-cms-'));
  try {
    writeFileSync(path.join(dir, 'sig.der'), check.signatureDer);
    writeFileSync(path.join(dir, 'content.bin'), signedBytes(pdf, check.byteRange));
    const result = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'sig.der'), '-content', path.join(dir, 'content.bin'), '-noverify', '-out', '/dev/null']).then(
      (r) => ({ ok: true, output: r.stderr + r.stdout }),
      (error: { stderr?: string }) => ({ ok: false, output: String(error.stderr ?? error) }),
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Characters pdftotext reads from the PDF that no embedded font has a glyph
 * for — what a reader would draw as boxes. Empty means every one is real.
 */
export async function charactersWithoutGlyphs(pdf: Buffer): Promise<string[]> {
  const text = await pdfText(pdf);
  const doc = await PDFDocument.load(pdf);
  const covered = new Set<number>();
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream) || object.dict.get(PDFName.of('Subtype')) !== PDFName.of('OpenType')) continue;
    const font = fontkit.create(Buffer.from(inflateSync(object.contents))) as unknown as { characterSet: number[] };
    for (const code of font.characterSet) covered.add(code);
  }
  if (covered.size === 0) return ['(no embedded OpenType font)'];
  return [...new Set(text.replace(/\s/g, ''))].filter((char) => !covered.has(char.codePointAt(0)!));
}
