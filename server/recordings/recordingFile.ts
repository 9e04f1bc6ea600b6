import type { NextFunction, RequestHandler, Response } from 'express';
import { errors } from '../errors.js';
import { sha256File } from './probe.js';
import { verifyStreamToken } from './streamTokens.js';

/**
 * Either the login token (header) or a playback token from a stream-url request (query
 * `access`, bound to the id in `req.params[param]`; who may play was checked when it was issued).
 */
export function mediaAccess(auth: RequestHandler, jwtSecret: string, param = 'id'): RequestHandler {
  return (req, res, next) => {
    if (typeof req.query.access !== 'string') {
      auth(req, res, next);
      return;
    }
    try {
      verifyStreamToken(req.query.access, String(req.params[param]), jwtSecret);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The media URL may carry a credential: keep its answers (errors too) out of shared caches and referrers. */
export function privateMedia(res: Response): void {
  res.setHeader('cache-control', 'private, no-store');
  res.setHeader('referrer-policy', 'no-referrer');
}

/** Streams a stored recording file with HTTP Range, so players can seek. */
export function sendRecordingFile(res: Response, next: NextFunction, file: string, stored: { sha256?: string; size?: number }): void {
  privateMedia(res);
  res.setHeader('x-content-sha256', stored.sha256 ?? '');
  res.sendFile(file, { acceptRanges: true, headers: { 'content-type': 'video/webm' } }, (err) => {
    if (!err || res.headersSent) return;
    // send() reports an unsatisfiable Range as status 416; only a missing file is a 404.
    if ((err as { status?: number }).status === 416) {
      res.setHeader('content-range', `bytes */${stored.size ?? '*'}`);
      return next(errors.rangeNotSatisfiable('The requested byte range is outside the recording.'));
    }
    next(errors.notFound('The recording file', 'RECORDING_FILE_MISSING'));
  });
}

/** Re-hashes the file and compares it with the SHA-256 and size stored when it was finished. */
export async function verifyRecordingFile(file: string, stored: { sha256: string; size?: number }) {
  const actual = await sha256File(file).catch(() => undefined);
  return {
    valid: actual?.sha256 === stored.sha256 && actual?.size === stored.size,
    storedSha256: stored.sha256,
    sha256: actual?.sha256 ?? null,
    size: actual?.size ?? null,
    storedSize: stored.size,
  };
}
