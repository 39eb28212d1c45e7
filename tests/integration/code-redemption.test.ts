/**
 * Guessing 8-digit invitation codes through the real server: every failed
 * redemption is answered byte for byte the same, and the per-code,
 * per-address and global budgets hold. The servers trust a proxy on
 * loopback so each test can speak from addresses of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { RedemptionGuard } from '../../server/rooms/redemptionGuard.ts';

const proxied = { trustProxy: ['127.0.0.1'] };

async function redeem(t: TestServer, body: unknown, from: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${t.url}/api/invitations/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from, 'accept-language': 'zh-CN' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** A code that is no live code and no typo of one. */
function unusedCode(taken: string[], seed: number): string {
  for (let n = seed; ; n += 7919) {
    const code = String(10_000_000 + ((n * 2_654_435_761) % 90_000_000)).slice(0, 8);
    const near = taken.some((c) => [...c].filter((d, i) => d !== code[i]).length <= 2);
    if (!near) return code;
  }
}

/** The same code with its last digit changed: a near miss. */
const typo = (code: string, k: number) => code.slice(0, 7) + String((Number(code[7]) + k) % 10);

describe('failed redemptions all look the same', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(proxied);
  });
  afterAll(async () => t?.close());

  it('wrong, expired, revoked and already used codes and links get byte-identical answers', async () => {
    const room = await t.createRoom();
    const expired = await t.invite(room.id, '过期');
    await t.server.db.updateTable('invitations').set({ expires_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', expired.id).execute();
    const revoked = await t.invite(room.id, '撤回');
    expect((await t.api('POST', `/api/invitations/${revoked.id}/revoke`, undefined, t.staffToken)).status).toBe(200);
    const used = await t.invite(room.id, '已用');
    expect((await redeem(t, { shortCode: used.shortCode }, '198.51.100.1')).status).toBe(200);

    const from = '198.51.100.2';
    const answers = [
      await redeem(t, { shortCode: unusedCode([expired.shortCode, revoked.shortCode, used.shortCode], 1) }, from),
      await redeem(t, { shortCode: expired.shortCode }, from),
      await redeem(t, { shortCode: revoked.shortCode }, from),
      await redeem(t, { shortCode: used.shortCode }, from), // kept by the first phone
      await redeem(t, { token: expired.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }, from), // forged link
      await redeem(t, { token: revoked.token }, from),
      await redeem(t, { token: used.token }, from),
    ];
    expect(answers[0]!.status).toBe(401);
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ code: 'INVITATION_INVALID' });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });
});

describe('code guessing budgets', () => {
  let t: TestServer;
  let roomId: string;
  beforeAll(async () => {
    t = await startTestServer(proxied);
    roomId = (await t.createRoom()).id;
  });
  afterAll(async () => t?.close());

  it('five near misses lock that code, even for the right code from elsewhere; other codes stay open', async () => {
    const target = await t.invite(roomId, '目标');
    const other = await t.invite(roomId, '旁人');
    const wrong = await redeem(t, { shortCode: typo(target.shortCode, 1) }, '198.51.100.10');
    for (let k = 2; k <= 5; k++) expect(await redeem(t, { shortCode: typo(target.shortCode, k) }, '198.51.100.10')).toEqual(wrong);
    // The right code, from an address that never failed, now gets the wrong code's answer.
    expect(await redeem(t, { shortCode: target.shortCode }, '198.51.100.11')).toEqual(wrong);
    expect((await redeem(t, { shortCode: other.shortCode }, '198.51.100.11')).status).toBe(200);
  });

  it('after ten failures an address may redeem no code, not even a right one; other addresses can', async () => {
    const invite = await t.invite(roomId, '某人');
    for (let i = 0; i < 10; i++) expect((await redeem(t, { shortCode: unusedCode([invite.shortCode], 100 + i) }, '198.51.100.20')).status).toBe(401);
    const locked = await redeem(t, { shortCode: invite.shortCode }, '198.51.100.20');
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.text)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect((await redeem(t, { shortCode: invite.shortCode }, '198.51.100.21')).status).toBe(200);
  });
});

describe('the global budget', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(proxied);
  });
  afterAll(async () => t?.close());

  it('fifty failures from many addresses close code redemption for everyone; links keep working', async () => {
    const room = await t.createRoom();
    const invite = await t.invite(room.id, '某人');
    for (let i = 0; i < 50; i++) {
      expect((await redeem(t, { shortCode: unusedCode([invite.shortCode], 1000 + i) }, `203.0.113.${1 + (i % 10)}`)).status).toBe(401);
    }
    const locked = await redeem(t, { shortCode: invite.shortCode }, '192.0.2.200');
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.text)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect((await redeem(t, { token: invite.token }, '192.0.2.200')).status).toBe(200);
  });
});

describe('the locks pass', () => {
  it('a locked code and a locked address open again when their window ends', () => {
    let now = 0;
    const guard = new RedemptionGuard({ perAddress: 2, perCode: 1, global: 100, windowMs: 1000 }, () => now);
    guard.failed('a', ['inv']);
    guard.failed('a', []);
    expect(guard.codeLocked('inv')).toBe(true);
    expect(() => guard.assertOpen('a')).toThrow(expect.objectContaining({ code: 'TOO_MANY_ATTEMPTS' }));
    expect(() => guard.assertOpen('b')).not.toThrow();
    now = 1000;
    expect(guard.codeLocked('inv')).toBe(false);
    expect(() => guard.assertOpen('a')).not.toThrow();
  });
});
