/**
 * What the request log keeps: every request's method and URL, never a
 * credential. The server's own pino logger is captured at info level while
 * a phone opens its pages (old links with ?token= included) and calls the
 * API with its token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { redactUrl } from '../../server/http/logging.ts';

describe('the request log', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ captureLog: true });
  });
  afterAll(async () => t?.close());

  it('an invitation link carries its token in the fragment, which is never sent', async () => {
    const room = await t.createRoom();
    const invite = await t.invite(room.id, '张三');
    const link = new URL(invite.url);
    expect(link.pathname).toBe('/join');
    expect(link.search).toBe('');
    expect(new URLSearchParams(link.hash.slice(1)).get('token')).toBe(invite.token);
  });

  it('holds no token, tracking code or Authorization after page visits and API calls', async () => {
    const room = await t.createRoom();
    const invite = await t.invite(room.id, '李四');
    const partyToken = await t.partyToken(room.id, '王五');
    const get = async (route: string, token?: string) => {
      const response = await fetch(t.url + route, { headers: token ? { authorization: `Bearer ${token}`, cookie: `session=${token}` } : {} });
      await response.arrayBuffer();
      return response.status;
    };
    // What a browser sends for the new links (the fragment stays behind) and for old ones.
    expect(await get(new URL(invite.url).pathname)).toBe(200);
    expect(await get(`/join?token=${encodeURIComponent(invite.token)}&autojoin=1`)).toBe(200);
    expect(await get(`/sign?token=${encodeURIComponent(partyToken)}`)).toBe(200);
    expect(await get(`/sign?invite=${encodeURIComponent(invite.token)}`)).toBe(200);
    expect(await get('/track?serial=440305-20261126-0007&code=SECRETCODE')).toBe(200);
    expect(await get('/api/invitation', partyToken)).toBe(200);
    expect(await get('/api/me', t.staffToken)).toBe(200);
    expect(await get(`/no/such/page?token=${encodeURIComponent(partyToken)}`)).toBe(404);
    const notFound = await t.api<{ message: string }>('GET', `/no/such/page?token=${encodeURIComponent(partyToken)}`);
    expect(notFound.body.message).toBe('GET /no/such/page?token=[redacted] not found');

    const log = t.log();
    // The requests are there…
    expect(log).toContain('"url":"/join?token=[redacted]&autojoin=1"');
    expect(log).toContain('"url":"/sign?token=[redacted]"');
    expect(log).toContain('"url":"/track?serial=440305-20261126-0007&code=[redacted]"');
    expect(log).toContain('"url":"/api/me"');
    // …their credentials are not.
    for (const secret of [invite.token, partyToken, t.staffToken, 'SECRETCODE']) {
      expect(log).not.toContain(secret);
      // A JWT's signature alone would be enough to recognise it.
      expect(log).not.toContain(secret.split('.').at(-1));
    }
    expect(log).not.toMatch(/authorization|cookie/i);
  });

  it('redacts every credential-like query parameter, however often it appears', () => {
    expect(redactUrl('/join')).toBe('/join');
    expect(redactUrl('/a?x=1&token=abc&Token=def&token=ghi')).toBe('/a?x=1&token=[redacted]&Token=[redacted]');
    expect(redactUrl('/a?access_token=1&inviteCode=2&page=3')).toBe('/a?access_token=[redacted]&inviteCode=[redacted]&page=3');
  });
});
