import crypto from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Schema, type Connection, type Model } from 'mongoose';
import { currentUser } from '../auth/middleware.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { contentHash, type IncomingFile } from '../documents/documentStore.js';
import { filesOf } from './uploads.js';

/**
 * `Idempotency-Key` for requests that create something (a filing, a payment).
 * A client that never saw the answer retries with the same key and gets the
 * first answer again instead of a second case. The key is stored per user and
 * route, durably, before the request runs (a unique _id makes two concurrent
 * retries race for one insert); the answer is stored before it is sent.
 */
interface IdempotencyDoc {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  status?: number;
  body?: unknown;
  createdAt: Date;
}

const schema = new Schema<IdempotencyDoc>(
  { _id: String, requestHash: { type: String, required: true }, state: { type: String, required: true }, status: Number, body: Schema.Types.Mixed, createdAt: { type: Date, required: true } },
  { versionKey: false, minimize: false },
);

function model(connection: Connection): Model<IdempotencyDoc> {
  return (connection.models.IdempotencyKey as Model<IdempotencyDoc> | undefined) ?? connection.model<IdempotencyDoc>('IdempotencyKey', schema, 'idempotencyKeys');
}

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** What makes two requests "the same": route, JSON fields and the files' bytes. */
function requestHash(method: string, path: string, body: unknown, files: IncomingFile[]): string {
  const h = crypto.createHash('sha256').update(`${method} ${path}\n`).update(JSON.stringify(body ?? {}));
  for (const f of files) h.update(`\n${f.field}:`).update(contentHash(f));
  return h.digest('hex');
}

/** Mount after authentication and after the upload parser (the files are part of the request). */
export function idempotent(connection: Connection, logger: Logger): RequestHandler {
  const keys = model(connection);
  return async (req, res, next) => {
    const key = req.headers['idempotency-key'];
    if (key === undefined) return next();
    if (typeof key !== 'string' || !KEY.test(key)) {
      return next(errors.validation('Idempotency-Key must be 8 to 128 characters: letters, digits, . _ : -', undefined, 'INVALID_IDEMPOTENCY_KEY'));
    }
    const id = `${currentUser(req).id}|${req.method} ${req.baseUrl}${req.path}|${key}`;
    const hash = requestHash(req.method, req.originalUrl, req.body, filesOf(req));
    try {
      await keys.create({ _id: id, requestHash: hash, state: 'pending', createdAt: new Date() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) return next(err);
      const first = await keys.findById(id).lean<IdempotencyDoc>().exec();
      if (!first) return next(errors.conflict('This request is still being processed; retry in a moment.', 'IDEMPOTENCY_IN_PROGRESS'));
      if (first.requestHash !== hash) {
        return next(errors.conflict('This Idempotency-Key was already used for a different request.', 'IDEMPOTENCY_KEY_REUSED'));
      }
      if (first.state !== 'done') return next(errors.conflict('This request is still being processed; retry in a moment.', 'IDEMPOTENCY_IN_PROGRESS'));
      res.setHeader('idempotent-replayed', 'true');
      res.status(first.status ?? 200).json(first.body);
      return;
    }
    captureAnswer(res, async (status, body) => {
      // A server failure is not an answer: the client may try again with the same key.
      if (status >= 500) await keys.deleteOne({ _id: id }).exec();
      else await keys.updateOne({ _id: id }, { $set: { state: 'done', status, body } }).exec();
    }, logger);
    next();
  };
}

/** Store the JSON answer before it goes out, so a retry after a lost response finds it. */
function captureAnswer(res: Response, store: (status: number, body: unknown) => Promise<void>, logger: Logger): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    res.json = send;
    store(res.statusCode, body).then(
      () => send(body),
      (err: unknown) => {
        logger.error({ err }, 'could not store an idempotent answer');
        send(body);
      },
    );
    return res;
  };
}
