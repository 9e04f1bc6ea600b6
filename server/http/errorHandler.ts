import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, errors, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The one place where errors become HTTP responses: `{ error: { code, message } }`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = fromExpressError(err) ?? toAppError(err);
    if (appError.kind === 'internal') {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    res.status(appError.status).json({ error: appError.toBody() });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(errors.notFound(`${req.method} ${req.path}`, 'ROUTE_NOT_FOUND'));
};

/** express's body parser signals its own errors with `type`/`status`; give them our codes. */
function fromExpressError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed') return errors.validation('The request body is not valid JSON.', undefined, 'MALFORMED_JSON');
  if (e.type === 'entity.too.large') return errors.tooLarge('The request body is too large.');
  if (e.status === 415 || e.type === 'encoding.unsupported') return errors.unsupportedType('Unsupported request encoding.');
  return undefined;
}
