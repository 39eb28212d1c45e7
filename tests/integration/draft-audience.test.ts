/**
 * Drafts follow the audience rule of chat and evidence: while the mediator
 * talks privately with one side, draft changes reach only that side (and
 * staff) over /documents and HTTP; the other side gets the current draft
 * when the talk ends. Real socket.io clients, a live back-to-back session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { DocumentView } from '../../server/documents/documentService.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { application, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { autoAdmittingHost, connect, joinAdmitted, ok, type ClientSocket } from '../helpers/signallingClient.ts';

let t: TestServer;
type Staff = Awaited<ReturnType<typeof seedStaff>>;
let clerk: Staff;
let mediator: Staff;
let caseId: string;
let roomId: string;
let applicantToken: string;
let respondentToken: string;
let host: ClientSocket;
const closers: { close(): unknown }[] = [];

/** A /documents reader that keeps every push it is sent. */
interface Reader {
  socket: Socket;
  drafts: DocumentView[];
  held: boolean[];
  ready: Promise<number>;
  /** Resolves with the next draft push that satisfies `test`. */
  next(test: (view: DocumentView) => boolean): Promise<DocumentView>;
}

function reader(auth: Record<string, string>): Reader {
  const socket = io(`${t.url}/documents`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  closers.push(socket);
  const waiting: { test: (view: DocumentView) => boolean; resolve: (view: DocumentView) => void }[] = [];
  const self: Reader = {
    socket,
    drafts: [],
    held: [],
    ready: new Promise((resolve, reject) => {
      socket.once('documents:ready', (event: { count: number }) => resolve(event.count));
      socket.once('connect_error', reject);
    }),
    next(test) {
      const seen = self.drafts.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no such draft push within 5 s')), 5000);
        waiting.push({ test, resolve: (view) => (clearTimeout(timer), resolve(view)) });
      });
    },
  };
  socket.on('document:draft', (view: DocumentView) => {
    self.drafts.push(view);
    for (const w of [...waiting]) if (w.test(view)) (waiting.splice(waiting.indexOf(w), 1), w.resolve(view));
  });
  socket.on('documents:held', (state: { held: boolean }) => self.held.push(state.held));
  return self;
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

beforeAll(async () => {
  t = await startTestServer();
  const orgId = (await seedOrganisation(t)).id;
  clerk = await seedStaff(t, orgId, 'clerk', 'clerk1');
  mediator = await seedStaff(t, orgId, 'mediator', 'mediator1');
  const created = await submitApplication(t, application(orgId));
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
  const session = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'back_to_back', scheduledAt: new Date().toISOString() }, mediator.token);
  roomId = session.body.id;
  const party = async (displayName: string, role: string) => {
    const invite = await t.api<{ token: string }>('POST', `/api/rooms/${roomId}/invitations`, { displayName, role }, mediator.token);
    return (await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: invite.body.token })).body.partyToken;
  };
  applicantToken = await party('张三', 'applicant');
  respondentToken = await party('王经理', 'respondent');
  // The live session: the mediator hosts, both sides are in the room and admitted.
  host = await autoAdmittingHost(t.url, mediator.token, roomId);
  closers.push(host);
  for (const token of [applicantToken, respondentToken]) {
    const socket = await connect(t.url, { token });
    closers.push(socket);
    await joinAdmitted(socket);
  }
});

afterAll(async () => {
  for (const c of closers) c.close();
  await t?.close();
});

