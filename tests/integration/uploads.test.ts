/**
 * Evidence uploads against the real server: a session-evidence upload that
 * may not be made is refused before its body is read (the answer arrives
 * while the client is still sending, and nothing is left on disk); files are
 * streamed to disk, not held in memory (the server's memory does not grow by
 * the upload's size); an oversize file, a case over its quota and an address
 * over its quota are refused with a code and store nothing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEvidenceLimits } from '../../server/cases/evidenceFiles.ts';
import type { EvidenceLimits } from '../../server/config.ts';
import { application, residentId, seedOrganisation, submitApplication, tinyPng } from '../helpers/cases.ts';
import { signingCase, type SigningCase } from '../helpers/documents.ts';
import { connect, joinRoom, type ClientSocket } from '../helpers/signallingClient.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

const run = promisify(execFile);
v8.setFlagsFromString('--expose-gc');
/** A young-generation collection (fast), so what is measured is memory held, not received chunks not yet collected. */
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major'; execution?: 'sync' }) => void;
const MB = 1024 * 1024;

/** A PNG-typed file of `bytes` bytes. */
const pngOf = (bytes: number) => Buffer.concat([tinyPng, Buffer.alloc(bytes - tinyPng.length, 7)]);

/** Every file under the evidence directory (staged or stored), relative to it. */
function evidenceFiles(t: TestServer): string[] {
  const root = path.join(t.dataDir, 'evidence');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

async function evidenceRows(t: TestServer, caseId: string): Promise<number> {
  const row = await t.server.db.selectFrom('evidence').select((eb) => eb.fn.countAll<string | number>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function shareEvidence(t: TestServer, roomId: string, token: string, files: { name: string; data: Buffer }[]) {
  const form = new FormData();
  for (const file of files) form.append('evidence', new Blob([new Uint8Array(file.data)], { type: 'image/png' }), file.name);
  const response = await fetch(`${t.url}/api/rooms/${roomId}/evidence`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { code?: string; evidence?: { id: string; sizeBytes: number }[] } };
}

/**
 * Sends a multipart body of `total` bytes slowly (256 KB at a time) and
 * stops once an answer arrives: how much had been sent by then, and the answer.
 */
function slowUpload(url: string, token: string | undefined, total: number): Promise<{ status: number; sentWhenAnswered: number; body: string }> {
  const boundary = 'yunting-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(total), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    req.on('response', (response) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        req.destroy();
        resolve({ status: response.statusCode ?? 0, sentWhenAnswered, body });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      req.write(Buffer.concat([head, tinyPng]));
      sent = head.length + tinyPng.length;
      const chunk = Buffer.alloc(256 * 1024, 7);
      while (!answered && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) await new Promise((resolve) => req.once('drain', resolve));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })().catch(() => undefined);
  });
}

let t: TestServer;
let c: SigningCase;
let host: ClientSocket;
const limits: EvidenceLimits = { ...defaultEvidenceLimits, maxFileBytes: 10 * MB, maxFilesPerCase: 6 };

beforeAll(async () => {
  t = await startTestServer({ evidence: limits });
  c = await signingCase(t);
  // The mediator is in the session (so may share); the parties have not joined.
  host = await connect(t.url, { token: c.mediator.token, roomId: c.roomId });
  await joinRoom(host);
});
afterAll(async () => {
  host?.close();
  await t?.close();
});

