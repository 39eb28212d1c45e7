/**
 * Every page loads and works under the server's Content Security Policy in
 * real Chromium: the console after a login, a phone joining a session by its
 * link (camera, WebSocket, media), and the public pages. A page that breaks
 * the policy reports a violation, and the test fails on any. And an old
 * link with its token in the query still works, but moves the token into the
 * fragment at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from '../helpers/testServer.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
import { watchCsp, type CspWatch } from '../helpers/csp.ts';
import { autoAdmittingHost, type ClientSocket } from '../helpers/signallingClient.ts';
import { signingCase, type SigningCase } from '../helpers/documents.ts';

let t: TestServer;
let browser: Browser;
let context: BrowserContext;
let host: ClientSocket | undefined;
let c: SigningCase | undefined;

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: phoneViewport, isMobile: true, hasTouch: true });
});
afterAll(async () => {
  host?.close();
  await browser?.close();
  await t?.close();
});

async function open(url: string): Promise<{ page: Page; csp: CspWatch }> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  const csp = await watchCsp(page);
  await page.goto(url);
  return { page, csp };
}

describe('the Content Security Policy', () => {
  it('is enforced: an injected inline script is blocked and reported', async () => {
    const { page, csp } = await open(`${t.url}/apply`);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.head.append(script);
    });
    await expect.poll(() => csp.violations()).toContainEqual(expect.stringContaining('script-src'));
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await page.close();
  });

  it('the console logs in with no violation', async () => {
    const { page, csp } = await open(`${t.url}/console`);
    await page.fill('#username', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await page.click('#login-btn');
    await page.waitForSelector('body:not([data-view="login"])');
    await page.waitForLoadState('networkidle');
    expect(await csp.violations()).toEqual([]);
    await page.close();
  });

  it('a phone joins a session by its link with no violation', async () => {
    const room = await t.createRoom('欠薪纠纷调解', 'face_to_face');
    host = await autoAdmittingHost(t.url, t.staffToken, room.id);
    const invite = await t.invite(room.id, '张三', 'applicant');
    const { page, csp } = await open(`${invite.url}&autojoin=1`);
    await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
    expect(await csp.violations()).toEqual([]);
    await page.close();
  });

  it('the public pages load with no violation', async () => {
    const room = await t.createRoom();
    const partyToken = await t.partyToken(room.id, '李四');
    for (const route of ['/apply', '/track#serial=440305-20261126-0007&code=ABCDEFGH', '/counterclaim', '/verify', `/sign#token=${partyToken}`, '/join']) {
      const { page, csp } = await open(t.url + route);
      await page.waitForFunction(() => document.body.dataset.state !== 'loading' && document.readyState === 'complete');
      await page.waitForLoadState('networkidle');
      expect(await csp.violations(), route).toEqual([]);
      await page.close();
    }
  });

  it('the sign page shows a live draft with no violation', async () => {
    c = await signingCase(t);
    await t.api('POST', `/api/cases/${c.caseId}/documents`, { kind: 'mediation_agreement' }, c.mediator.token);
    const { page, csp } = await open(`${t.url}/sign#token=${c.applicantToken}`);
    await page.waitForSelector('body[data-state="draft"]', { timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    expect(await csp.violations()).toEqual([]);
    await page.close();
  });
});

describe('credentials in page addresses', () => {
  it('an old link with ?token= still works, and the token moves out of the query at once', async () => {
    // The case of the test before, seen by its other party.
    const { page } = await open(`${t.url}/sign?token=${c!.respondentToken}`);
    await page.waitForSelector('body[data-state="draft"]', { timeout: 30_000 });
    const address = new URL(page.url());
    expect(address.search).toBe('');
    expect(new URLSearchParams(address.hash.slice(1)).get('token')).toBe(c!.respondentToken);
    await page.close();
  });
});
