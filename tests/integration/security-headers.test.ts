/** The security headers on real responses: pages, the API, errors; HSTS only over HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

describe('security headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A proxy on loopback, so a request can say it came over HTTPS.
    t = await startTestServer({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(async () => t?.close());

  it('every kind of response carries them', async () => {
    for (const route of ['/join', '/console', '/api/health', '/api/me', '/no/such/thing', '/app.css']) {
      const response = await fetch(t.url + route);
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, route).toContain("frame-ancestors 'none'");
      expect(csp, route).toContain("script-src 'self'");
      expect(csp, route).toContain("object-src 'none'");
      expect(csp, route).not.toMatch(/script-src[^;]*unsafe/);
      expect(response.headers.get('x-content-type-options'), route).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), route).toBe('no-referrer');
      expect(response.headers.get('x-frame-options'), route).toBe('DENY');
      expect(response.headers.get('permissions-policy'), route).toContain('camera=(self)');
      // Plain HTTP: no HSTS.
      expect(response.headers.get('strict-transport-security'), route).toBeNull();
    }
  });

  it('HSTS when the (trusted) proxy says the request came over HTTPS', async () => {
    const response = await fetch(`${t.url}/console`, { headers: { 'x-forwarded-proto': 'https' } });
    await response.arrayBuffer();
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});