describe('session evidence', () => {
  it('is refused before its body is read when it may not be shared, leaving nothing behind', async () => {
    const before = await evidenceRows(t, c.caseId);
    const total = 40 * MB;
    // A party that has not joined (and been admitted) may not share.
    const refused = await slowUpload(`${t.url}/api/rooms/${c.roomId}/evidence`, c.applicantToken, total);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.sentWhenAnswered).toBeLessThan(total / 2);
    // No token at all.
    const anonymous = await slowUpload(`${t.url}/api/rooms/${c.roomId}/evidence`, undefined, total);
    expect(anonymous.status).toBe(401);
    expect(anonymous.sentWhenAnswered).toBeLessThan(total / 2);
    expect(evidenceFiles(t)).toEqual([]);
    expect(await evidenceRows(t, c.caseId)).toBe(before);
  });

  it('streams a shared file to disk with its hash', async () => {
    const data = pngOf(3 * MB);
    const shared = await shareEvidence(t, c.roomId, c.mediator.token, [{ name: '工资条.png', data }]);
    expect(shared.status).toBe(201);
    const [evidence] = shared.body.evidence!;
    expect(evidence!.sizeBytes).toBe(data.length);
    const stored = readFileSync(path.join(t.dataDir, 'evidence', c.caseId, evidence!.id));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(evidenceFiles(t)).toEqual([path.join(c.caseId, evidence!.id)]);
  });

  it('refuses an oversize file and stores nothing of the request', async () => {
    const before = { rows: await evidenceRows(t, c.caseId), files: evidenceFiles(t) };
    const tooBig = await shareEvidence(t, c.roomId, c.mediator.token, [
      { name: 'ok.png', data: pngOf(MB) },
      { name: 'big.png', data: pngOf(limits.maxFileBytes + 1) },
    ]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('EVIDENCE_TOO_LARGE');
    const wrongType = await shareEvidence(t, c.roomId, c.mediator.token, [{ name: 'x.exe', data: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2 * MB)]) }]);
    expect(wrongType.status).toBe(415);
    expect(await evidenceRows(t, c.caseId)).toBe(before.rows);
    expect(evidenceFiles(t)).toEqual(before.files);
  });

  it('refuses what would take the case over its quota', async () => {
    const stored = await evidenceRows(t, c.caseId);
    const room = limits.maxFilesPerCase - stored;
    const fill = await shareEvidence(t, c.roomId, c.mediator.token, Array.from({ length: room - 1 }, (_, i) => ({ name: `${i}.png`, data: tinyPng })));
    expect(fill.status).toBe(201);
    const over = await shareEvidence(t, c.roomId, c.mediator.token, [{ name: 'a.png', data: tinyPng }, { name: 'b.png', data: tinyPng }]);
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('EVIDENCE_CASE_QUOTA');
    expect(await evidenceRows(t, c.caseId)).toBe(limits.maxFilesPerCase - 1);
    // A full case is refused before the body is read.
    expect((await shareEvidence(t, c.roomId, c.mediator.token, [{ name: 'c.png', data: tinyPng }])).status).toBe(201);
    const full = await slowUpload(`${t.url}/api/rooms/${c.roomId}/evidence`, c.mediator.token, 40 * MB);
    expect(full.status).toBe(409);
    expect(full.sentWhenAnswered).toBeLessThan(20 * MB);
    expect(evidenceFiles(t).filter((file) => file.startsWith('.incoming'))).toEqual([]);
  });
});

describe('application evidence', () => {
  it('is streamed: a 10 MB upload does not grow the server by its size', async () => {
    const orgId = (await seedOrganisation(t, '深圳市福田区劳动人事争议调解中心')).id;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-upload-'));
    try {
      const big = path.join(dir, 'big.png');
      writeFileSync(big, pngOf(limits.maxFileBytes));
      const body = (n: number) => {
        const file = path.join(dir, `form-${n}.json`);
        writeFileSync(file, JSON.stringify(application(orgId, { applicant: { ...application(orgId).applicant, name: `申请人${n}`, idNumber: residentId(100 + n) } })));
        return file;
      };
      // curl in its own process, so only the server's memory is in this one.
      const upload = (n: number) =>
        run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-F', `application=<${body(n)}`, '-F', `evidence=@${big};type=image/png`, `${t.url}/api/applications`]).then((r) => r.stdout);
      expect(await upload(1)).toBe('201'); // warm up every path once
      gc();
      const base = process.memoryUsage();
      let peak = { rss: 0, arrayBuffers: 0 };
      const sampler = setInterval(() => {
        gc({ type: 'minor', execution: 'sync' });
        const now = process.memoryUsage();
        peak = { rss: Math.max(peak.rss, now.rss - base.rss), arrayBuffers: Math.max(peak.arrayBuffers, now.arrayBuffers - base.arrayBuffers) };
      }, 5);
      try {
        expect(await upload(2)).toBe('201');
      } finally {
        clearInterval(sampler);
      }
      // Buffered, the file alone was held whole (20 MB while concatenated); streamed, a few chunks are.
      expect(peak.arrayBuffers).toBeLessThan(4 * MB);
      // RSS keeps the allocator's high-water mark from the warm-up, so it only bounds: it must not grow by the file's size.
      expect(peak.rss).toBeLessThan(8 * MB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an address over its quota and stores nothing', async () => {
    const small = await startTestServer({ evidence: { ...defaultEvidenceLimits, maxFilesPerAddress: 3 } });
    try {
      const orgId = (await seedOrganisation(small)).id;
      const first = await submitApplication(small, application(orgId), [{ name: 'a.png', data: tinyPng }, { name: 'b.png', data: tinyPng }]);
      expect(first.status).toBe(201);
      const cases = async () => Number((await small.server.db.selectFrom('cases').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await cases();
      const second = await submitApplication(
        small,
        application(orgId, { applicant: { ...application(orgId).applicant, name: '李四', idNumber: '44030519900101123X' } }),
        [{ name: 'c.png', data: tinyPng }, { name: 'd.png', data: tinyPng }],
      );
      expect(second.status).toBe(429);
      expect(second.body.code).toBe('EVIDENCE_ADDRESS_QUOTA');
      expect(await cases()).toBe(before);
      expect(evidenceFiles(small)).toHaveLength(2);
    } finally {
      await small.close();
    }
  });
});
