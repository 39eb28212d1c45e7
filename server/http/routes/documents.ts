/**
 * Documents signed online: staff draft, send for signature and download
 * (the signed PDF, the judicial-confirmation package); parties read the
 * version (PDF or page images) and sign with their party token; anyone may
 * check a PDF against the register at /api/verify.
 */
import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../../auth/authService.ts';
import type { DocumentService, RequestMeta } from '../../documents/documentService.ts';
import { signatureSlots } from '../../documents/content.ts';
import { DocumentKindSchema, Terms } from '../../documents/terms.ts';
import { MAX_SIGNATURE_BYTES } from '../../documents/pdf/signatureImage.ts';
import { AppError } from '../../errors.ts';
import type { DraftAudience } from '../../documents/draftAudience.ts';
import { bearerToken, requireParty, requireStaff } from '../auth.ts';
import { unreadableForm } from '../multipartForm.ts';
import { IdParams, Uuid } from '../schemas.ts';

const MAX_VERIFY_BYTES = 30 * 1024 * 1024;
const Slot = Type.Union(signatureSlots.map((slot) => Type.Literal(slot)));
const VersionParams = Type.Object({ id: Uuid, version: Type.Integer({ minimum: 1, maximum: 10_000 }) });

function metaOf(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') };
}

function decodeImage(image: string): Buffer {
  const base64 = image.replace(/^data:image\/png;base64,/, '');
  if (!/^[A-Za-z0-9+/=\s]+$/.test(base64)) throw new AppError('INVALID_SIGNATURE_IMAGE', 'The signature must be a base64 PNG', 400);
  return Buffer.from(base64, 'base64');
}

