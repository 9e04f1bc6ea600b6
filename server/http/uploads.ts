import type { Request, RequestHandler, Response } from 'express';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import { errors, type AppError } from '../errors.js';
import type { DocumentStore, IncomingFile, StagedFile } from '../documents/documentStore.js';
import { safeFilename, MAX_FILENAME_CHARS } from './filenames.js';
import { STREAM_RESERVATION_BYTES, uploadBudget } from './uploadBudget.js';

export interface UploadOptions {
  /**
   * The JSON part of the request. It must come before every file (our clients send
   * it first) and is checked the moment it arrives: an invalid one ends the request
   * before any file is read. `required`: a file before it is refused at once.
   */
  json?: { field: string; check: (value: string) => void; required?: boolean };
  /** Bytes of all files of one request together; default four times the per-file limit. */
  maxRequestBytes?: number;
  /**
   * Stream each file into this store as it arrives (staged, stored as documents of
   * the kind named by its field) instead of holding it in memory. What the request
   * handler does not claim (DocumentStore.put) is removed before the answer goes out.
   */
  store?: DocumentStore;
}

const files = new WeakMap<Request, IncomingFile[]>();
/** Headroom for the multipart framing and the JSON part over the files' own bytes. */
const FRAMING_BYTES = 1024 * 1024;
/** How long, and how much of, a refused upload's remaining body is read and dropped before the answer goes out. */
const DRAIN_WAIT_MS = 2_000;
const DRAIN_MAX_BYTES = 4 * 1024 * 1024;
/** A request whose client left before the answer: its handler gets this long to claim its files. */
const ORPHAN_WAIT_MS = 60_000;
/** Staged files of requests cut off by a restart are looked for at most this often. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
const lastSweep = new WeakMap<DocumentStore, number>();

/**
 * Multipart uploads, parsed as they stream in and refused at the first sign of a
 * bad request: an invalid or late JSON part, an unknown field, one file too many, a
 * file or a request too large (a declared Content-Length is checked before reading
 * anything), a filename that is too long, a file that is not an accepted type
 * (streamed uploads), or a body that is not well-formed multipart. Every refusal
 * is a 4xx with a stable code; the rest of the body is discarded unread, and the
 * files already stored are deleted before the answer. Memory is bounded per
 * request (maxRequestBytes, or a fixed amount when streaming) and across requests
 * (uploadBudget).
 */
