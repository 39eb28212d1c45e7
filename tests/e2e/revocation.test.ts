/**
 * Withdrawn credentials in real browsers: a phone in the session whose
 * invitation is revoked ends with "邀请已被撤回" and does not come back; a
 * mediator whose account is disabled is cut from the room and the console
 * shows "账号已停用" and signs out.
 */
import { describe, expect, it } from 'vitest';
import { sessionWorld } from '../helpers/sessionWorld.ts';

const w = sessionWorld('mediator');

describe('revocation in the browser', () => {
  it('ends the phone with the reason when its invitation is revoked, and signs out a disabled mediator', async () => {
    const { caseId, roomId } = await w.caseSession('face_to_face');
    const desk = await w.consoleRoom(caseId, roomId);
    const issued = await w.t.api<{ id: string; url: string }>('POST', `/api/rooms/${roomId}/invitations`, { displayName: '张三', role: 'applicant' }, w.host.token);
    expect(issued.status).toBe(201);
    const phone = await w.phone(issued.body.url);

    expect((await w.t.api('POST', `/api/invitations/${issued.body.id}/revoke`, undefined, w.host.token)).status).toBe(200);
    await phone.getByText('邀请已被撤回').waitFor({ timeout: 15_000 });
    expect(await phone.evaluate(() => document.body.dataset.state)).toBe('closed');
    // It stays ended: no rejoin offered, and the server no longer has its peer.
    expect(await phone.locator('#rejoin-btn').count()).toBe(0);
    await expect.poll(() => [...(w.t.server.liveRooms.get(roomId)?.peers.values() ?? [])].some((p) => p.displayName === '张三'), { timeout: 10_000 }).toBe(false);

    expect((await w.t.api('POST', `/api/staff/${w.host.id}/disable`, undefined, w.t.staffToken)).status).toBe(200);
    await desk.getByText('账号已停用').first().waitFor({ timeout: 15_000 });
    await desk.waitForSelector('#login-btn', { timeout: 15_000 });
    await expect.poll(() => [...(w.t.server.liveRooms.get(roomId)?.peers.values() ?? [])].length, { timeout: 10_000 }).toBe(0);
  });
});