export const documentRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; documents: DocumentService; audience: DraftAudience }> = async (
  app,
  { auth, documents, audience },
) => {
  const anyActor = (request: FastifyRequest) => auth.actorFromToken(bearerToken(request));

  // The verify page posts the file as is; multipart forms work too (curl -F file=@agreement.pdf).
  app.addContentTypeParser(['application/pdf', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_VERIFY_BYTES }, (_request, body, done) =>
    done(null, body),
  );

  app.get('/api/cases/:id/documents', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { documents: await documents.listForCase(actor, request.params.id) };
  });

  app.post(
    '/api/cases/:id/documents',
    { schema: { params: IdParams, body: Type.Object({ kind: DocumentKindSchema, roomId: Type.Optional(Uuid) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      return reply.status(201).send(await documents.create(actor, request.params.id, request.body, metaOf(request)));
    },
  );

  /** What the signing page opens with: the party, its case and the case's documents. */
  // During a private talk the other side reads only what has not changed since it began (the audience rule of chat and evidence).
  app.get('/api/party/documents', async (request) => {
    const party = await requireParty(request, auth);
    const opened = await documents.forParty(party);
    const documentsShown = opened.documents.filter((view) => !audience.withholds(party, view.caseId, view.updatedAt));
    return { ...opened, documents: documentsShown, held: audience.excludes(party, opened.case.id) };
  });

  app.get('/api/documents/:id', { schema: { params: IdParams } }, async (request) => {
    const actor = await anyActor(request);
    const view = await documents.get(actor, request.params.id);
    if (audience.withholds(actor, view.caseId, view.updatedAt)) {
      throw new AppError('DOCUMENT_HELD', 'The mediator is talking with the other side alone; the document is shown again afterwards', 409);
    }
    return view;
  });

  app.put(
    '/api/documents/:id/draft',
    { schema: { params: IdParams, body: Type.Object({ terms: Terms, revision: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
    async (request) => documents.editDraft(await requireStaff(request, auth), request.params.id, request.body, metaOf(request)),
  );

  app.post(
    '/api/documents/:id/send',
    {
      schema: {
        params: IdParams,
        body: Type.Object({ revision: Type.Integer({ minimum: 1 }), signers: Type.Optional(Type.Array(Slot, { maxItems: 5, uniqueItems: true })) }, { additionalProperties: false }),
      },
    },
    async (request) => documents.send(await requireStaff(request, auth), request.params.id, request.body, metaOf(request)),
  );

  app.post(
    '/api/documents/:id/signatures',
    {
      bodyLimit: Math.ceil(MAX_SIGNATURE_BYTES * 1.4) + 4096,
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            version: Type.Integer({ minimum: 1 }),
            /** SHA-256 of the exact version the signer was shown. */
            sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
            /** The drawn signature: a PNG, base64 or as a data URL. */
            image: Type.String({ minLength: 100, maxLength: Math.ceil(MAX_SIGNATURE_BYTES * 1.4) }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const actor = await anyActor(request);
      const { version, sha256, image } = request.body;
      return reply.status(201).send(await documents.sign(actor, request.params.id, { version, sha256, image: decodeImage(image) }, metaOf(request)));
    },
  );

  app.get('/api/documents/:id/versions/:version/pdf', { schema: { params: VersionParams } }, async (request, reply) => {
    const file = await documents.versionFile(await anyActor(request), request.params.id, request.params.version, metaOf(request));
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('x-content-sha256', file.sha256)
      .header('cache-control', 'private, no-store')
      .send(createReadStream(file.file));
  });

  app.get(
    '/api/documents/:id/versions/:version/pages/:page',
    { schema: { params: Type.Object({ id: Uuid, version: Type.Integer({ minimum: 1 }), page: Type.Integer({ minimum: 1, maximum: 500 }) }) } },
    async (request, reply) => {
      const file = await documents.pageFile(await anyActor(request), request.params.id, request.params.version, request.params.page, metaOf(request));
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(createReadStream(file));
    },
  );

  app.get('/api/documents/:id/preview.pdf', { schema: { params: IdParams } }, async (request, reply) => {
    const pdf = await documents.previewPdf(await requireStaff(request, auth), request.params.id);
    return reply.type('application/pdf').header('cache-control', 'private, no-store').send(pdf);
  });

  app.get('/api/documents/:id/final.pdf', { schema: { params: IdParams } }, async (request, reply) => {
    const file = await documents.finalFile(await anyActor(request), request.params.id, metaOf(request));
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('x-content-sha256', file.sha256)
      .header('cache-control', 'private, no-store')
      .send(createReadStream(file.file));
  });

  app.get('/api/documents/:id/package.zip', { schema: { params: IdParams } }, async (request, reply) => {
    const { zip, name } = await documents.judicialPackage(await requireStaff(request, auth), request.params.id, metaOf(request));
    return reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('cache-control', 'private, no-store')
      .send(zip);
  });

  app.get('/api/documents/:id/events', { schema: { params: IdParams } }, async (request) => {
    const events = await documents.audit(await requireStaff(request, auth), request.params.id);
    return {
      events: events.map((e) => ({
        at: e.at,
        kind: e.kind,
        version: e.version,
        actor: e.actor_name,
        role: e.actor_role,
        ip: e.ip,
        userAgent: e.user_agent,
        sha256: e.sha256,
        detail: JSON.parse(e.detail) as Record<string, unknown>,
      })),
    };
  });

  /** Public: is this PDF the registered final version? */
  app.post('/api/verify', { config: { rateLimit: { max: 30, timeWindow: 60_000 } } }, async (request) => {
    let pdf: Buffer | undefined;
    if (request.isMultipart()) {
      const file = await request.file().catch((error: unknown) => Promise.reject(unreadableForm(error)));
      pdf = file ? await file.toBuffer() : undefined;
    } else if (Buffer.isBuffer(request.body)) {
      pdf = request.body;
    }
    if (!pdf || pdf.length === 0) throw new AppError('NO_FILE', 'Upload the PDF to check', 400);
    return documents.verify(pdf);
  });
};
