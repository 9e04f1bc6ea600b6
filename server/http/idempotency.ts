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
 *
 * Keys are kept for KEY_TTL_MS after their first use: a retry within that time
 * gets the first answer, after it the key is free again. Expired keys are removed
 * by a TTL index where the database has them (MongoDB) and otherwise by a sweep
 * at most once a minute (FerretDB 1.x); a key found expired is treated as unused
 * either way. One user holds at most MAX_KEYS_PER_USER live keys, so the store is
 * bounded by the number of users, not by what a client sends.
 */
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_KEYS_PER_USER = 1000;
const SWEEP_EVERY_MS = 60 * 1000;

interface IdempotencyDoc {
  _id: string;
  userId: string;
  requestHash: string;
  state: 'pending' | 'done';
  status?: number;
  body?: unknown;
  createdAt: Date;
}

const schema = new Schema<IdempotencyDoc>(
  {
    _id: String,
    userId: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, required: true },
    status: Number,
    body: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, autoIndex: false /* ensureIndexes: a TTL index only where the database has them */ },
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

const inProgress = () => errors.conflict('This request is still being processed; retry in a moment.', 'IDEMPOTENCY_IN_PROGRESS');

/** Mount after authentication and after the upload parser (the files are part of the request). */
export function idempotent(connection: Connection, logger: Logger): RequestHandler {
  const keys = model(connection);
  const ready = ensureIndexes(keys);
  let lastSweep = 0;
  const sweep = (now: Date) => {
    if (now.getTime() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now.getTime();
    void keys.deleteMany({ createdAt: { $lt: expiredBefore(now) } }).exec().catch((err: unknown) => logger.warn({ err }, 'could not sweep expired idempotency keys'));
  };

  return async (req, res, next) => {
    const key = req.headers['idempotency-key'];
    if (key === undefined) return next();
    if (typeof key !== 'string' || !KEY.test(key)) {
      return next(errors.validation('Idempotency-Key must be 8 to 128 characters: letters, digits, . _ : -', undefined, 'INVALID_IDEMPOTENCY_KEY'));
    }
    await ready;
    const now = new Date();
    sweep(now);
    const userId = currentUser(req).id;
    const id = `${userId}|${req.method} ${req.baseUrl}${req.path}|${key}`;
    const hash = requestHash(req.method, req.originalUrl, req.body, filesOf(req));
    const first = await claimKey(keys, { _id: id, userId, requestHash: hash, state: 'pending', createdAt: now });
    if (first === 'full') {
      return next(errors.rateLimited(`You have used ${MAX_KEYS_PER_USER} idempotency keys in the last ${KEY_TTL_MS / 3_600_000} hours; wait, or send the request without a key.`, 'IDEMPOTENCY_KEYS_EXHAUSTED'));
    }
    if (first) {
      if (first.requestHash !== hash) {
        return next(errors.conflict('This Idempotency-Key was already used for a different request.', 'IDEMPOTENCY_KEY_REUSED'));
      }
      if (first.state !== 'done') return next(inProgress());
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

function expiredBefore(now: Date): Date {
  return new Date(now.getTime() - KEY_TTL_MS);
}

/**
 * Takes the key for this request: undefined when it is ours now, the live
 * record of its first use otherwise, 'full' when the user holds too many keys.
 * An expired record is removed and the key taken afresh.
 */
async function claimKey(keys: Model<IdempotencyDoc>, doc: IdempotencyDoc): Promise<IdempotencyDoc | 'full' | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await keys.findById(doc._id).lean<IdempotencyDoc>().exec();
    if (existing && existing.createdAt >= expiredBefore(doc.createdAt)) return existing;
    if (existing) await keys.deleteOne({ _id: doc._id, createdAt: existing.createdAt }).exec();
    const live = await keys.countDocuments({ userId: doc.userId, createdAt: { $gte: expiredBefore(doc.createdAt) } }).exec();
    if (live >= MAX_KEYS_PER_USER) return 'full';
    try {
      await keys.create(doc);
      return undefined;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // Another request with this key inserted first: read what it stored.
    }
  }
  const raced = await keys.findById(doc._id).lean<IdempotencyDoc>().exec();
  if (!raced) throw inProgress();
  return raced;
}

/** A TTL index where the database supports one; a plain one (for the sweep) where it does not. */
async function ensureIndexes(keys: Model<IdempotencyDoc>): Promise<void> {
  await keys.collection.createIndex({ userId: 1, createdAt: 1 }).catch(() => undefined);
  await keys.collection
    .createIndex({ createdAt: 1 }, { expireAfterSeconds: KEY_TTL_MS / 1000 })
    .catch(() => keys.collection.createIndex({ createdAt: 1 }))
    .catch(() => undefined);
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
