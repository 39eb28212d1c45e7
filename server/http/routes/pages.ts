/** Serves the built client: the phone page at /join, the staff console at /console. */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const pageRoutes: FastifyPluginAsync<{ clientDir: string }> = async (app, { clientDir }) => {
  if (!existsSync(clientDir)) {
    app.log.warn({ clientDir }, 'client is not built; run "npm run build:client"');
    return;
  }
  await app.register(fastifyStatic, { root: clientDir, index: false, maxAge: '1h' });
  const page = (file: string) => (_request: unknown, reply: { header: (k: string, v: string) => { sendFile: (f: string) => unknown } }) =>
    reply.header('Cache-Control', 'no-store').sendFile(file);
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
