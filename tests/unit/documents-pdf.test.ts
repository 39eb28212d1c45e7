/**
 * The PDF pipeline without a server: each document builder's text, long
 * text wrapping onto more pages with "第 x 页 共 y 页", signatures put in
 * their places, the audit pages, the PKCS#7 seal (checked by our reader and
 * by OpenSSL) and what a single changed byte does to it; the signature-image
 * check; the signing certificate from configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVersion, sealFinal } from '../../server/documents/pdf/documentPdf.ts';
import { checkSignatureImage, inspectSignatureImage } from '../../server/documents/pdf/signatureImage.ts';
import { checkPdfSignature } from '../../server/documents/pdf/verifySignature.ts';
import type { RenderedDocument } from '../../server/documents/pdf/renderDocument.ts';
import { loadSigningKey, makeDevelopmentP12, type SigningKey } from '../../server/documents/signingKey.ts';
import { charactersWithoutGlyphs, opensslVerify, pdfImages, pdfText } from '../helpers/documents.ts';
import { sampleFacts, sampleTerms } from '../helpers/documentFacts.ts';
import { scribblePng } from '../helpers/signaturePng.ts';

const flat = (text: string) => text.replace(/\s+/g, '');
const facts = sampleFacts();
let dataDir: string;
let key: SigningKey;
let agreement: RenderedDocument;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-pdf-unit-'));
  key = loadSigningKey({ dataDir });
  agreement = await renderVersion({ kind: 'mediation_agreement', facts, terms: sampleTerms(facts, 2), signers: ['applicant', 'applicant_agent', 'respondent', 'host'], versionLabel: '第 3 版', createdAt: new Date('2026-05-01T07:00:00Z') });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('documents', () => {
  it('the mediation agreement says what the case and the terms say', async () => {
    const text = flat(await pdfText(Buffer.from(agreement.bytes)));
    for (const expected of [
      '劳动人事争议调解协议书',
      '案号：440305-20260501-0007',
      '张三，公民身份号码11010519491231002X',
      '四川省达州市通川区西外镇凤凰大道188号',
      '委托代理人李律师',
      '统一社会信用代码91350100M000100Y43',
      '调解员李调解员',
      '支付未签订书面劳动合同二倍工资差额',
      '2026年5月1日14时03分',
      `录像清单SHA-256为${facts.recording!.manifestSha256}`,
      '被申请人于2026年5月10日前以银行转账方式向申请人支付2025年8月至10月拖欠工资，计人民币8,000.00元（大写：捌仟元整）',
      '四、履行条款',
      '支付令',
      '申请人（签名）',
      '第3版',
      `第1页共${agreement.pages}页`,
    ]) {
      expect(text, expected).toContain(expected);
    }
    // The places to sign: one per signer, on the page, the host's last.
    expect(agreement.slots.map((s) => s.slot)).toEqual(['applicant', 'applicant_agent', 'respondent', 'host']);
    for (const slot of agreement.slots) {
      expect(slot.x).toBeGreaterThan(0);
      expect(slot.y).toBeGreaterThan(40);
      expect(slot.page).toBeLessThan(agreement.pages);
    }
  });

  it('the rights confirmation and the hearing record', async () => {
    const rights = flat(await pdfText(Buffer.from((await renderVersion({ kind: 'arbitration_rights', facts, terms: { ...sampleTerms(facts, 0), waiveDefencePeriod: true }, signers: ['applicant', 'respondent', 'host'], versionLabel: '第 1 版', createdAt: new Date() })).bytes)));
    for (const expected of ['劳动人事争议仲裁简易程序权利义务确认书', '独任审理', '申请回避', '自愿放弃答辩期', '仲裁员（签名）']) expect(rights, expected).toContain(expected);
    const record = flat(await pdfText(Buffer.from((await renderVersion({ kind: 'hearing_record', facts, terms: { ...sampleTerms(facts, 0), hearingNotes: '被申请人对欠薪数额无异议。' }, signers: ['applicant', 'respondent', 'host'], versionLabel: '第 1 版', createdAt: new Date() })).bytes)));
    for (const expected of ['庭审笔录摘要', '开庭及身份核对', '2026-05-0114:05:00', '调解结案：双方当庭达成调解协议', '王经理', '已核验', '赔偿擅自离职造成的损失', '被申请人对欠薪数额无异议。', '网络连接较差或中断', '网络较差', '14:20:00—2026-05-0114:21:30', '90秒']) {
      expect(record, expected).toContain(expected);
    }
  });

  it('long terms wrap and run onto numbered pages', async () => {
    const terms = sampleTerms(facts, 20);
    terms.facts = '申请人主张被申请人长期拖欠工资并未依法缴纳社会保险费，'.repeat(40);
    const long = await renderVersion({ kind: 'mediation_agreement', facts, terms, signers: ['applicant', 'respondent', 'host'], versionLabel: '第 1 版', createdAt: new Date() });
    expect(long.pages).toBeGreaterThanOrEqual(3);
    const text = flat(await pdfText(Buffer.from(long.bytes)));
    for (let page = 1; page <= long.pages; page++) expect(text).toContain(`第${page}页共${long.pages}页`);
    expect(text).toContain('20.被申请人');
  });
});

describe('sealing', () => {
  let sealed: Buffer;
  const now = '2026-05-01T07:30:00.000Z';
  beforeAll(async () => {
    const signers = ['张三', '李律师', '王经理', '李调解员'];
    sealed = await sealFinal({
      versionPdf: agreement.bytes,
      slots: agreement.slots,
      signatures: agreement.slots.map((slot, i) => ({ slot: slot.slot, png: scribblePng(360, 140, i + 1), signerName: signers[i]!, signedAt: now })),
      key,
      reason: 'Yunting test',
      audit: {
        title: '劳动人事争议调解协议书',
        serialNumber: facts.serialNumber,
        documentId: 'doc-1',
        version: 3,
        versionSha256: 'a'.repeat(64),
        manifestSha256: facts.recording!.manifestSha256,
        sealedAt: now,
        certificate: key.subject,
        events: [
          { at: '2026-05-01T07:00:00.000Z', kind: 'issued', version: 3, actor: '李调解员（调解员）', ip: '10.1.2.3', userAgent: 'Mozilla/5.0 (Macintosh)', sha256: 'a'.repeat(64) },
          { at: '2026-05-01T07:10:00.000Z', kind: 'signed', version: 3, actor: '张三（申请人）', ip: '10.1.2.4', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', sha256: 'a'.repeat(64), detail: `签名图像 SHA-256 ${'b'.repeat(64)}` },
        ],
      },
    });
  });

  it('puts every signature in place and appends the audit pages', async () => {
    expect((await pdfImages(sealed)).length).toBe(4);
    expect(await charactersWithoutGlyphs(sealed)).toEqual([]);
    const text = flat(await pdfText(sealed));
    for (const expected of ['签署审计记录', '张三签于2026-05-0115:30:00', 'a'.repeat(64), 'b'.repeat(64), '10.1.2.4', 'iPhone', '2026-05-0115:10:00', '签名（第3版）', '签署审计记录第1页共1页']) {
      expect(text, expected).toContain(expected);
    }
  });

  it('carries a PKCS#7 detached signature over the whole file', async () => {
    const check = checkPdfSignature(sealed, [key.fingerprint]);
    expect(check).toMatchObject({ present: true, valid: true, coversWholeFile: true, signedAt: now });
    expect(check.signer).toBe(key.subject);
    expect(sealed.toString('latin1')).toMatch(/\/Filter\s*\/Adobe\.PPKLite[\s\S]*\/SubFilter\s*\/adbe\.pkcs7\.detached/);
    expect((await opensslVerify(sealed)).ok).toBe(true);
  });

  it('one changed byte breaks it', async () => {
    const changed = Buffer.from(sealed);
    const at = 2000;
    changed.writeUInt8(changed.readUInt8(at) ^ 0x01, at);
    expect(checkPdfSignature(changed, [key.fingerprint]).valid).toBe(false);
    expect((await opensslVerify(changed)).ok).toBe(false);
    expect(checkPdfSignature(Buffer.from(agreement.bytes), [key.fingerprint]).present).toBe(false);
  });
});

describe('signature images and the signing certificate', () => {
  it('takes a drawn PNG and refuses a blank pad or anything else', () => {
    expect(checkSignatureImage(scribblePng()).ink).toBeGreaterThan(1000);
    expect(() => checkSignatureImage(scribblePng(360, 140, 1, true))).toThrow(/sign in the box/);
    expect(() => inspectSignatureImage(Buffer.from('GIF89a not a png at all, long enough to be read as one...........'))).toThrow(/not a PNG/);
    expect(() => inspectSignatureImage(scribblePng(5000, 20))).toThrow();
  });

  it('reads a configured PKCS#12 file and refuses a wrong password', () => {
    const file = path.join(dataDir, 'org.p12');
    writeFileSync(file, makeDevelopmentP12('s3cret'));
    const configured = loadSigningKey({ dataDir, p12File: file, p12Password: 's3cret' });
    expect(configured.development).toBe(false);
    expect(configured.subject).toContain('CN=Yunting development document signing');
    expect(() => loadSigningKey({ dataDir, p12File: file, p12Password: 'wrong' })).toThrow();
    // The development key is made once and reused.
    expect(loadSigningKey({ dataDir }).fingerprint).toBe(key.fingerprint);
  });
});