export function uploads(fields: { name: string; maxCount: number }[], maxBytes: number, options: UploadOptions = {}): RequestHandler {
  const maxFiles = fields.reduce((n, f) => n + f.maxCount, 0);
  const maxRequestBytes = options.maxRequestBytes ?? maxBytes * 4;
  const allowed = new Map(fields.map((f) => [f.name, f.maxCount]));
  const mb = (n: number) => Math.round((n / (1024 * 1024)) * 10) / 10;
  const accepted = fields.map((f) => `${f.name} (up to ${f.maxCount})`).join(', ');
  const requestTooLarge = () => errors.tooLarge(`The upload is larger than the ${mb(maxRequestBytes)} MB limit for one request.`, 'REQUEST_TOO_LARGE');
  const busy = () => errors.unavailable('The server is receiving many uploads right now; please try again in a minute.', 'UPLOADS_BUSY');
  const { store, json } = options;

  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxRequestBytes + FRAMING_BYTES) {
      res.setHeader('connection', 'close');
      return next(requestTooLarge());
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
    if (store) sweepAbandoned(store);

    const body: Record<string, string> = {};
    /** By arrival; a slot fills once its file is stored (or read, without a store). */
    const received: (IncomingFile | undefined)[] = [];
    /** Files being streamed to storage: each settles once stored, or once whatever it wrote is deleted. */
    const storing: { result: Promise<unknown>; cancel: (err: Error) => void }[] = [];
    const perField = new Map<string, number>();
    let arrived = 0;
    let bytes = 0;
    /** Bytes of files held in memory (without a store). */
    let held = 0;
    let filesBegun = false;
    let done = false;
    const release = () => {
      uploadBudget.release(held);
      held = 0;
    };
    res.once('close', release);
    const staged = () => received.filter((f): f is StagedFile => f !== undefined && 'staged' in f);
    /** Nothing half-written stays: every write settles, then what was stored is deleted. */
    const removeStored = async () => {
      for (const s of storing) s.cancel(new Error('The upload was refused.'));
      await Promise.allSettled(storing.map((s) => s.result));
      if (store) await store.removeUnclaimed(staged()).catch(() => undefined);
      received.length = 0;
    };

    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      req.unpipe(parser);
      // What the client still sends is read off the socket and dropped, briefly: a small client
      // still writing when the socket closes would see EPIPE instead of the error. A body that does
      // not end within DRAIN_MAX_BYTES or DRAIN_WAIT_MS is read no further (reading costs memory
      // and time) and cut off with the connection after the answer.
      const drained = new Promise<void>((resolve) => {
        if (req.complete || req.destroyed) return resolve();
        let dropped = 0;
        let stopped = false;
        const stop = () => {
          // The first of end, close, error, the byte cap or the timer; the later ones find nothing to do.
          if (stopped) return;
          stopped = true;
          clearTimeout(timer);
          req.off('data', count);
          if (!req.complete) {
            req.pause();
            if (!res.headersSent) res.setHeader('connection', 'close');
          }
          resolve();
        };
        const count = (chunk: Buffer) => {
          dropped += chunk.length;
          if (dropped > DRAIN_MAX_BYTES) stop();
        };
        const timer = setTimeout(stop, DRAIN_WAIT_MS);
        req.on('data', count);
        req.once('end', stop);
        req.once('error', stop);
        req.once('close', stop);
      });
      void Promise.all([removeStored(), drained]).then(() => {
        release();
        next(err);
      });
    };

    parser.on('field', (name, value, info) => {
      if (done) return;
      if (info.valueTruncated) return fail(errors.tooLarge(`The field "${name}" is too large.`, 'FIELD_TOO_LARGE'));
      if (json && name === json.field && filesBegun) return fail(jsonNotFirst(json.field));
      body[name] = value;
      if (json && name === json.field) {
        try {
          json.check(value);
        } catch (err) {
          fail(err);
        }
      }
    });

    parser.on('file', (field, stream, info) => {
      // A body cut short errors the file stream too; the parser's own error answers the request.
      stream.on('error', () => undefined);
      if (done) return void stream.resume();
      if (json?.required && body[json.field] === undefined) {
        stream.resume();
        return fail(jsonNotFirst(json.field));
      }
      filesBegun = true;
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
      stream.on('limit', () => fail(errors.tooLarge(`The file in "${field}" is larger than the ${mb(maxBytes)} MB limit.`, 'FILE_TOO_LARGE')));
      const filename = safeFilename(info.filename ?? '');
      if (!store) return void collect(stream, field, filename);
      if (!uploadBudget.take(STREAM_RESERVATION_BYTES)) {
        stream.resume();
        return fail(busy());
      }
      const counted = meter(stream);
      // In the order the files came, whichever is stored first.
      const slot = arrived++;
      const result = store.stage(counted, { field, filename, kind: field }).then(
        (file) => void (received[slot] = file),
        (err: unknown) => fail(err),
      );
      storing.push({ result, cancel: (err) => counted.destroy(err) });
      // Held until the file is stored or deleted, whenever that is: not with the response.
      void result.finally(() => uploadBudget.release(STREAM_RESERVATION_BYTES));
    });

    /** The file's bytes, counted against the request's limit on their way to storage. */
    const meter = (stream: Readable): Transform => {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback(bytes > maxRequestBytes ? requestTooLarge() : null, chunk);
        },
      });
      stream.on('error', (err) => counter.destroy(err));
      // Storage's pipeline reports the error (even one from before it started); nothing may go unheard.
      counter.on('error', () => undefined);
      return stream.pipe(counter);
    };

    /** Without a store: the file in memory, under the process-wide budget. */
    const collect = (stream: Readable, field: string, filename: string) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        bytes += chunk.length;
        if (bytes > maxRequestBytes) return fail(requestTooLarge());
        if (!uploadBudget.take(chunk.length)) return fail(busy());
        held += chunk.length;
        chunks.push(chunk);
      });
      const slot = arrived++;
      stream.on('end', () => {
        if (!done) received[slot] = { field, filename, bytes: Buffer.concat(chunks) };
      });
    };

    const tooMany = () => fail(errors.validation(`Too many parts in the upload. Accepted fields: ${accepted}.`, undefined, 'UNEXPECTED_FILE'));
    parser.on('filesLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('fieldsLimit', () => fail(errors.validation('Too many fields in the upload.', undefined, 'TOO_MANY_FIELDS')));
    // Stays attached after a refusal: a late parser error must never become an uncaught exception.
    parser.on('error', () => fail(errors.validation('The upload is not a well-formed multipart/form-data body (cut short or a wrong boundary).', undefined, 'MALFORMED_MULTIPART')));
    parser.on('close', () => {
      // The last file may still be on its way to storage.
      void Promise.allSettled(storing.map((s) => s.result)).then(() => {
        if (done) return;
        done = true;
        req.body = body;
        files.set(req, received.filter((f): f is IncomingFile => f !== undefined));
        if (store) removeUnclaimedBeforeAnswer(res, store, staged());
        next();
      });
    });
    // The client went away mid-body (an abort, a dropped connection, a server timeout).
    req.once('close', () => {
      if (!req.complete) fail(errors.validation('The upload was interrupted.', undefined, 'MALFORMED_MULTIPART'));
    });
    req.pipe(parser);
  };
}

/** Files of the request with their field name and a safe filename. */
export function filesOf(req: Request): IncomingFile[] {
  return files.get(req) ?? [];
}

function jsonNotFirst(field: string): AppError {
  return errors.validation(`Send the "${field}" field before the files.`, { field }, 'JSON_FIELD_NOT_FIRST');
}

/**
 * Whatever the handler did not claim (a refused filing, an idempotent replay) is
 * deleted before its answer goes out, so no answer leaves a file behind. A client
 * that left before the answer leaves the handler a while to finish first.
 */
function removeUnclaimedBeforeAnswer(res: Response, store: DocumentStore, staged: StagedFile[]): void {
  if (staged.length === 0) return;
  let removal: Promise<void> | undefined;
  const remove = () => (removal ??= store.removeUnclaimed(staged).catch(() => undefined));
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    res.json = send;
    void remove().then(() => send(body));
    return res;
  };
  res.once('close', () => setTimeout(() => void remove(), res.writableFinished ? 0 : ORPHAN_WAIT_MS).unref());
}

function sweepAbandoned(store: DocumentStore): void {
  const now = Date.now();
  if (now - (lastSweep.get(store) ?? 0) < SWEEP_EVERY_MS) return;
  lastSweep.set(store, now);
  void store.removeAbandoned().catch(() => undefined);
}
