import { message, type Lang, type MessageCode } from './messages.ts';
/**
 * Errors that cross a boundary carry a stable code and an HTTP status;
 * the HTTP error handler and the socket acknowledgement wrapper both map them.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`, 404);
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message, 403);
export const unauthorized = (message = 'Authentication required') => new AppError('UNAUTHORIZED', message, 401);

/** An error whose text a party reads: the HTTP layer renders it in the request's language. */
export class LocalizedError extends AppError {
  constructor(
    readonly messageCode: MessageCode,
    readonly arg = '',
    statusCode = 400,
    /** The form field at fault, for the page to highlight. */
    readonly field?: string,
  ) {
    super(messageCode, message(messageCode, 'en', arg), statusCode);
  }

  localized(lang: Lang): string {
    return message(this.messageCode, lang, this.arg);
  }
}
