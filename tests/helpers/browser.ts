/** Headless Debian Chromium with a fake camera and microphone, media kept on loopback. */
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: chromiumArgs });
}

export const phoneViewport = { width: 390, height: 844 };

/** Opens a page as a phone would (own context, phone viewport) and waits until it has joined. */
export async function openPhone(browser: Browser, url: string, state = 'joined'): Promise<Page> {
  const context = await browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(url);
  await page.waitForSelector(`body[data-state="${state}"]`, { timeout: 30_000 });
  return page;
}

export interface InboundSummary {
  audioPackets: number;
  videoPackets: number;
  framesDecoded: number;
  bytes: number;
}

/** Sums inbound-rtp stats over the page's receive transport. */
export function inboundStats(page: Page): Promise<InboundSummary> {
  return page.evaluate(async () => {
    const session = (window as unknown as { __yunting?: { recvTransport?: { getStats(): Promise<RTCStatsReport> } } }).__yunting;
    const summary = { audioPackets: 0, videoPackets: 0, framesDecoded: 0, bytes: 0 };
    if (!session?.recvTransport) return summary;
    const report = await session.recvTransport.getStats();
    report.forEach((stat: Record<string, unknown>) => {
      if (stat.type !== 'inbound-rtp') return;
      const packets = Number(stat.packetsReceived ?? 0);
      if (stat.kind === 'audio') summary.audioPackets += packets;
      if (stat.kind === 'video') {
        summary.videoPackets += packets;
        summary.framesDecoded += Number(stat.framesDecoded ?? 0);
      }
      summary.bytes += Number(stat.bytesReceived ?? 0);
    });
    return summary;
  });
}
