/**
 * A mediation as its people live it, in real browsers (a laptop console and
 * two phones): a party's 离开 asks first; the mediator's 离开 asks whether
 * to end or just leave; 结束调解 with a reason and a note ends it for
 * everyone — both phones show the end screen with the next steps, media
 * stops, the recording closes and is composed at once, the case moves on,
 * and the session cannot be entered again (room:join refused with
 * SESSION_ENDED; the invitation opens the end screen). Signing inside the
 * room on two phones returns them to the room with media still flowing.
 * Reloads: the console returns to its room, a phone goes straight back in
 * without the device check. Set SCREENSHOT_DIR to keep screenshots.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentView } from '../../server/documents/documentService.ts';
import { admitFromConsole, sessionWorld } from '../helpers/sessionWorld.ts';
import { inboundStats } from '../helpers/browser.ts';
import { connect, request } from '../helpers/signallingClient.ts';
import { mediaFlows, recordStates, shot, signInRoom, statesOf } from '../helpers/lifecycle.ts';

const w = sessionWorld('mediator');

async function room(mode: 'face_to_face' | 'back_to_back' = 'face_to_face') {
  const { caseId, roomId } = await w.caseSession(mode);
  const desk = await w.consoleRoom(caseId, roomId);
  const worker = await w.t.invite(roomId, '张三', 'applicant');
  const employer = await w.t.invite(roomId, '王经理', 'respondent');
  const a = await w.phone(worker.url);
  const b = await w.phone(employer.url);
  await desk.waitForSelector('[data-participant-id][data-name="王经理"][data-admitted="false"]');
  await admitFromConsole(desk, '张三');
  await admitFromConsole(desk, '王经理');
  await a.waitForSelector('body[data-admitted="true"]');
  await b.waitForSelector('body[data-admitted="true"]');
  await expect.poll(async () => (await inboundStats(a)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(0);
  return { caseId, roomId, desk, a, b, worker, employer };
}

describe('ending a mediation', () => {
  it('ends for everyone with a reason: end screens, recording composed, case moved, re-entry refused', async () => {
    const { caseId, roomId, desk, a, b, worker } = await room();
    await shot(desk, 'laptop-01-room-with-end-button');

    // A party's 离开 asks first; staying keeps the phone in the room.
    await a.click('#leave-btn');
    await a.waitForSelector('#leave-dialog', { state: 'visible' });
    await shot(a, 'phone-01-leave-confirm');
    await a.click('#leave-stay');
    await a.waitForSelector('#leave-dialog', { state: 'detached' });
    expect(await a.getAttribute('body', 'data-state')).toBe('joined');

    // The mediator's 离开 asks: end, or just leave (keeping the session open).
    await desk.click('#leave-btn');
    await desk.waitForSelector('#host-leave-dialog', { state: 'visible' });
    await shot(desk, 'laptop-02-host-leave-choice');
    await desk.click('#host-leave-end');
    await desk.waitForSelector('#end-dialog', { state: 'visible' });
    await desk.check('input[name="end-reason"][value="no_agreement"]');
    await desk.fill('#end-note-input', '双方对赔偿金额分歧较大。');
    await shot(desk, 'laptop-03-end-dialog');
    await desk.click('#end-confirm');

    for (const phone of [a, b]) {
      await phone.waitForSelector('[data-testid="session-ended"]', { timeout: 30_000 });
      expect(await phone.textContent('#end-title')).toBe('本次调解已结束');
      expect(await phone.textContent('#end-outcome')).toContain('未达成协议');
      expect(await phone.textContent('#end-note')).toBe('双方对赔偿金额分歧较大。');
      expect(await phone.textContent('[data-step="noAgreement"]')).toContain('申请仲裁');
      expect(await phone.getAttribute('#end-track-link', 'href')).toBe('/track');
      // Media stopped: no local track is live any more.
      expect(await phone.evaluate(() => (window as unknown as { __yunting?: { state: string } }).__yunting?.state)).toBe('closed');
    }
    await shot(a, 'phone-02-mediation-ended');
    await desk.waitForSelector('body[data-state="ended"]');
    // The dialog went with the room: the console shows that the session ended, and the way back to the case.
    await desk.waitForSelector('#end-dialog', { state: 'detached' });
    await desk.waitForSelector('#back-btn', { state: 'visible' });
    await shot(desk, 'laptop-04-host-ended');

    // The end is a logged session event; the media room is gone at once; the case moved on.
    const ended = await w.t.server.db.selectFrom('session_events').select(['detail']).where('room_id', '=', roomId).where('kind', '=', 'session.ended').execute();
    expect(ended).toHaveLength(1);
    expect(JSON.parse(ended[0]!.detail)).toMatchObject({ reason: 'no_agreement', note: '双方对赔偿金额分歧较大。' });
    expect(w.t.server.liveRooms.get(roomId)).toBeUndefined();
    const caseRow = await w.t.server.db.selectFrom('cases').select(['status']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(caseRow.status).toBe('closed');
    await expect
      .poll(async () => (await w.t.server.db.selectFrom('recordings').select(['status']).where('room_id', '=', roomId).executeTakeFirst())?.status, { timeout: 120_000, interval: 1000 })
      .toBe('composed');

    // Re-entry refused with a coded error, for the party and for the host alike.
    const party = await w.t.partyToken(roomId, '李四', 'applicant_agent');
    const socket = await connect(w.t.url, { token: party });
    const refused = await request(socket, 'room:capabilities', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    socket.close();
    const hostSocket = await connect(w.t.url, { token: w.host.token, roomId });
    expect(await request(hostSocket, 'room:join', { rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    hostSocket.close();

    // The invitation still opens: the end screen (not the device check).
    await recordStates(a);
    await a.goto('about:blank');
    await a.goto(worker.url);
    await a.waitForSelector('[data-testid="session-ended"]');
    expect(await statesOf(a)).not.toContain('preview');
  }, 240_000);
});

describe('signing inside the room', () => {
  it('prompts both phones over the video, signs there and returns to the room with media flowing', async () => {
    const { caseId, roomId, desk, a, b } = await room();
    // The mediator drafts and presses 发起签署.
    const doc = (await w.t.api<DocumentView>('POST', `/api/cases/${caseId}/documents`, { kind: 'mediation_agreement', roomId }, w.host.token)).body;
    const terms = { ...doc.terms, items: [{ description: '支付拖欠工资', amountCents: 1_700_000, dueDate: '2026-12-31', method: 'bank_transfer' as const, account: '' }] };
    await w.t.api('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: doc.revision }, w.host.token);
    const sent = await w.t.api<DocumentView>('POST', `/api/documents/${doc.id}/send`, { revision: doc.revision + 1, signers: ['applicant', 'respondent'] }, w.host.token);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);

    await a.waitForSelector('#sign-prompt:not([hidden])', { timeout: 30_000 });
    await shot(a, 'phone-03-sign-prompt');
    // The more button carries the badge; the menu lists the document.
    expect(await a.textContent('#more-btn .ctl-badge')).toBe('1');
    await a.click('#sign-prompt-open');
    await a.waitForSelector('#room-sign:not([hidden])');
    await shot(a, 'phone-04-sign-sheet');
    await a.click('#room-sign-close');
    // Closed for later: the menu entry opens it again.
    await signInRoom(a, 'menu');
    await signInRoom(b);
    await shot(b, 'phone-05-back-in-room-after-signing');

    // Back in the room: still joined, media still flowing both ways.
    for (const phone of [a, b]) {
      expect(await phone.getAttribute('body', 'data-state')).toBe('joined');
      await mediaFlows(phone);
    }
    const signatures = await w.t.server.db.selectFrom('document_signatures').select(['slot']).where('document_id', '=', doc.id).execute();
    expect(signatures.map((s) => s.slot).sort()).toEqual(['applicant', 'respondent']);
    // Nothing awaits them now: the badge is gone.
    await a.waitForSelector('#more-btn .ctl-badge', { state: 'hidden' });
    expect(w.t.server.liveRooms.get(roomId)?.peers.size).toBe(3);
    await desk.close();
  }, 240_000);
});

describe('reloads', () => {
  it('the console returns to its room; a second tab is logged in; a phone goes straight back in', async () => {
    const { roomId, desk, a, worker } = await room();
    await desk.reload();
    await desk.waitForSelector('body[data-view="room"][data-state="joined"]', { timeout: 30_000 });
    await desk.waitForSelector('[data-participant-id][data-name="张三"][data-admitted="true"]', { state: 'attached' });
    await shot(desk, 'laptop-05-after-reload');
    await expect.poll(() => [...(w.t.server.liveRooms.get(roomId)?.peers.values() ?? [])].filter((p) => p.identity.role === 'mediator').length).toBe(1);

    const second = await desk.context().newPage();
    await second.goto(`${w.t.url}/console#/cases`);
    await second.waitForSelector('body[data-view="cases"]');
    expect(await second.$('#login-form')).toBeNull();
    await second.close();

    // The phone opens its link again (a reload without autojoin): straight into the room, no device check.
    await recordStates(a);
    await a.goto('about:blank');
    await a.goto(worker.url);
    await a.waitForSelector('body[data-state="joined"][data-admitted="true"]', { timeout: 30_000 });
    expect(await statesOf(a)).not.toContain('preview');
    await mediaFlows(a);
    await shot(a, 'phone-06-after-reload');
  }, 240_000);
});
