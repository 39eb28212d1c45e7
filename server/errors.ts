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
export const conflict = (code: string, message: string) => new AppError(code, message, 409);
