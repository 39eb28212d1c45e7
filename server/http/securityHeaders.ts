/**
 * Security headers on every HTTP response (@fastify/helmet), with a Content
 * Security Policy the pages pass as they are:
 *
 * - scripts only from this origin (the bundles; no inline script, no eval);
 * - styles from this origin plus inline ones (the sign page's <style>, the
 *   styles modules inject, icon SVG attributes);
 * - images from this origin, data: (QR codes) and blob: (document pages,
 *   evidence previews, signatures); media and frames also from blob:
 *   (recordings played in the console, PDF evidence in a frame);
 * - connections (fetch, the socket.io WebSocket) only to this origin;
 * - no plugins, no <base>, forms post only here, and no page may frame ours.
 *
 * Referrer-Policy is no-referrer (links carry credentials in their fragment,
 * and no page should leak where it was). HSTS is sent only on HTTPS: when the
 * server itself speaks TLS, or a trusted proxy (TRUST_PROXY) says
 * X-Forwarded-Proto: https.
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  frameSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // Set below, only on HTTPS.
    strictTransportSecurity: false,
    // The pages load nothing cross-origin; requiring CORP of subresources would gain nothing.
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    reply.header('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()');
  });
}
