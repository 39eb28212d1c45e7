/**
 * At server start, in the background: the CJK faces loaded and parsed by
 * HarfBuzz (prepareFonts), then one throw-away document drawn through every
 * step a real one takes — layout, fonts, a table, signature places, a
 * signature image put in place, reloaded and saved — so the code is loaded
 * and compiled and the first signing after a start costs what later ones do.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import type { DocumentContent } from '../content.ts';
import { saveFinished } from './embedFont.ts';
import { embedFonts, prepareFonts, type FontFiles } from './fonts.ts';
import { embedSignaturePng } from './pngImage.ts';
import { renderDocument } from './renderDocument.ts';

/** A 40 × 20 RGBA PNG with a diagonal stroke. */
function strokePng(): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body, Buffer.alloc(4)]); // CRC unchecked by the decoder
  };
  const width = 40;
  const height = 20;
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) raw.fill(255, y * (1 + width * 4) + 1 + 2 * y * 4, y * (1 + width * 4) + 1 + (2 * y + 2) * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const sample: DocumentContent = {
  kind: 'mediation_agreement',
  title: '劳动人事争议调解协议书',
  organisation: '云庭劳动人事争议调解中心',
  serialNumber: '预热-0001',
  meta: [['案号', '预热-0001']],
  blocks: [
    { type: 'heading', text: '一、调解事项' },
    { type: 'paragraph', text: '申请人与被申请人因劳动报酬发生争议，经调解自愿达成如下协议。', indent: true },
    { type: 'fields', rows: [['申请人', '张三'], ['被申请人', '某某建筑工程有限公司']] },
    { type: 'table', columns: [{ title: '项目', width: 0.6 }, { title: '金额（元）', width: 0.4, align: 'right' }], rows: [['工资', '12,000.00']] },
    { type: 'note', text: '本协议自双方签字之日起生效。' },
  ],
  closing: '双方确认以上内容。',
  signatures: [
    { slot: 'applicant', label: '申请人', name: '张三' },
    { slot: 'host', label: '调解员', name: '李调解员' },
  ],
};

export async function prepareDocuments(files?: FontFiles): Promise<void> {
  await prepareFonts(files);
  const rendered = await renderDocument(sample, { versionLabel: '第 1 版', createdAt: new Date(), ...(files ? { fonts: files } : {}) });
  const doc = await PDFDocument.load(rendered.bytes, { updateMetadata: false });
  const fonts = await embedFonts(doc, { regular: '张三 签于 2026', bold: '审计' }, files);
  const image = await embedSignaturePng(doc, strokePng());
  doc.getPages()[0]!.drawImage(image, { x: 100, y: 100, width: 40, height: 20 });
  doc.getPages()[0]!.drawText('张三 签于 2026', { x: 100, y: 90, size: 8, font: fonts.regular });
  await saveFinished(doc, { useObjectStreams: false });
}
