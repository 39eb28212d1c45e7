/**
 * Serves the built client: the phone page at /join, the staff console at /console.
 *
 * Scripts and stylesheets carry a content hash in their names (scripts/build-client.mjs)
 * and are cached immutably; the HTML pages that name them are revalidated every time
 * (no-cache). Each file is sent precompressed (.br / .gz written at build) when the
 * request's Accept-Encoding allows.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** A bundle or stylesheet named by its content (esbuild's [hash]: 8 upper-case base-32 characters). */
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css)(\.map)?(\.br|\.gz)?$/;
const HTML = /\.html(\.br|\.gz)?$/;

export function cacheControlFor(filePath: string): string {
  if (HASHED_ASSET.test(filePath)) return 'public, max-age=31536000, immutable';
  if (HTML.test(filePath)) return 'no-cache';
  return 'public, max-age=3600';
}

export const pageRoutes: FastifyPluginAsync<{ clientDir: string }> = async (app, { clientDir }) => {
  if (!existsSync(clientDir)) {
    app.log.warn({ clientDir }, 'client is not built; run "npm run build:client"');
    return;
  }
  await app.register(fastifyStatic, {
    root: clientDir,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, filePath) => reply.header('cache-control', cacheControlFor(filePath)),
  });
  const page = (file: string) => (_request: unknown, reply: { sendFile: (f: string) => unknown }) => reply.sendFile(file);
  app.get('/join', page('party.html'));
  app.get('/console', page('console.html'));
  app.get('/apply', page('apply.html'));
  app.get('/track', page('track.html'));
  app.get('/collective', page('collective.html'));
  app.get('/counterclaim', page('counterclaim.html'));
  app.get('/sign', page('sign.html'));
  app.get('/verify', page('verify.html'));
  app.get('/', (_request, reply) => reply.redirect('/console'));
};
