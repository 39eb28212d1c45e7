/**
 * A hostile phone in back-to-back mediation: the respondent's page keeps
 * forging consume and resume requests for the applicant's and the
 * mediator's producers (within its rate limit) while the mediator starts a
 * private talk with the applicant. Afterwards the SFU holds no consumer of
 * theirs for the respondent and sends no RTP to the respondent at all,
 * measured on the server side of its receive transport.
 */
import { describe, expect, it } from 'vitest';
import { admitFromConsole, sessionWorld } from '../helpers/sessionWorld.ts';

const w = sessionWorld('mediator');

describe('a consume loop across a private-talk switch', () => {
  it('gets the excluded side neither consumers nor RTP of the talk', async () => {
    const { caseId, roomId } = await w.caseSession('back_to_back');
    const desk = await w.consoleRoom(caseId, roomId);
    const a = await w.phone((await w.t.invite(roomId, '张三', 'applicant')).url);
    const b = await w.phone((await w.t.invite(roomId, '某公司', 'respondent')).url);
    await admitFromConsole(desk, '张三');
    await admitFromConsole(desk, '某公司');
    await a.waitForSelector('body[data-admitted="true"]');
    await b.waitForSelector('body[data-admitted="true"]');

    const peer = (name: string) => [...(w.t.server.liveRooms.get(roomId)?.peers.values() ?? [])].find((p) => p.displayName === name);
    await expect.poll(() => (peer('张三')?.producers.size ?? 0) + (peer('李调解员')?.producers.size ?? 0), { timeout: 20_000 }).toBe(4);
    const talk = [...peer('张三')!.producers.keys(), ...peer('李调解员')!.producers.keys()];
    const rtpSentToB = async () => {
      const stats = (await peer('某公司')!.recvTransport().getStats()) as { rtpBytesSent: number }[];
      return stats[0]?.rtpBytesSent ?? 0;
    };
    // B receives the joint session.
    const start = await rtpSentToB();
    await expect.poll(rtpSentToB, { timeout: 20_000 }).toBeGreaterThan(start);

    // The modified client: consume and resume everything, over and over (bounded), whatever it is told;
    // as fast as it can (within its burst) from the moment the talk is started until it has begun.
    await b.evaluate((producerIds) => {
      type Y = { request(name: string, payload: unknown): Promise<{ ok: boolean; data?: { id: string } }>; snapshot?: { privateTalk: unknown } };
      const y = (window as unknown as { __yunting: Y }).__yunting;
      const state = window as unknown as { __loop: { running: boolean; rapid: boolean; sent: number; rapidSent: number } };
      state.__loop = { running: true, rapid: false, sent: 0, rapidSent: 0 };
      const resumed = new Set<string>();
      void (async () => {
        while (state.__loop.running && state.__loop.sent < 3000) {
          for (const producerId of producerIds) {
            const rapid = state.__loop.rapid && state.__loop.rapidSent < 150;
            if (rapid) state.__loop.rapidSent++;
            if (rapid && y.snapshot?.privateTalk) state.__loop.rapid = false;
            state.__loop.sent++;
            const answer = await y.request('consumer:create', { producerId });
            if (answer.ok && answer.data && !resumed.has(answer.data.id)) {
              resumed.add(answer.data.id);
              void y.request('consumer:resume', { consumerId: answer.data.id });
            }
            if (!rapid) await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      })();
    }, talk);
    await b.waitForTimeout(1000);

    await desk.click('#tab-flow');
    await b.evaluate(() => ((window as unknown as { __loop: { rapid: boolean } }).__loop.rapid = true));
    await desk.click('#private-applicant');
    await desk.waitForSelector('[data-testid="private-status"][data-side="applicant"]');
    await b.waitForSelector('[data-testid="private-notice"]', { state: 'visible' });
    await b.waitForTimeout(2000); // the loop keeps going through and after the switch

    // No consumer of the talk for B, in the server's bookkeeping or in the worker.
    expect([...peer('某公司')!.consumers.values()].filter((c) => talk.includes(c.producerId))).toEqual([]);
    const dump = (await peer('某公司')!.recvTransport().dump()) as { consumerIds: string[] };
    expect(dump.consumerIds).toEqual([]);
    // And no RTP leaves the SFU for B.
    const before = await rtpSentToB();
    await b.waitForTimeout(2500);
    expect(await rtpSentToB()).toBe(before);

    const loopState = await b.evaluate(() => (window as unknown as { __loop: unknown }).__loop);
    const sent = await b.evaluate(() => {
      const state = window as unknown as { __loop: { running: boolean; sent: number } };
      state.__loop.running = false;
      return state.__loop.sent;
    });
    expect(sent, JSON.stringify(loopState)).toBeGreaterThan(40);
    // B's connection survived its own loop (it stayed within its rate) and is still in the room.
    expect(peer('某公司')).toBeTruthy();
  });
});
