/**
 * The pages' scripts and styles: hashed names cached immutably, sent precompressed
 * (brotli or gzip by Accept-Encoding) with bytes that decompress to the file itself;
 * the HTML pages revalidated on every load.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

const distDir = join(import.meta.dirname, '..', '..', 'client', 'dist');

/** Raw bytes as sent (Node's fetch would decompress them). */
async function getRaw(url: string, acceptEncoding?: string) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static assets', () => {
  let t: TestServer;
  beforeAll(async () => {
    if (!existsSync(join(distDir, 'party.html'))) execFileSync('node', ['scripts/build-client.mjs'], { stdio: 'ignore' });
    t = await startTestServer();
  }, 120_000);
  afterAll(async () => t?.close());

  it('the party page names hashed assets, sent compressed and cached immutably; the HTML is no-cache', async () => {
    const page = await getRaw(`${t.url}/join`, 'br, gzip');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const html = brotliDecompressSync(page.body).toString('utf8');
    const script = /<script type="module" src="(\/party-[A-Z0-9]{8}\.js)">/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="(\/app-[A-Z0-9]{8}\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();

    for (const asset of [script!, style!]) {
      const file = readFileSync(join(distDir, asset));
      const br = await getRaw(t.url + asset, 'br');
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding'], asset).toBe('br');
      expect(br.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');
      expect(br.headers['vary'], asset).toMatch(/accept-encoding/i);
      expect(br.headers['content-type'], asset).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(br.body.length).toBeLessThan(file.length / 3);
      expect(brotliDecompressSync(br.body).equals(file), asset).toBe(true);

      const gz = await getRaw(t.url + asset, 'gzip');
      expect(gz.headers['content-encoding'], asset).toBe('gzip');
      expect(gunzipSync(gz.body).equals(file), asset).toBe(true);

      const plain = await getRaw(t.url + asset);
      expect(plain.headers['content-encoding'], asset).toBeUndefined();
      expect(plain.body.equals(file), asset).toBe(true);
    }
  });

  it('the CSP still applies to the compressed assets', async () => {
    const page = await getRaw(`${t.url}/console`, 'gzip');
    const html = gunzipSync(page.body).toString('utf8');
    const script = /src="(\/console-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    const response = await getRaw(t.url + script, 'br');
    expect(response.headers['content-encoding']).toBe('br');
    expect(String(response.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
