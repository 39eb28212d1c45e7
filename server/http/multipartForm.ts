/**
 * Reads a form of one JSON field plus evidence files, and checks the JSON
 * against its schema; problems become messages in the page's language
 * naming the field at fault.
 */
import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { compileSchema } from '../validation.ts';
import { AppError, LocalizedError } from '../errors.ts';
import { MAX_EVIDENCE_FILES, type UploadedFile } from '../cases/evidenceFiles.ts';

/** Only files (evidence shared during a session). */
export async function readFiles(request: FastifyRequest): Promise<UploadedFile[]> {
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (files.length >= MAX_EVIDENCE_FILES) throw new LocalizedError('EVIDENCE_TOO_MANY', '', 400, 'evidence');
      files.push({ fileName: part.filename || 'file', data: await part.toBuffer() });
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new LocalizedError('EVIDENCE_TOO_LARGE', files.at(-1)?.fileName ?? '', 413, 'evidence');
    }
    throw unreadableForm(error);
  }
  if (files.length === 0) throw new LocalizedError('EVIDENCE_EMPTY', '', 400, 'evidence');
  return files;
}

export async function readForm<S extends TSchema>(
  request: FastifyRequest,
  jsonField: string,
  schema: S,
): Promise<{ value: Static<S>; files: UploadedFile[] }> {
  const check = compileSchema(schema);
  let raw: string | undefined;
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (files.length >= MAX_EVIDENCE_FILES) throw new LocalizedError('EVIDENCE_TOO_MANY', '', 400, 'evidence');
        files.push({ fileName: part.filename || 'file', data: await part.toBuffer() });
      } else if (part.fieldname === jsonField && typeof part.value === 'string') {
        raw = part.value;
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new LocalizedError('EVIDENCE_TOO_LARGE', files.at(-1)?.fileName ?? '', 413, 'evidence');
    }
    if ((error as { code?: string }).code === 'FST_FILES_LIMIT') throw new LocalizedError('EVIDENCE_TOO_MANY', '', 400, 'evidence');
    throw unreadableForm(error);
  }
  let value: unknown;
  try {
    value = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    // /applicant/idNumber → applicant.idNumber; /claims/0/amount → claims
    const field = (first?.path ?? '').split('/').filter(Boolean).filter((p) => !/^\d+$/.test(p)).join('.');
    const known = field.startsWith('claims') ? 'claims' : field || jsonField;
    throw new LocalizedError('INVALID_FIELD', known, 400, known);
  }
  return { value, files };
}

/** The multipart parser's own complaints (no boundary, a truncated body) carry no status: they are the sender's fault. */
export function unreadableForm(error: unknown): unknown {
  if (error instanceof AppError || (error as { statusCode?: number }).statusCode) return error;
  return new AppError('INVALID_MULTIPART', `The form could not be read: ${(error as Error).message}`, 400);
}
