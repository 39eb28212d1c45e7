/**
 * Back-to-back mediation in real browsers: a mediator in the console admits
 * the applicant (A) and the respondent (B), both on phones. While the
 * mediator talks privately with A, B's page says so, B receives nothing of
 * A or the mediator (the SFU closed those consumers) and cannot forge a
 * consume; A keeps receiving the mediator. Back in the joint session B
 * receives A again, and the session log holds both switches with times.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { admitFromConsole, sessionWorld } from '../helpers/sessionWorld.ts';

const w = sessionWorld('mediator');

interface ConsumerStat {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: string;
  bytesReceived: number;
}

const consumerStats = (page: Page) =>
  page.evaluate(() => (window as unknown as { __yunting: { consumerStats(): Promise<ConsumerStat[]> } }).__yunting.consumerStats());

const bytesByProducer = async (page: Page) => new Map((await consumerStats(page)).map((s) => [s.producerId, s.bytesReceived]));

/** Resolves once every listed producer's bytes grew between two samples a second apart. */
async function receiving(page: Page, producerIds: string[], timeout = 25_000) {
  let last = new Map<string, number>();
  await expect
    .poll(
      async () => {
        const now = await bytesByProducer(page);
        const growing = producerIds.filter((id) => (now.get(id) ?? 0) > (last.get(id) ?? Number.POSITIVE_INFINITY));
        last = now;
        return growing.sort();
      },
      { timeout, interval: 1000 },
    )
    .toEqual([...producerIds].sort());
}

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

describe('back-to-back mediation', () => {
  it('cuts the other side off during a private talk, in the SFU, and brings them back', async () => {
    const { caseId, roomId } = await w.caseSession('back_to_back');
    const desk = await w.consoleRoom(caseId, roomId);
    const a = await w.phone((await w.t.invite(roomId, '张三', 'applicant')).url);
    const b = await w.phone((await w.t.invite(roomId, '深圳市某建筑工程有限公司', 'respondent')).url);

    // Both wait in the lobby until the mediator lets them in from the console.
    expect(await a.getAttribute('body', 'data-admitted')).toBe('false');
    await desk.waitForSelector('[data-participant-id][data-name="深圳市某建筑工程有限公司"][data-admitted="false"]');
    await admitFromConsole(desk, '张三');
    await admitFromConsole(desk, '深圳市某建筑工程有限公司');
    await a.waitForSelector('body[data-admitted="true"]');
    await b.waitForSelector('body[data-admitted="true"]');

    const pa = await producersOf(roomId, '张三');
    const pm = await producersOf(roomId, '李调解员');
    await receiving(b, [pa.mic, pa.camera, pm.mic, pm.camera]);

    // ------------------------------------------------ private talk with A
    await desk.click('#tab-flow');
    await desk.click('#private-applicant');
    await desk.waitForSelector('[data-testid="private-status"][data-side="applicant"]');
    await b.waitForSelector('[data-testid="private-notice"]', { state: 'visible' });
    expect(await b.textContent('[data-testid="private-notice"]')).toContain('调解员正在与对方单独沟通，请稍候');
    await a.waitForSelector('[data-testid="private-with-you"]', { state: 'visible' });

    // B's consumers of A and the mediator are gone (closed by the SFU) or frozen.
    const cut = [pa.mic, pa.camera, pm.mic, pm.camera];
    await expect
      .poll(() => {
        const peerB = [...w.t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === '深圳市某建筑工程有限公司')!;
        return [...peerB.consumers.values()].filter((c) => cut.includes(c.producerId)).length;
      })
      .toBe(0);
    const before = await bytesByProducer(b);
    await b.waitForTimeout(3000);
    const after = await bytesByProducer(b);
    for (const id of cut) expect(after.get(id) ?? 0, `B still receives ${id}`).toBe(before.get(id) ?? 0);
    // The page dropped those consumers and their audio elements too.
    expect([...after.keys()].filter((id) => cut.includes(id))).toEqual([]);
    expect(await b.locator('.audio-sink audio').count()).toBe(0);

    // A, in the talk, still receives the mediator.
    await receiving(a, [pm.mic, pm.camera]);

    // A consume forged from B's page is refused as if A's camera did not exist.
    const forged = await b.evaluate(
      (producerId) =>
        (window as unknown as { __yunting: { request(name: string, payload: unknown): Promise<unknown> } }).__yunting.request('consumer:create', {
          producerId,
        }),
      pa.camera,
    );
    expect(forged).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // ------------------------------------------------ back to the joint session
    await desk.click('#private-end');
    await desk.waitForSelector('[data-testid="private-status"][data-side="none"]');
    await b.waitForSelector('[data-testid="private-notice"]', { state: 'hidden' });
    await receiving(b, [pa.mic, pa.camera, pm.mic, pm.camera]);

    const events = await w.t.server.db
      .selectFrom('session_events')
      .select(['kind', 'detail', 'at'])
      .where('room_id', '=', roomId)
      .where('kind', 'like', 'private.%')
      .orderBy('at')
      .execute();
    expect(events.map((e) => [e.kind, (JSON.parse(e.detail) as { side: string }).side])).toEqual([
      ['private.started', 'applicant'],
      ['private.ended', 'applicant'],
    ]);
    const [started, ended] = events.map((e) => Date.parse(e.at));
    expect(started).toBeGreaterThan(0);
    // The talk lasted at least the three seconds sampled above.
    expect(ended! - started!).toBeGreaterThanOrEqual(3000);
  });
});
