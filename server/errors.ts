/**
 * The one error taxonomy of the platform. Every failure a client can see is one
 * of these, with a stable `code` clients can rely on and a message a person can
 * read. It is mapped to HTTP in http/errorHandler.ts and to socket acks in
 * signalling/ack.ts; raw database or mediasoup messages never reach a client.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorised'
  | 'forbidden'
  | 'notFound'
  | 'invalidState'
  | 'tooLarge'
  | 'unsupportedType'
  | 'rateLimited'
  | 'rangeNotSatisfiable'
  | 'unavailable'
  | 'internal';

export const HTTP_STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthorised: 401,
  forbidden: 403,
  notFound: 404,
  invalidState: 409,
  tooLarge: 413,
  unsupportedType: 415,
  rateLimited: 429,
  rangeNotSatisfiable: 416,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return HTTP_STATUS[this.kind];
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const errors = {
  validation: (message: string, details?: unknown, code = 'VALIDATION_FAILED') =>
    new AppError('validation', code, message, details),
  unauthorised: (message = 'Please log in first.', code = 'UNAUTHORISED') => new AppError('unauthorised', code, message),
  forbidden: (message = 'You are not allowed to do this.', code = 'FORBIDDEN') => new AppError('forbidden', code, message),
  notFound: (what: string, code = 'NOT_FOUND') => new AppError('notFound', code, `${what} was not found.`),
  invalidState: (message: string, code = 'INVALID_STATE') => new AppError('invalidState', code, message),
  conflict: (message: string, code: string) => new AppError('invalidState', code, message),
  tooLarge: (message: string, code = 'TOO_LARGE') => new AppError('tooLarge', code, message),
  unsupportedType: (message: string, code = 'UNSUPPORTED_TYPE') => new AppError('unsupportedType', code, message),
  rateLimited: (message: string, code = 'RATE_LIMITED') => new AppError('rateLimited', code, message),
  rangeNotSatisfiable: (message: string, code = 'RANGE_NOT_SATISFIABLE') => new AppError('rangeNotSatisfiable', code, message),
  unavailable: (message: string, code = 'UNAVAILABLE') => new AppError('unavailable', code, message),
};

/** Anything that is not an AppError becomes an opaque internal error for the client. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('internal', 'INTERNAL', 'Something went wrong on our side. Please try again.');
}
