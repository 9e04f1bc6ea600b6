import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { errors } from '../errors.js';
import type { IncomingFile } from '../documents/documentStore.js';

/**
 * Multipart uploads held in memory (bounded by the limits) and checked before
 * anything is stored. Limit breaches become our own 413/400 errors.
 */
export function uploads(fields: { name: string; maxCount: number }[], maxBytes: number): RequestHandler {
  const handler = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: fields.reduce((n, f) => n + f.maxCount, 0), fields: 10, fieldSize: 256 * 1024 },
  }).fields(fields);
  const mb = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  return (req, res, next) => {
    handler(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        switch (err.code) {
          case 'LIMIT_FILE_SIZE':
            return next(errors.tooLarge(`The file in "${err.field}" is larger than the ${mb} MB limit.`, 'FILE_TOO_LARGE'));
          case 'LIMIT_FILE_COUNT':
          case 'LIMIT_UNEXPECTED_FILE':
            return next(
              errors.validation(
                `Unexpected or too many files in field "${err.field ?? ''}". Accepted fields: ${fields.map((f) => `${f.name} (up to ${f.maxCount})`).join(', ')}.`,
                undefined,
                'UNEXPECTED_FILE',
              ),
            );
          default:
            return next(errors.validation(`The upload could not be read: ${err.message}.`, undefined, 'BAD_UPLOAD'));
        }
      }
      next(err);
    });
  };
}

/** Files of the request with multer's field name, and the filename decoded as UTF-8 (Chinese names). */
export function filesOf(req: Request): IncomingFile[] {
  const byField = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
  return Object.entries(byField).flatMap(([field, files]) =>
    files.map((f) => ({ field, filename: decodeFilename(f.originalname), bytes: f.buffer })),
  );
}

// busboy hands filenames over as latin1; browsers send UTF-8 bytes.
function decodeFilename(name: string): string {
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}
