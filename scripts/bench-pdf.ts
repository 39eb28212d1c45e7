/**
 * bench:pdf — builds a three-page mediation agreement and seals it (four
 * drawn signatures put in place, audit page, PKCS#7 with a development
 * certificate), as the server does when the mediator signs last. Prepares the
 * fonts as the server does when it starts (prepareDocuments), then prints the cold
 * first run after that start and the median of five warm runs; the last line is
 * `agreement_ms=<n> agreement_kb=<n> agreement_cold_ms=<n>` (warm median, size
 * of the sealed PDF, first run).
 * Usage: npm run bench:pdf
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderVersion, sealFinal } from '../server/documents/pdf/documentPdf.ts';
import { prepareDocuments } from '../server/documents/pdf/prepare.ts';
import { loadSigningKey } from '../server/documents/signingKey.ts';
import { sampleFacts, sampleTerms } from '../tests/helpers/documentFacts.ts';
import { scribblePng } from '../tests/helpers/signaturePng.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-bench-pdf-'));
try {
  const key = loadSigningKey({ dataDir });
  const facts = sampleFacts();
  const terms = sampleTerms(facts, 12);
  terms.facts = '申请人于2025年3月入职被申请人处从事钢筋工工作，双方未签订书面劳动合同。2025年8月至10月的工资至今未发放，被申请人亦未依法为申请人缴纳社会保险费。'.repeat(3);
  const signers = ['applicant', 'applicant_agent', 'respondent', 'host'] as const;
  const names = ['张三', '李律师', '王经理', '李调解员'];

  const once = async () => {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const version = await renderVersion({ kind: 'mediation_agreement', facts, terms, signers, versionLabel: '第 1 版', createdAt: new Date() });
    const now = new Date().toISOString();
    const sealed = await sealFinal({
      versionPdf: version.bytes,
      slots: version.slots,
      signatures: version.slots.map((slot, i) => ({ slot: slot.slot, png: scribblePng(600, 220, i + 1), signerName: names[i]!, signedAt: now })),
      key,
      reason: 'Yunting bench',
      audit: {
        title: '劳动人事争议调解协议书',
        serialNumber: facts.serialNumber,
        documentId: '00000000-0000-4000-8000-00000000bench',
        version: 1,
        versionSha256: 'f'.repeat(64),
        manifestSha256: facts.recording!.manifestSha256,
        sealedAt: now,
        certificate: key.subject,
        events: names.map((name, i) => ({ at: now, kind: 'signed', version: 1, actor: name, ip: `10.0.0.${i + 2}`, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148', sha256: 'f'.repeat(64) })),
      },
    });
    const cpu = process.cpuUsage(cpuStarted);
    return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, pages: version.pages, versionBytes: version.bytes.length, bytes: sealed.length };
  };

  const preparing = performance.now();
  await prepareDocuments();
  console.log(`documents prepared (at server start, in the background): ${(performance.now() - preparing).toFixed(0)} ms`);
  const cold = await once();
  console.log(`cold (first signing after the start): ${cold.ms.toFixed(0)} ms (CPU ${cold.cpuMs.toFixed(0)} ms), ${cold.pages} pages, version ${(cold.versionBytes / 1024).toFixed(1)} KiB, sealed ${(cold.bytes / 1024).toFixed(1)} KiB`);
  if (cold.pages !== 3) console.log(`note: the agreement came out at ${cold.pages} pages`);
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const run = await once();
    runs.push(run);
    console.log(`run ${i + 1}: ${run.ms.toFixed(0)} ms (CPU ${run.cpuMs.toFixed(0)} ms)`);
  }
  const median = [...runs].sort((a, b) => a.ms - b.ms)[2]!;
  console.log(`agreement_ms=${Math.round(median.ms)} agreement_kb=${Math.round(median.bytes / 1024)} agreement_cold_ms=${Math.round(cold.ms)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
