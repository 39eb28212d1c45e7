/**
 * Every sealed document kind (mediation agreement, simplified-procedure
 * confirmation, hearing record) prints the organisation's name and the date
 * at the end, and the final stamps the seal there, inside the bytes the
 * PKCS#7 signature covers: Poppler's rendering shows the seal's red in its
 * place and nowhere else; without a seal image, no red at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVersion, sealFinal } from '../../server/documents/pdf/documentPdf.ts';
import { checkPdfSignature } from '../../server/documents/pdf/verifySignature.ts';
import { loadSigningKey, type SigningKey } from '../../server/documents/signingKey.ts';
import type { DocumentKind } from '../../server/store/schema.ts';
import { pdfText } from '../helpers/documents.ts';
import { sampleFacts, sampleTerms } from '../helpers/documentFacts.ts';
import { pdfPagePixels, redPixels } from '../helpers/pdfPixels.ts';
import { SEAL_RED, sealPng } from '../helpers/sealPng.ts';
import { scribblePng } from '../helpers/signaturePng.ts';

const facts = sampleFacts();
let dataDir: string;
let key: SigningKey;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-seal-unit-'));
  key = loadSigningKey({ dataDir });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function sealed(kind: DocumentKind, seal: Buffer | undefined) {
  const version = await renderVersion({ kind, facts, terms: sampleTerms(facts, 1), signers: ['applicant', 'respondent', 'host'], versionLabel: '第 1 版', createdAt: new Date('2026-05-01T07:00:00Z') });
  const slots = [...version.slots, version.sealPlace];
  const now = '2026-05-01T07:30:00.000Z';
  const pdf = await sealFinal({
    versionPdf: version.bytes,
    slots,
    signatures: version.slots.map((slot, i) => ({ slot: slot.slot, png: scribblePng(360, 140, i + 1), signerName: `签名人${i}`, signedAt: now })),
    key,
    seal,
    reason: 'Yunting test',
    audit: { title: kind, serialNumber: facts.serialNumber, documentId: 'doc-1', version: 1, versionSha256: 'a'.repeat(64), manifestSha256: null, sealedAt: now, certificate: key.subject, events: [] },
  });
  return { pdf, place: version.sealPlace };
}

describe.each(['mediation_agreement', 'arbitration_rights', 'hearing_record'] as const)('the seal on the %s', (kind) => {
  it('stamps the seal over the organisation name and date, inside the signature', async () => {
    const { pdf, place } = await sealed(kind, sealPng(300));
    expect(checkPdfSignature(pdf, [key.fingerprint])).toMatchObject({ valid: true, coversWholeFile: true });
    const page = await pdfPagePixels(pdf, place.page + 1, 72);
    const inPlace = redPixels(page, place, 72, SEAL_RED);
    expect(inPlace.share).toBeGreaterThan(0.15);
    expect(redPixels(page, { x: 0, y: 0, width: 595, height: 842 }, 72, SEAL_RED).count).toBe(inPlace.count);
    const text = (await pdfText(pdf)).replace(/\s+/g, '');
    expect(text).toContain(`${facts.organisation.name}2026年5月1日`);
  });

  it('draws no image without a seal (sealed digitally only)', async () => {
    const { pdf, place } = await sealed(kind, undefined);
    expect(checkPdfSignature(pdf, [key.fingerprint]).valid).toBe(true);
    const page = await pdfPagePixels(pdf, place.page + 1, 72);
    expect(redPixels(page, { x: 0, y: 0, width: 595, height: 842 }, 72, SEAL_RED).count).toBe(0);
  });
});
