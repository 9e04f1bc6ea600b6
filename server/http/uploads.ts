import type { Request, RequestHandler } from 'express';
import busboy from 'busboy';
import { errors, type AppError } from '../errors.js';
import type { IncomingFile } from '../documents/documentStore.js';
import { safeFilename, MAX_FILENAME_CHARS } from './filenames.js';
import { uploadBudget } from './uploadBudget.js';

export interface UploadOptions {
  /**
   * The JSON part of the request (our clients send it first). It is checked the
   * moment it arrives: an invalid one ends the request before any file is read.
   */
  json?: { field: string; check: (value: string) => void };
  /** Bytes of all files of one request together; default four times the per-file limit. */
  maxRequestBytes?: number;
}

const files = new WeakMap<Request, IncomingFile[]>();
/** Headroom for the multipart framing and the JSON part over the files' own bytes. */
const FRAMING_BYTES = 1024 * 1024;

/**
 * Multipart uploads, parsed as they stream in and refused at the first sign of a
 * bad request: an invalid JSON part, an unknown field, one file too many, a file
 * or a request too large (a declared Content-Length is checked before reading
 * anything), a filename that is too long, or a body that is not well-formed
 * multipart. Every refusal is a 4xx with a stable code; the rest of the body is
 * discarded unread into memory. Memory is bounded per request (maxRequestBytes)
 * and across requests (uploadBudget).
 */
/** How long a refused upload's remaining body is read and dropped before the answer goes out. */
const DRAIN_WAIT_MS = 2_000;

export function uploads(fields: { name: string; maxCount: number }[], maxBytes: number, options: UploadOptions = {}): RequestHandler {
  const maxFiles = fields.reduce((n, f) => n + f.maxCount, 0);
  const maxRequestBytes = options.maxRequestBytes ?? maxBytes * 4;
  const allowed = new Map(fields.map((f) => [f.name, f.maxCount]));
  const mb = (n: number) => Math.round((n / (1024 * 1024)) * 10) / 10;
  const accepted = fields.map((f) => `${f.name} (up to ${f.maxCount})`).join(', ');

  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxRequestBytes + FRAMING_BYTES) {
      res.setHeader('connection', 'close');
      return next(errors.tooLarge(`The upload is larger than the ${mb(maxRequestBytes)} MB limit for one request.`, 'REQUEST_TOO_LARGE'));
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: maxBytes, files: maxFiles, fields: 10, parts: maxFiles + 10, fieldSize: 256 * 1024, fieldNameSize: 100 },
      });
    } catch {
      return next(errors.validation('The upload is not a well-formed multipart/form-data body (no boundary).', undefined, 'MALFORMED_MULTIPART'));
    }

    const body: Record<string, string> = {};
    const received: IncomingFile[] = [];
    const perField = new Map<string, number>();
    let held = 0;
    let done = false;
    const release = () => {
      uploadBudget.release(held);
      held = 0;
    };
    res.once('close', release);

    const fail = (err: AppError) => {
      if (done) return;
      done = true;
      req.unpipe(parser);
      received.length = 0;
      release();
      // Whatever the client still sends is read off the socket and dropped. The answer waits
      // (briefly) for the body's end: a client still writing when the socket closes sees EPIPE
      // instead of the error. A body that does not end soon is cut off with the connection.
      req.resume();
      if (req.complete) return void next(err);
      let answered = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        if (!req.complete) res.setHeader('connection', 'close');
        next(err);
      };
      const timer = setTimeout(answer, DRAIN_WAIT_MS);
      req.once('end', answer);
      req.once('error', answer);
    };

    parser.on('field', (name, value, info) => {
      if (done) return;
      if (info.valueTruncated) return fail(errors.tooLarge(`The field "${name}" is too large.`, 'FIELD_TOO_LARGE'));
      body[name] = value;
      if (options.json && name === options.json.field) {
        try {
          options.json.check(value);
        } catch (err) {
          fail(err as AppError);
        }
      }
    });

    parser.on('file', (field, stream, info) => {
      // A body cut short errors the file stream too; the parser's own error answers the request.
      stream.on('error', () => undefined);
      if (done) return void stream.resume();
      const count = (perField.get(field) ?? 0) + 1;
      perField.set(field, count);
      const max = allowed.get(field);
      if (max === undefined || count > max) {
        stream.resume();
        return fail(errors.validation(`Unexpected or too many files in field "${field}". Accepted fields: ${accepted}.`, undefined, 'UNEXPECTED_FILE'));
      }
      if ((info.filename ?? '').length > MAX_FILENAME_CHARS) {
        stream.resume();
        return fail(errors.validation(`A filename may have at most ${MAX_FILENAME_CHARS} characters.`, { field }, 'FILENAME_TOO_LONG'));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        if (held + chunk.length > maxRequestBytes) {
          return fail(errors.tooLarge(`The upload is larger than the ${mb(maxRequestBytes)} MB limit for one request.`, 'REQUEST_TOO_LARGE'));
        }
        if (!uploadBudget.take(chunk.length)) {
          return fail(errors.unavailable('The server is receiving many uploads right now; please try again in a minute.', 'UPLOADS_BUSY'));
        }
        held += chunk.length;
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(errors.tooLarge(`The file in "${field}" is larger than the ${mb(maxBytes)} MB limit.`, 'FILE_TOO_LARGE')));
      stream.on('end', () => {
        if (!done) received.push({ field, filename: safeFilename(info.filename ?? ''), bytes: Buffer.concat(chunks) });
      });
    });

    const tooMany = () => fail(errors.validation(`Too many parts in the upload. Accepted fields: ${accepted}.`, undefined, 'UNEXPECTED_FILE'));
    parser.on('filesLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('fieldsLimit', () => fail(errors.validation('Too many fields in the upload.', undefined, 'TOO_MANY_FIELDS')));
    // Stays attached after a refusal: a late parser error must never become an uncaught exception.
    parser.on('error', () => fail(errors.validation('The upload is not a well-formed multipart/form-data body (cut short or a wrong boundary).', undefined, 'MALFORMED_MULTIPART')));
    parser.on('close', () => {
      if (done) return;
      done = true;
      req.body = body;
      files.set(req, received);
      next();
    });
    req.on('aborted', () => fail(errors.validation('The upload was interrupted.', undefined, 'MALFORMED_MULTIPART')));
    req.pipe(parser);
  };
}

/** Files of the request with their field name and a safe filename. */
export function filesOf(req: Request): IncomingFile[] {
  return files.get(req) ?? [];
}
