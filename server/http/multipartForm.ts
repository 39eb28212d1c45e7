/**
 * Reads an upload form: at most one JSON field (checked against its schema,
 * compiled once when the route is set up, and checked as soon as it arrives,
 * so a bad form is refused before any file is read) plus evidence files,
 * each streamed to the evidence staging directory within the limits of
 * EvidenceStorage. Problems become messages in the page's language naming
 * the field at fault; on any problem every staged file is removed and the
 * rest of the body is read and dropped, never kept.
 */
import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { compileSchema } from '../validation.ts';
import { AppError, LocalizedError } from '../errors.ts';
import type { EvidenceStorage, StagedFile } from '../cases/evidenceFiles.ts';

export interface FormField<S extends TSchema> {
  name: string;
  check: TypeCheck<S>;
}

/** The JSON field of a form, its schema compiled once (at load, not per request). */
export function formField<S extends TSchema>(name: string, schema: S): FormField<S> {
  return { name, check: compileSchema(schema) };
}

export interface Upload<T> {
  value: T;
  files: StagedFile[];
  /** Removes whatever of `files` was not stored. Call when done, whatever happened. */
  discard(): Promise<void>;
}

function checked<S extends TSchema>(field: FormField<S>, raw: unknown): Static<S> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (!field.check.Check(value)) {
    const first = field.check.Errors(value).First();
    // /applicant/idNumber → applicant.idNumber; /claims/0/amount → claims
    const path = (first?.path ?? '').split('/').filter(Boolean).filter((p) => !/^\d+$/.test(p)).join('.');
    const known = path.startsWith('claims') ? 'claims' : path || field.name;
    throw new LocalizedError('INVALID_FIELD', known, 400, known);
  }
  return value;
}

/** The body is not wanted any more: stop parsing it and drop the rest as it arrives (the reply is sent meanwhile). */
function dropRestOfBody(request: FastifyRequest): void {
  request.raw.unpipe();
  request.raw.resume();
}

export async function readUpload<S extends TSchema>(
  request: FastifyRequest,
  storage: EvidenceStorage,
  options: { form?: FormField<S>; requireFiles?: boolean } = {},
): Promise<Upload<Static<S>>> {
  const { limits } = storage;
  const address = request.ip;
  const files: StagedFile[] = [];
  const { form } = options;
  let value: Static<S> | undefined;
  let seen = false;
  let requestBytes = 0;
  try {
    // One byte over the file limit reaches stage(), which refuses it; the per-call option turns off the plugin's own (racing) refusal.
    const parts = request.parts({
      limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFilesPerRequest + 1, fields: 5, fieldSize: 64 * 1024, parts: limits.maxFilesPerRequest + 6 },
      throwFileSizeLimit: false,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'file') {
        if (files.length >= limits.maxFilesPerRequest) throw new LocalizedError('EVIDENCE_TOO_MANY', '', 400, 'evidence');
        storage.chargeFile(address);
        const remaining = limits.maxBytesPerRequest - requestBytes;
        const staged = await storage.stage(part.file, part.filename || 'file', {
          maxBytes: Math.min(limits.maxFileBytes, remaining),
          requestTooLarge: remaining < limits.maxFileBytes,
          address,
        });
        files.push(staged);
        requestBytes += staged.sizeBytes;
      } else if (form && part.fieldname === form.name && !seen) {
        value = checked(form, part.value);
        seen = true;
      }
    }
    if (form && !seen) value = checked(form, undefined);
    if (options.requireFiles && files.length === 0) throw new LocalizedError('EVIDENCE_EMPTY', '', 400, 'evidence');
  } catch (error) {
    dropRestOfBody(request);
    await storage.discardStaged(files);
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new LocalizedError('EVIDENCE_TOO_MANY', '', 400, 'evidence');
    throw unreadableForm(error);
  }
  return { value: value as Static<S>, files, discard: () => storage.discardStaged(files) };
}

/** The multipart parser's own complaints (no boundary, a truncated body) carry no status: they are the sender's fault. */
export function unreadableForm(error: unknown): unknown {
  if (error instanceof AppError || (error as { statusCode?: number }).statusCode) return error;
  return new AppError('INVALID_MULTIPART', `The form could not be read: ${(error as Error).message}`, 400);
}
