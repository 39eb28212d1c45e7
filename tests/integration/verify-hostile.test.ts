/**
 * /api/verify is public: anyone may post any bytes. Crafted signature slots
 * and ByteRanges get a coded answer at once and never stall the event loop
 * (a concurrent /api/health is answered while they run); a seal made with a
 * certificate named like ours but not ours is not valid, and the answer
 * says which certificate signed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../server/documents/documentService.ts';
import { signPdf } from '../../server/documents/pdf/signPdf.ts';
import { loadSigningKey } from '../../server/documents/signingKey.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // Warm up the routes, so the stall measured below is the parser's own.
  await (await fetch(`${t.url}/api/health`)).arrayBuffer();
  await verify(craftedPdf('<3000>'));
});
afterAll(async () => {
  await t?.close();
});

const pad = (n: number) => String(n).padEnd(10, ' ');

/** A PDF-looking file whose last signature dictionary has this slot and (unless given) a ByteRange that fits it. */
function craftedPdf(slot: string, byteRange?: string): Buffer {
  const head = '%PDF-1.7\n1 0 obj\n<< /Type /Sig /Contents ';
  const b = head.length;
  const c = b + slot.length;
  const tailOf = (d: number) => ` /ByteRange ${byteRange ?? `[0 ${pad(b)} ${pad(c)} ${pad(d)}]`} >>\nendobj\n%%EOF\n`;
  const d = tailOf(0).length;
  return Buffer.from(head + slot + tailOf(d), 'latin1');
}

/** DER nested `depth` times in `tag` (definite lengths), around an empty SEQUENCE. */
function nestedDer(tag: number, depth: number): Buffer {
  let der = Buffer.from([0x30, 0x00]);
  for (let i = 0; i < depth; i++) {
    const prefix = tag === 0x03 ? Buffer.from([0x00]) : Buffer.alloc(0);
    const body = Buffer.concat([prefix, der]);
    der = Buffer.concat([Buffer.from([tag, 0x82, body.length >> 8, body.length & 0xff]), body]);
  }
  return Buffer.concat([Buffer.from([0x30, 0x82, der.length >> 8, der.length & 0xff]), der]);
}

