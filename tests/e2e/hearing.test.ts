/**
 * A fast-track hearing in real browsers: the arbitrator (console) admits
 * both parties and walks the hearing through its eight phases with the
 * next-phase button, closing with a ruling and a note; each phone shows
 * every phase as it comes. During the debate the arbitrator mutes the
 * applicant from the participant list: the SFU pauses the applicant's mic,
 * the phone shows it and cannot unmute itself; the applicant's raised hand
 * reaches the console; then the floor is given back. The session log holds
 * the eight phases in order.
 */
import { describe, expect, it } from 'vitest';
import { admitFromConsole, sessionWorld } from '../helpers/sessionWorld.ts';

const w = sessionWorld('arbitrator');

/** The mic and camera producers of a participant, as the SFU holds them. */
async function producersOf(roomId: string, name: string) {
  let found: { mic?: string; camera?: string } = {};
  await expect
    .poll(() => {
      const peer = [...(w.t.server.liveRooms.get(roomId)?.peers.values() ?? [])].find((p) => p.displayName === name);
      const producers = [...(peer?.producers.values() ?? [])];
      found = {
        mic: producers.find((p) => p.appData.source === 'mic')?.id,
        camera: producers.find((p) => p.appData.source === 'camera')?.id,
      };
      return !!found.mic && !!found.camera;
    }, { timeout: 20_000 })
    .toBe(true);
  return found as { mic: string; camera: string };
}

const PHASES = ['opening', 'notice', 'claims_defence', 'investigation', 'debate', 'mediation', 'final_statements', 'closing'] as const;

type TestHook = { __yunting: { request(name: string, payload: unknown): Promise<unknown> } };

describe('fast-track hearing', () => {
  it('moves through the phases at the arbitrator’s word, with floor control', async () => {
    const { caseId, roomId } = await w.caseSession('hearing');
    const desk = await w.consoleRoom(caseId, roomId);
    const a = await w.phone((await w.t.invite(roomId, '张三', 'applicant')).url);
    const b = await w.phone((await w.t.invite(roomId, '深圳市某建筑工程有限公司', 'respondent')).url);
    await desk.waitForSelector('[data-participant-id][data-name="深圳市某建筑工程有限公司"][data-admitted="false"]');
    await admitFromConsole(desk, '张三');
    await admitFromConsole(desk, '深圳市某建筑工程有限公司');
    await a.waitForSelector('body[data-admitted="true"]');
    await b.waitForSelector('body[data-admitted="true"]');
    // Before the opening everyone sees that the hearing has not started.
    await a.waitForSelector('[data-testid="phase"][data-phase=""]', { state: 'visible' });
    const pa = await producersOf(roomId, '张三');

    await desk.click('#tab-flow');
    for (const phase of PHASES) {
      if (phase === 'closing') {
        await desk.click('#next-phase');
        await desk.check('input[name="closing-outcome"][value="ruling"]');
        await desk.fill('#closing-note', '当庭裁决：被申请人于十日内支付拖欠工资8000元。');
        await desk.click('#closing-confirm');
        // 闭庭 ends the hearing: the phones leave the room for the end screen (tests/e2e/hearing-close.test.ts).
        await Promise.all([a, b].map((party) => party.waitForSelector('[data-testid="session-ended"]', { timeout: 30_000 })));
        break;
      } else {
        expect(await desk.getAttribute('#next-phase', 'data-next')).toBe(phase);
        await desk.click('#next-phase');
      }
      await Promise.all([
        desk.waitForSelector(`[data-testid="phase"][data-phase="${phase}"]`, { state: 'attached' }),
        ...[a, b].map((party) => party.waitForSelector(`[data-testid="phase"][data-phase="${phase}"]`, { state: 'visible' })),
      ]);
      expect(await a.textContent('[data-testid="phase"] .phase-name')).toBe(await desk.textContent(`.phase-item[data-phase="${phase}"] .phase-text`));

      if (phase !== 'debate') continue;
      // ------------------------------------------- floor control in the debate
      await desk.click('#tab-participants');
      await desk.click('[data-participant-id][data-name="张三"] [data-action="mute"]');
      await expect.poll(() => w.t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!.paused).toBe(true);
      await a.waitForSelector('[data-testid="muted-by-host"]', { state: 'visible' });
      expect(await a.textContent('[data-testid="muted-by-host"]')).toContain('主持人已将您静音');
      expect(await a.isDisabled('#mute-btn')).toBe(true);
      const resumed = await a.evaluate(
        (producerId) => (window as unknown as TestHook).__yunting.request('producer:resume', { producerId }),
        pa.mic,
      );
      expect(resumed).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(w.t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!.paused).toBe(true);
      await desk.waitForSelector('[data-participant-id][data-name="张三"][data-muted="true"] [data-action="unmute"]');

      await a.click('#hand-btn');
      await desk.waitForSelector('[data-participant-id][data-name="张三"][data-hand="true"] .pp-hand');
      await desk.waitForSelector('.tile.hand-raised', { state: 'visible' });
      // Giving the floor back: the SFU resumes the mic and the phone may speak again.
      await desk.click('[data-participant-id][data-name="张三"] [data-action="unmute"]');
      await expect.poll(() => w.t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!.paused).toBe(false);
      await a.waitForSelector('[data-testid="muted-by-host"]', { state: 'hidden' });
      expect(await a.isDisabled('#mute-btn')).toBe(false);
      await desk.click('#tab-flow');
    }
    await desk.waitForSelector('#next-phase', { state: 'hidden' });

    const log = await w.t.server.db
      .selectFrom('session_events')
      .select(['kind', 'detail', 'at'])
      .where('room_id', '=', roomId)
      .where('kind', '=', 'phase.changed')
      .orderBy('at')
      .orderBy('id')
      .execute();
    const phases = log.map((e) => JSON.parse(e.detail) as { phase: string; outcome?: string; note?: string });
    expect(phases.map((p) => p.phase)).toEqual([...PHASES]);
    expect(phases.at(-1)).toMatchObject({ outcome: 'ruling', note: '当庭裁决：被申请人于十日内支付拖欠工资8000元。' });
    const times = log.map((e) => Date.parse(e.at));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
  });
});
