/**
 * A fast-track hearing that ends: before opening, the arbitrator sees in the
 * room whether each party has signed the simplified-procedure consent (the
 * phones sign it from the lobby); 闭庭 with a ruling and a note ends the
 * hearing for everyone — the phones show 庭审已结束, the outcome, the note
 * and what comes next (the award, the right to sue, rating, /track), the
 * media room closes, the case leaves 庭审中 (ruled) and the hearing cannot
 * be entered again. Set SCREENSHOT_DIR to keep screenshots.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentView } from '../../server/documents/documentService.ts';
import { admitFromConsole, sessionWorld } from '../helpers/sessionWorld.ts';
import { shot, signInRoom } from '../helpers/lifecycle.ts';

const w = sessionWorld('arbitrator');
const PHASES = ['opening', 'notice', 'claims_defence', 'investigation', 'debate', 'mediation', 'final_statements'] as const;

describe('closing a hearing', () => {
  it('shows the consent status, then 闭庭 ends the hearing with its outcome on the phones', async () => {
    const { caseId, roomId } = await w.caseSession('hearing');
    const desk = await w.consoleRoom(caseId, roomId);
    const a = await w.phone((await w.t.invite(roomId, '张三', 'applicant')).url);
    const b = await w.phone((await w.t.invite(roomId, '王经理', 'respondent')).url);

    // The consent is sent for signature before opening: the phones sign it while waiting in the lobby.
    const doc = (await w.t.api<DocumentView>('POST', `/api/cases/${caseId}/documents`, { kind: 'arbitration_rights', roomId }, w.host.token)).body;
    const sent = await w.t.api<DocumentView>('POST', `/api/documents/${doc.id}/send`, { revision: doc.revision, signers: ['applicant', 'respondent'] }, w.host.token);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await desk.click('#tab-flow');
    await desk.waitForSelector('[data-testid="consent-status"] [data-slot="applicant"][data-signed="false"]');
    await a.waitForSelector('[data-testid="lobby-docs"]:not([hidden])');
    expect(await a.textContent('#sign-prompt .sign-prompt-body')).toContain('仲裁庭已发起签署');
    await shot(a, 'phone-10-lobby-consent');
    await signInRoom(a);
    await desk.waitForSelector('[data-testid="consent-status"] [data-slot="applicant"][data-signed="true"]');
    await desk.waitForSelector('[data-testid="consent-status"] [data-slot="respondent"][data-signed="false"]');
    await shot(desk, 'laptop-10-consent-status');
    expect(await a.getAttribute('body', 'data-admitted')).toBe('false');

    await desk.click('#tab-participants');
    await admitFromConsole(desk, '张三');
    await admitFromConsole(desk, '王经理');
    await a.waitForSelector('body[data-admitted="true"]');
    await b.waitForSelector('body[data-admitted="true"]');

    await desk.click('#tab-flow');
    for (const phase of PHASES) {
      await desk.waitForSelector(`#next-phase[data-next="${phase}"]`);
      await desk.click('#next-phase');
      await a.waitForSelector(`[data-testid="phase"][data-phase="${phase}"]`, { state: 'visible' });
    }
    await desk.click('#next-phase');
    await desk.check('input[name="closing-outcome"][value="ruling"]');
    await desk.fill('#closing-note', '当庭裁决：被申请人于十日内支付拖欠工资8000元。');
    await shot(desk, 'laptop-11-closing-dialog');
    await desk.click('#closing-confirm');

    for (const phone of [a, b]) {
      await phone.waitForSelector('[data-testid="session-ended"]', { timeout: 30_000 });
      expect(await phone.textContent('#end-title')).toBe('庭审已结束');
      expect(await phone.textContent('#end-outcome')).toBe('闭庭：当庭裁决');
      expect(await phone.textContent('#end-note')).toBe('当庭裁决：被申请人于十日内支付拖欠工资8000元。');
      expect(await phone.textContent('[data-step="award"]')).toContain('提起诉讼');
      expect(await phone.textContent('[data-step="rate"]')).toContain('仲裁员');
    }
    // The respondent's consent still awaits its signature: listed on the end screen with a button.
    expect(await b.getAttribute('[data-testid="life-docs"] [data-kind="arbitration_rights"]', 'data-signed')).toBe('false');
    await shot(a, 'phone-11-hearing-ended');
    await shot(b, 'phone-12-hearing-ended-with-document');
    await desk.waitForSelector('body[data-state="ended"]');

    expect(w.t.server.liveRooms.get(roomId)).toBeUndefined();
    const row = await w.t.server.db.selectFrom('cases').select(['status']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row.status).toBe('ruled');
    // The closing phase is logged, then the end (within the same millisecond, possibly).
    const events = await w.t.server.db.selectFrom('session_events').select(['kind', 'detail', 'at']).where('room_id', '=', roomId).orderBy('at').execute();
    const closing = events.find((e) => e.kind === 'phase.changed' && e.detail.includes('"closing"'))!;
    const endEvent = events.find((e) => e.kind === 'session.ended')!;
    expect(endEvent.at >= closing.at).toBe(true);
    expect(events.filter((e) => e.kind === 'session.ended')).toHaveLength(1);
    // /track shows the case out of 庭审中.
    const progress = await w.t.server.cases.publicViewById(caseId);
    expect(progress.status).toBe('ruled');
    // …and lists the consent still awaiting the respondent's signature.
    expect(progress.awaitingSignatures).toEqual([{ id: doc.id, kind: 'arbitration_rights', pendingSlots: ['respondent'] }]);
  }, 240_000);
});
