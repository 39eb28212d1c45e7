/**
 * kill -9 of the server while the host's final signature is being sealed
 * (the real server in its own process, signed through the HTTP API): after
 * a restart every signature the API acknowledged is still there, and the
 * document is either sealed (its final PDF is registered and verifies) or
 * still waits for the host, whose signature then seals it. No half-written
 * file is left or served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentView, VerifyResult } from '../../server/documents/documentService.ts';
import Database from 'better-sqlite3';
import { signingCase } from '../helpers/documents.ts';
import { connect, joinRoom } from '../helpers/signallingClient.ts';
import { scribblePng } from '../helpers/signaturePng.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { freePort } from '../helpers/freePort.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-signcrash-'));
const password = 'sign-crash-password';
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The real server as its own process on SQLite in `dataDir`; resolves with a client for its HTTP API. */
async function startServer(port: number): Promise<TestServer> {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      TLS: 'off',
      DATA_DIR: dataDir,
      RECORDINGS_DIR: path.join(dataDir, 'recordings'),
      RTC_PORT: '0',
      RTC_ANNOUNCED_IP: '127.0.0.1',
      MEDIASOUP_WORKERS: '1',
      ADMIN_PASSWORD: password,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(method: string, route: string, body?: unknown, token?: string) => {
    const response = await fetch(url + route, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  // Up to 90 s: tsx compiles the whole server on start, slow on a loaded 2-core machine.
  for (let i = 0; i < 450; i++) {
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) {
      const login = await api<{ token: string }>('POST', '/api/auth/login', { username: 'admin', password });
      return { url, api, staffToken: login.body.token } as TestServer;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not start');
}

async function kill(): Promise<void> {
  const dying = child!;
  if (dying.exitCode !== null || dying.signalCode !== null) return;
  const exited = new Promise((resolve) => dying.once('exit', resolve));
  dying.kill('SIGKILL');
  await exited;
}

const sign = (t: TestServer, id: string, token: string, view: DocumentView, seed: number) =>
  t.api<DocumentView & { code?: string }>('POST', `/api/documents/${id}/signatures`, { version: view.version!.number, sha256: view.version!.sha256, image: scribblePng(360, 140, seed).toString('base64') }, token);

async function verifies(t: TestServer, id: string, token: string): Promise<VerifyResult> {
  const final = await fetch(`${t.url}/api/documents/${id}/final.pdf`, { headers: { authorization: `Bearer ${token}` } });
  expect(final.status).toBe(200);
  const bytes = new Uint8Array(await final.arrayBuffer());
  return (await (await fetch(`${t.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: bytes })).json()) as VerifyResult;
}

const leftovers = () =>
  readdirSync(path.join(dataDir, 'documents'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));

describe('the server killed while the host signs', () => {
  it('loses no acknowledged signature and never serves a half-sealed agreement', async () => {
    const port = await freePort();
    let t = await startServer(port);
    const c = await signingCase(t, '-crash');
    // The host has entered the session: the case is in session, so a sealed agreement concludes it.
    const hostSocket = await connect(t.url, { token: c.mediator.token, roomId: c.roomId });
    await joinRoom(hostSocket);
    hostSocket.close();
    const store = new Database(path.join(dataDir, 'yunting.sqlite3'), { readonly: true });
    const caseStatus = async () => (await t.api<{ status: string }>('GET', `/api/cases/${c.caseId}`, undefined, c.mediator.token)).body.status;
    expect(await caseStatus()).toBe('in_session');
    // Kill at several moments: as the request lands, while the host's signature image or the sealed
    // file is being written, once the sealed file is on disk (before or as it is registered), and just after the answer.
    // 'sealed' (first, while the case is still in session): the instant the seal is registered, before the case is concluded.
    const moments = ['sealed', 'request', 'signature-image', 'final-temp', 'final-file', 'after'] as const;
    const watchFor: Record<string, RegExp> = { 'signature-image': /^sig-.*\.tmp$/, 'final-temp': /^final-.*\.tmp$/, 'final-file': /^final-.*\.pdf$/ };
    const outcomes: string[] = [];
    for (const [i, moment] of moments.entries()) {
      const created = await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'mediation_agreement' }, c.mediator.token);
      expect(created.status).toBe(201);
      const sent = await t.api<DocumentView>('POST', `/api/documents/${created.body.id}/send`, { revision: created.body.revision }, c.mediator.token);
      expect(sent.status).toBe(200);
      const id = sent.body.id;
      const acknowledged: string[] = [];
      for (const [token, slot] of [[c.applicantToken, 'applicant'], [c.respondentToken, 'respondent']] as const) {
        const signed = await sign(t, id, token, sent.body, i * 3 + acknowledged.length + 1);
        expect(signed.status).toBe(201);
        acknowledged.push(slot);
      }

      const dir = path.join(dataDir, 'documents', id);
      const before = new Set(readdirSync(dir));
      let settled = false;
      const hostSigns = sign(t, id, c.mediator.token, sent.body, 99).then(
        (r) => ((settled = true), r.status),
        () => ((settled = true), 0),
      );
      if (moment === 'after') {
        expect(await hostSigns).toBe(201);
        acknowledged.push('host');
      } else if (moment === 'sealed') {
        const deadline = Date.now() + 20_000;
        const row = store.prepare('SELECT status FROM documents WHERE id = ?');
        while (!settled && Date.now() < deadline && (row.get(id) as { status: string }).status !== 'final') await new Promise((resolve) => setImmediate(resolve));
      } else if (moment !== 'request') {
        const pattern = watchFor[moment]!;
        const deadline = Date.now() + 20_000;
        while (!settled && Date.now() < deadline && !readdirSync(dir).some((name) => !before.has(name) && pattern.test(name))) {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      await kill();
      const answered = await hostSigns;
      if (answered === 201 && !acknowledged.includes('host')) acknowledged.push('host');

      t = await startServer(port);
      const after = await t.api<DocumentView>('GET', `/api/documents/${id}`, undefined, c.mediator.token);
      expect(after.status).toBe(200);
      const slots = after.body.signatures.map((s) => s.slot);
      for (const slot of acknowledged) expect(slots, `moment ${moment}`).toContain(slot);
      if (after.body.status === 'final') {
        outcomes.push(`${moment}: sealed`);
        expect(slots).toEqual(expect.arrayContaining(['applicant', 'respondent', 'host']));
        // However close to the seal the crash came, the signed agreement has concluded the case.
        if (moment === 'sealed') expect(await caseStatus()).toBe('agreement_signed');
      } else {
        outcomes.push(`${moment}: waits for the host`);
        expect(after.body.status).toBe('signing');
        expect(slots).not.toContain('host');
        expect((await t.api('GET', `/api/documents/${id}/final.pdf`, undefined, c.mediator.token)).status).toBe(409);
        const again = await sign(t, id, c.mediator.token, after.body, 98);
        expect(again.status, JSON.stringify(again.body)).toBe(201);
      }
      const result = await verifies(t, id, c.mediator.token);
      expect(result, `moment ${moment}`).toMatchObject({ registered: true, signature: { present: true, valid: true } });
      expect(result.document!.signers.map((s) => s.role)).toEqual(['applicant', 'respondent', 'host']);
      expect(leftovers()).toEqual([]);
    }
    store.close();
    expect(await caseStatus()).toBe('agreement_signed');
    console.log(`signing crash outcomes: ${outcomes.join('; ')}`);
  }, 480_000);
});

describe('a sealed agreement whose case was not concluded', () => {
  it('concludes the case when the server starts again', async () => {
    let t = await startTestServer({ keepData: true, databaseUrl: undefined });
    try {
      const c = await signingCase(t, '-conclude');
      const hostSocket = await connect(t.url, { token: c.mediator.token, roomId: c.roomId });
      await joinRoom(hostSocket);
      hostSocket.close();
      const created = await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'mediation_agreement' }, c.mediator.token);
      const sent = await t.api<DocumentView>('POST', `/api/documents/${created.body.id}/send`, { revision: created.body.revision }, c.mediator.token);
      for (const [i, token] of [c.applicantToken, c.respondentToken].entries()) expect((await sign(t, sent.body.id, token, sent.body, i + 1)).status).toBe(201);
      // What a crash between the seal and the case's conclusion leaves: the conclusion cannot be written.
      const file = new Database(path.join(t.dataDir, 'yunting.sqlite3'));
      file.exec(`CREATE TRIGGER yt_injected_fault BEFORE INSERT ON case_status_events WHEN NEW.status = 'agreement_signed' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
      expect((await sign(t, sent.body.id, c.mediator.token, sent.body, 9)).status).toBe(201);
      file.exec('DROP TRIGGER yt_injected_fault');
      file.close();
      const caseStatus = async () => (await t.api<{ status: string }>('GET', `/api/cases/${c.caseId}`, undefined, c.mediator.token)).body.status;
      expect(await caseStatus()).toBe('in_session');

      await t.close();
      t = await startTestServer({ dataDir: t.dataDir, keepData: true, databaseUrl: undefined });
      expect(await caseStatus()).toBe('agreement_signed');
      const audit = await t.api<{ entries: { action: string }[] }>('GET', `/api/cases/${c.caseId}/audit`, undefined, c.clerk.token);
      expect(audit.body.entries.map((e) => e.action)).toContain('case.agreement_signed');
    } finally {
      await t.close();
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
