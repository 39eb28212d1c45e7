/**
 * The simplified procedure's waiver through the real documents: a hearing
 * scheduled two days after its notice is too soon (5 working days) until both
 * parties and the arbitrator have signed the 仲裁简易程序权利义务确认书; once
 * it is final, the hearing-notice and answer periods show as waived and the
 * case no longer stands out as overdue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView } from '../../server/documents/documentService.ts';
import type { StatutoryClock } from '../../server/cases/statutoryClocks.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { application, seedStaff, submitApplication } from '../helpers/cases.ts';
import { scribblePng } from '../helpers/signaturePng.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

interface Detail {
  statutory: { urgency: string | null; clocks: StatutoryClock[] };
}

describe('the simplified-procedure waiver', () => {
  it('waives the hearing notice and the answer period once the confirmation is signed by both parties', async () => {
    const org = await t.api<{ id: string }>('POST', '/api/organisations', { name: '南山区劳动人事争议仲裁院', kind: 'arbitration_commission', regionCode: '440305' }, t.staffToken);
    const clerk = await seedStaff(t, org.body.id, 'clerk', 'waiver-clerk');
    const arbitrator = await seedStaff(t, org.body.id, 'arbitrator', 'waiver-arb');
    const submitted = await submitApplication(t, application(org.body.id));
    const caseId = (await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token)).body.cases.find(
      (c) => c.serialNumber === submitted.body.serialNumber,
    )!.id;
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: arbitrator.id }, clerk.token);
    const hearingAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const room = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'hearing', scheduledAt: hearingAt }, arbitrator.token);
    expect(room.status).toBe(201);

    const clocks = async () => (await t.api<Detail>('GET', `/api/cases/${caseId}`, undefined, clerk.token)).body.statutory;
    const before = await clocks();
    expect(before.clocks.find((c) => c.id === 'hearing_notice')!.state).toBe('overdue');
    expect(before.urgency).toBe('overdue');

    const party = async (displayName: string, role: string) => {
      const invite = await t.api<{ token: string }>('POST', `/api/rooms/${room.body.id}/invitations`, { displayName, role }, arbitrator.token);
      return (await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: invite.body.token })).body.partyToken;
    };
    const applicant = await party('张三', 'applicant');
    const respondent = await party('王经理', 'respondent');
    const doc = await t.api<DocumentView>('POST', `/api/cases/${caseId}/documents`, { kind: 'arbitration_rights', roomId: room.body.id }, clerk.token);
    expect(doc.status).toBe(201);
    const sent = await t.api<DocumentView>('POST', `/api/documents/${doc.body.id}/send`, { revision: doc.body.revision }, arbitrator.token);
    expect(sent.status).toBe(200);
    const sign = (token: string, seed: number) =>
      t.api<DocumentView>(
        'POST',
        `/api/documents/${doc.body.id}/signatures`,
        { version: sent.body.version!.number, sha256: sent.body.version!.sha256, image: scribblePng(360, 140, seed).toString('base64') },
        token,
      );
    expect((await sign(applicant, 1)).status).toBe(201);
    // One party's signature is not the waiver.
    expect((await clocks()).clocks.find((c) => c.id === 'hearing_notice')!.state).toBe('overdue');
    expect((await sign(respondent, 2)).status).toBe(201);
    const sealed = await sign(arbitrator.token, 3);
    expect(sealed.status).toBe(201);
    expect(sealed.body.status).toBe('final');

    const after = await clocks();
    expect(after.clocks.find((c) => c.id === 'hearing_notice')!.state).toBe('waived');
    expect(after.clocks.find((c) => c.id === 'answer')!.state).toBe('waived');
    expect(after.urgency).not.toBe('overdue');
  }, 60_000);
});