async function verify(pdf: Buffer): Promise<{ status: number; body: VerifyResult & { code?: string } }> {
  const response = await fetch(`${t.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) });
  return { status: response.status, body: (await response.json()) as VerifyResult & { code?: string } };
}

/** Runs the requests while /api/health is asked every 20 ms; returns the answers and the worst event-loop stall. */
async function whileHealthIsAsked<T>(work: () => Promise<T>): Promise<{ result: T; maxDelayMs: number; healthAnswers: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let done = false;
  let healthAnswers = 0;
  const health = (async () => {
    while (!done) {
      const response = await fetch(`${t.url}/api/health`);
      if (response.status === 200) healthAnswers++;
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const result = await work();
    return { result, maxDelayMs: histogram.max / 1e6, healthAnswers };
  } finally {
    done = true;
    histogram.disable();
    await health;
  }
}

describe('hostile input to /api/verify', () => {
  it('answers a slot of hex zeros (the old quadratic trim) at once, while health checks go on', async () => {
    // ~60 KB of zeros then one other digit: the old /(00)+$/ trim backtracked over all of it from every position.
    const pdf = craftedPdf(`<${'0'.repeat(60_000)}1>`);
    const { result, maxDelayMs, healthAnswers } = await whileHealthIsAsked(() => verify(pdf));
    expect(result.status).toBe(200);
    expect(result.body.signature).toMatchObject({ present: true, valid: false, problem: 'SIGNATURE_CONTENTS_INVALID' });
    expect(healthAnswers).toBeGreaterThan(0);
    expect(maxDelayMs).toBeLessThan(500);
  });

  it('answers every crafted range and slot with a code, without stalling', async () => {
    const cases: { name: string; pdf: Buffer; problem: string }[] = [
      { name: '1 MB of hex zeros', pdf: craftedPdf(`<${'0'.repeat(1024 * 1024)}1>`), problem: 'BYTE_RANGE_INVALID' },
      { name: 'a range past the end', pdf: craftedPdf('<3000>', '[0 10 20 999999999]'), problem: 'BYTE_RANGE_INVALID' },
      { name: 'ranges out of order', pdf: craftedPdf('<3000>', '[0 40 20 5]'), problem: 'BYTE_RANGE_INVALID' },
      { name: 'a huge number', pdf: craftedPdf('<3000>', '[0 99999999999999999999999 1 1]'), problem: 'BYTE_RANGE_INVALID' },
      { name: 'a negative number', pdf: craftedPdf('<3000>', '[-1 10 20 5]'), problem: 'BYTE_RANGE_INVALID' },
      { name: 'too few numbers', pdf: craftedPdf('<3000>', '[0 10 20]'), problem: 'BYTE_RANGE_INVALID' },
      { name: 'not hex', pdf: craftedPdf(`<${'zz'.repeat(1000)}>`), problem: 'SIGNATURE_CONTENTS_INVALID' },
      { name: 'an indefinite length', pdf: craftedPdf(`<3080${'00'.repeat(1000)}>`), problem: 'SIGNATURE_CONTENTS_INVALID' },
      { name: 'a length beyond the slot', pdf: craftedPdf(`<3084ffffffff${'00'.repeat(1000)}>`), problem: 'SIGNATURE_CONTENTS_INVALID' },
      { name: 'deeply nested sequences', pdf: craftedPdf(`<${nestedDer(0x30, 7000).toString('hex')}>`), problem: 'SIGNATURE_UNREADABLE' },
      { name: 'deeply nested bit strings', pdf: craftedPdf(`<${nestedDer(0x03, 7000).toString('hex')}>`), problem: 'SIGNATURE_UNREADABLE' },
      {
        name: 'thousands of /ByteRange keys',
        pdf: Buffer.concat([craftedPdf('<3000>'), Buffer.from(' /ByteRange ['.repeat(50_000), 'latin1')]),
        problem: 'BYTE_RANGE_INVALID',
      },
    ];
    const { result, maxDelayMs, healthAnswers } = await whileHealthIsAsked(async () => {
      const answers = [];
      for (const c of cases) answers.push(await verify(c.pdf));
      return answers;
    });
    result.forEach((answer, i) => {
      expect(answer.status, cases[i]!.name).toBe(200);
      expect(answer.body.registered, cases[i]!.name).toBe(false);
      expect(answer.body.signature, cases[i]!.name).toMatchObject({ present: true, valid: false, problem: cases[i]!.problem });
    });
    expect(healthAnswers).toBeGreaterThan(0);
    expect(maxDelayMs).toBeLessThan(500);
  });

  it('refuses what is not a PDF with a code', async () => {
    const answer = await verify(Buffer.from('<html>not a pdf</html>'));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('NOT_PDF');
  });
});

describe('which certificate sealed the file', () => {
  async function sealedWith(dataDir: string): Promise<{ pdf: Buffer; fingerprint: string; subject: string }> {
    const key = loadSigningKey({ dataDir });
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText('Mediation agreement');
    const pdf = await signPdf(doc, key, { reason: 'Sealed', location: 'CN', signingTime: new Date() });
    return { pdf, fingerprint: key.fingerprint, subject: key.subject };
  }

  it('a self-signed certificate named like ours is not ours and not valid', async () => {
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-other-key-'));
    try {
      const ours = await sealedWith(t.dataDir);
      const forged = await sealedWith(otherDir);
      // Same name, different certificate.
      expect(forged.subject).toBe(ours.subject);
      expect(forged.fingerprint).not.toBe(ours.fingerprint);

      const bad = await verify(forged.pdf);
      expect(bad.status).toBe(200);
      expect(bad.body.signature).toMatchObject({
        present: true,
        intact: true,
        valid: false,
        problem: 'CERTIFICATE_NOT_OURS',
        certificate: { subject: forged.subject, fingerprint: forged.fingerprint, ours: false },
      });

      const good = await verify(ours.pdf);
      expect(good.body.signature).toMatchObject({
        present: true,
        intact: true,
        valid: true,
        problem: null,
        certificate: { subject: ours.subject, fingerprint: ours.fingerprint, ours: true },
      });
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