describe('draft agreement pushes during a private talk', () => {
  it('go only to the side in the talk (and staff), and reach the other side when it ends', async () => {
    const created = await t.api<DocumentView>('POST', `/api/cases/${caseId}/documents`, { kind: 'mediation_agreement', roomId }, mediator.token);
    expect(created.status).toBe(201);
    const doc = created.body;

    const applicant = reader({ token: applicantToken });
    const respondent = reader({ token: respondentToken });
    const console_ = reader({ token: mediator.token, caseId });
    expect(await applicant.ready).toBe(1);
    expect(await respondent.ready).toBe(1);
    expect(await console_.ready).toBe(1);

    // The mediator talks with the applicant alone.
    await ok(host, 'session:private', { side: 'applicant' });
    await until(() => respondent.held.at(-1) === true, 'the respondent to be told drafts are held');
    expect(applicant.held.at(-1)).toBe(false);

    const secret = '申请人同意分两期收款（背对背中提出）';
    const edited = await t.api<DocumentView>('PUT', `/api/documents/${doc.id}/draft`, { terms: { ...doc.terms, otherTerms: secret }, revision: doc.revision }, mediator.token);
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await applicant.next((v) => v.terms.otherTerms === secret)).revision).toBe(edited.body.revision);
    await console_.next((v) => v.terms.otherTerms === secret);
    // Give a wrongly addressed push every chance to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(respondent.drafts.some((v) => v.terms.otherTerms === secret)).toBe(false);

    // Over HTTP the other side does not read it either; the side in the talk does.
    const theirs = await t.api<{ documents: DocumentView[]; held: boolean }>('GET', '/api/party/documents', undefined, respondentToken);
    expect(theirs.status).toBe(200);
    expect(theirs.body.held).toBe(true);
    expect(theirs.body.documents.some((v) => v.id === doc.id)).toBe(false);
    const one = await t.api<{ code: string }>('GET', `/api/documents/${doc.id}`, undefined, respondentToken);
    expect(one.status).toBe(409);
    expect(one.body.code).toBe('DOCUMENT_HELD');
    const mine = await t.api<{ documents: DocumentView[]; held: boolean }>('GET', '/api/party/documents', undefined, applicantToken);
    expect(mine.body.held).toBe(false);
    expect(mine.body.documents.find((v) => v.id === doc.id)?.terms.otherTerms).toBe(secret);

    // A phone of the other side that connects during the talk is not sent the changed draft.
    const late = reader({ token: respondentToken });
    expect(await late.ready).toBe(0);
    expect(late.held).toEqual([true]);

    // Back to the joint session: the other side receives the current draft.
    await ok(host, 'session:private', { side: null });
    const caughtUp = await respondent.next((v) => v.terms.otherTerms === secret);
    expect(caughtUp.revision).toBe(edited.body.revision);
    await late.next((v) => v.terms.otherTerms === secret);
    await until(() => respondent.held.at(-1) === false, 'the respondent to be told drafts flow again');
    expect((await t.api('GET', `/api/documents/${doc.id}`, undefined, respondentToken)).status).toBe(200);

    // And edits reach everyone again.
    const again = await t.api<DocumentView>('PUT', `/api/documents/${doc.id}/draft`, { terms: { ...edited.body.terms, otherTerms: '双方确认' }, revision: edited.body.revision }, mediator.token);
    expect(again.status).toBe(200);
    await respondent.next((v) => v.terms.otherTerms === '双方确认');
    await applicant.next((v) => v.terms.otherTerms === '双方确认');
  });

  it('switching the talk to the other side holds drafts from the first side instead', async () => {
    const docs = await t.api<{ documents: DocumentView[] }>('GET', `/api/cases/${caseId}/documents`, undefined, mediator.token);
    const doc = docs.body.documents[0]!;
    const applicant = reader({ token: applicantToken });
    const respondent = reader({ token: respondentToken });
    await Promise.all([applicant.ready, respondent.ready]);
    await ok(host, 'session:private', { side: 'applicant' });
    await ok(host, 'session:private', { side: 'respondent' });
    await until(() => applicant.held.at(-1) === true && respondent.held.at(-1) === false, 'the held flags to follow the switch');
    const secret = '被申请人同意一次性支付（背对背中提出）';
    const edited = await t.api<DocumentView>('PUT', `/api/documents/${doc.id}/draft`, { terms: { ...doc.terms, otherTerms: secret }, revision: doc.revision }, mediator.token);
    expect(edited.status).toBe(200);
    await respondent.next((v) => v.terms.otherTerms === secret);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(applicant.drafts.some((v) => v.terms.otherTerms === secret)).toBe(false);
    await ok(host, 'session:private', { side: null });
    await applicant.next((v) => v.terms.otherTerms === secret);
  });
});
