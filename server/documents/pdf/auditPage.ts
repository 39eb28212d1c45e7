/**
 * The audit pages appended to a signed document: what was signed (the
 * version and its SHA-256, the recording manifest's SHA-256) and every event
 * of the document with its time, who, from where (IP, device) and the hash
 * it concerns. They sit inside the bytes the PKCS#7 signature covers.
 */
import type { PDFDocument } from 'pdf-lib';
import { beijingTime } from '../text.ts';
import { A4, Flow, GREY, RULE, stampFooters, type Fonts } from './layout.ts';

export interface AuditEventLine {
  at: string;
  kind: string;
  version: number | null;
  actor: string;
  ip: string | null;
  userAgent: string | null;
  sha256: string | null;
  detail?: string;
}

export interface AuditPageInput {
  title: string;
  serialNumber: string;
  documentId: string;
  version: number;
  versionSha256: string;
  manifestSha256: string | null;
  sealedAt: string;
  certificate: string;
  events: AuditEventLine[];
}

export const eventNames: Record<string, string> = {
  created: '创建草稿',
  issued: '发送签署（生成版本）',
  viewed: '阅读',
  signed: '签名',
  voided: '签名作废（内容已修改）',
  finalised: '全部签署完成，定稿',
  consented: '劳动者确认同意',
};

export const AUDIT_TITLE = '签署审计记录';

/** Every character the audit pages draw besides the events' own text. */
export const AUDIT_FIXED_TEXT = [
  `云庭 · ${AUDIT_TITLE}`,
  ...Object.values(eventNames),
  '文书案号文书编号签署版本版本 SHA-256录像清单定稿时间电子签章证书暂无人员IP / 设备（第 版）　',
  '以下时间均为北京时间（UTC+8）。本页为文书的组成部分，与文书一并由电子签章保护。',
  '第 页 共 页',
].join('');

export function auditText(input: AuditPageInput): string {
  const parts = [input.title, input.serialNumber, input.documentId, input.versionSha256, input.manifestSha256 ?? '', input.certificate, input.sealedAt];
  for (const event of input.events) parts.push(beijingTime(event.at), event.kind, event.actor, event.ip ?? '', event.userAgent ?? '', event.sha256 ?? '', event.detail ?? '', String(event.version ?? ''));
  return parts.join('') + AUDIT_FIXED_TEXT;
}

export function appendAuditPages(doc: PDFDocument, fonts: Fonts, input: AuditPageInput): void {
  const firstAuditPage = doc.getPageCount();
  const flow = new Flow(doc, fonts, {
    margins: { top: 64, bottom: 60, left: 56, right: 56 },
    onNewPage: (page) => {
      page.drawText(`云庭 · ${AUDIT_TITLE}`, { x: 56, y: A4[1] - 40, size: 8.5, font: fonts.regular, color: GREY });
      page.drawLine({ start: { x: 56, y: A4[1] - 46 }, end: { x: A4[0] - 56, y: A4[1] - 46 }, thickness: 0.5, color: RULE });
    },
  });
  flow.newPage();
  flow.paragraph(AUDIT_TITLE, { size: 16, bold: true, align: 'center', after: 6 });
  flow.fields(
    [
      ['文书', input.title],
      ['案号', input.serialNumber],
      ['文书编号', input.documentId],
      ['签署版本', `第 ${input.version} 版`],
      ['版本 SHA-256', input.versionSha256],
      ['录像清单 SHA-256', input.manifestSha256 ?? '暂无'],
      ['定稿时间', beijingTime(input.sealedAt)],
      ['电子签章证书', input.certificate],
    ],
    { size: 9.5, labelWidth: 96 },
  );
  flow.paragraph('以下时间均为北京时间（UTC+8）。本页为文书的组成部分，与文书一并由电子签章保护。', { size: 9, color: GREY, after: 6 });
  flow.rule();

  input.events.forEach((event, i) => {
    const rows: [string, string][] = [['人员', event.actor]];
    if (event.ip || event.userAgent) rows.push(['IP / 设备', [event.ip, event.userAgent].filter(Boolean).join(' · ')]);
    if (event.sha256) rows.push(['SHA-256', event.sha256]);
    if (event.detail) rows.push(['', event.detail]);
    const heading = `${i + 1}. ${beijingTime(event.at)}　${eventNames[event.kind] ?? event.kind}${event.version ? `（第 ${event.version} 版）` : ''}`;
    flow.ensure(9.5 * 1.7 * (rows.length + 1) + 6);
    flow.paragraph(heading, { size: 9.5, bold: true, after: 0 });
    flow.fields(rows, { size: 8.5, labelWidth: 64, leading: 1.55, after: 6 });
  });

  const auditPages = doc.getPages().slice(firstAuditPage);
  stampFooters(auditPages, fonts.regular, (i, n) => ({ center: `${AUDIT_TITLE} 第 ${i + 1} 页 共 ${n} 页` }), { size: 9, margin: 56 });
}
