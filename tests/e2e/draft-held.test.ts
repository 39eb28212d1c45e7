/**
 * The signing page during a private talk: the other side's phone says the
 * mediator is talking with the other side alone and does not show the
 * terms edited meanwhile; when the talk ends it shows them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DocumentView } from '../../server/documents/documentService.ts';
import { launchChromium, openPhone } from '../helpers/browser.ts';
import { application, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { autoAdmittingHost, ok, type ClientSocket } from '../helpers/signallingClient.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

let t: TestServer;
let browser: Browser;
let host: ClientSocket | undefined;

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
});

afterAll(async () => {
  host?.close();
  await browser?.close();
  await t?.close();
});

it('holds the draft from the other side during a private talk and shows it afterwards', async () => {
  const orgId = (await seedOrganisation(t)).id;
  const clerk = await seedStaff(t, orgId, 'clerk', 'clerk1');
  const mediator = await seedStaff(t, orgId, 'mediator', 'mediator1');
  const created = await submitApplication(t, application(orgId));
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
  const roomId = (await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'back_to_back', scheduledAt: new Date().toISOString() }, mediator.token)).body.id;
  const invite = await t.api<{ token: string }>('POST', `/api/rooms/${roomId}/invitations`, { displayName: '王经理', role: 'respondent' }, mediator.token);
  const respondentToken = (await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: invite.body.token })).body.partyToken;
  host = await autoAdmittingHost(t.url, mediator.token, roomId);

  const doc = (await t.api<DocumentView>('POST', `/api/cases/${caseId}/documents`, { kind: 'mediation_agreement', roomId }, mediator.token)).body;
  const phone = await openPhone(browser, `${t.url}/sign?token=${respondentToken}`, 'draft');
  expect(await phone.locator('[data-held="true"]').count()).toBe(0);

  await ok(host, 'session:private', { side: 'applicant' });
  await phone.waitForSelector('[data-held="true"]', { timeout: 10_000 });
  const terms = { ...doc.terms, items: [{ description: '支付拖欠工资', amountCents: 654_300, dueDate: '2026-12-31', method: 'bank_transfer' as const, account: '' }] };
  expect((await t.api('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: doc.revision }, mediator.token)).status).toBe(200);
  await phone.waitForTimeout(1000);
  expect(await phone.locator('#sign-draft').textContent()).not.toContain('陆仟伍佰肆拾叁元');

  await ok(host, 'session:private', { side: null });
  await phone.waitForFunction(() => document.querySelector('#sign-draft')?.textContent?.includes('陆仟伍佰肆拾叁元'), undefined, { timeout: 10_000 });
  await phone.waitForSelector('[data-held="true"]', { state: 'detached', timeout: 10_000 });
});
