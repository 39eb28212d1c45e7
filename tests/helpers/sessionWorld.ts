/**
 * The world of a session test in real browsers: a server, Chromium, an
 * organisation with a clerk and a host (mediator or arbitrator), a case
 * session, the host's console and the parties' phones.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './testServer.ts';
import { launchChromium, phoneViewport } from './browser.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from './cases.ts';

type Staff = Awaited<ReturnType<typeof seedStaff>>;

export interface SessionWorld {
  t: TestServer;
  browser: Browser;
  host: Staff;
  clerk: Staff;
  /** A case assigned to the host, accepted by the clerk, with a session of the given mode scheduled now. */
  caseSession(mode: 'face_to_face' | 'back_to_back' | 'hearing'): Promise<{ caseId: string; roomId: string }>;
  /** The host signs in at /console on a laptop-sized page, opens the case and enters the session's room. */
  consoleRoom(caseId: string, roomId: string): Promise<Page>;
  /** A phone in Chinese that says it is an Android phone (so it captures at phone size), joined through its link. */
  phone(url: string): Promise<Page>;
}

/** Registers the suite's setup and teardown; the fields are there once `beforeAll` has run. */
export function sessionWorld(hostRole: 'mediator' | 'arbitrator'): SessionWorld {
  const contexts: BrowserContext[] = [];
  let orgId = '';
  /** Each case gets its own applicant, so a suite may open several (the same dispute twice is refused). */
  let cases = 0;
  const world = {
    async caseSession(mode) {
      const applicant = { ...application(orgId).applicant, idNumber: residentId(1 + cases++) };
      const created = await submitApplication(world.t, application(orgId, { applicant }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const list = await world.t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, world.clerk.token);
      const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
      await world.t.api('POST', `/api/cases/${caseId}/accept`, undefined, world.clerk.token);
      await world.t.api('POST', `/api/cases/${caseId}/assign`, { userId: world.host.id }, world.clerk.token);
      const session = await world.t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode, scheduledAt: new Date().toISOString() }, world.host.token);
      expect(session.status).toBe(201);
      return { caseId, roomId: session.body.id };
    },
    async consoleRoom(caseId, roomId) {
      const context = await world.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('[console page error]', error.message));
      await page.goto(`${world.t.url}/console#/case/${caseId}`);
      await page.fill('#username', world.host.username);
      await page.fill('#password', world.host.password);
      await page.click('#login-btn');
      await page.click(`.enter-session-btn[data-room-id="${roomId}"]`);
      await page.click('#join-btn');
      await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
      return page;
    },
    async phone(url) {
      const userAgent = `Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${world.browser.version()} Mobile Safari/537.36`;
      const context = await world.browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', userAgent });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('[phone page error]', error.message));
      await page.goto(`${url}&autojoin=1`);
      await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
      return page;
    },
  } as SessionWorld;

  beforeAll(async () => {
    world.t = await startTestServer();
    world.browser = await launchChromium();
    orgId = (await seedOrganisation(world.t)).id;
    world.host = await seedStaff(world.t, orgId, hostRole, `${hostRole}1`);
    world.clerk = await seedStaff(world.t, orgId, 'clerk', 'clerk1');
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await world.browser?.close();
    await world.t?.close();
  });

  return world;
}

/** The host lets a waiting person in from the participant list: verify, then admit. */
export async function admitFromConsole(desk: Page, name: string) {
  const row = `[data-participant-id][data-name="${name}"]`;
  await desk.click(`${row}[data-admitted="false"] [data-action="verify"]`);
  await desk.click(`${row}[data-verified="true"][data-admitted="false"] [data-action="admit"]`);
  await desk.waitForSelector(`${row}[data-admitted="true"]`, { state: 'attached' });
}
