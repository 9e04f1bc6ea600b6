/**
 * One document written into GridFS as its bytes arrive, never whole in memory.
 *
 * The file is "staged" until a case claims it (DocumentStore.put): its files
 * document is written first, marked `metadata.staged` (its length is set when
 * claimed; until then no reader can reach it), so that whatever a failed
 * or interrupted upload wrote can always be found and deleted, even after a
 * crash (DocumentStore.removeAbandoned). Chunks are written one at a time, so a
 * discard waits for the one in flight and then leaves nothing behind.
 */
import crypto from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type mongoose from 'mongoose';
import { errors } from '../errors.js';
import type { DocumentCipher } from '../privacy/documentCipher.js';
import { ACCEPTED_TYPES_TEXT, SNIFF_HEAD_BYTES, SNIFF_TAIL_BYTES, sniffHeadAndTail, sniffType, type AcceptedMediaType } from './sniff.js';

type Collection = mongoose.mongo.Collection;
type ObjectId = mongoose.mongo.ObjectId;

/** The GridFS default: 255 KiB per chunk document. */
export const CHUNK_BYTES = 255 * 1024;

/** What a staged document is: known once its last byte is stored. */
export interface StagedInfo {
  id: string;
  /** Of the plaintext: what the party uploaded and will download. */
  sha256: string;
  size: number;
  mediaType: AcceptedMediaType;
  readable: boolean;
  /** Set when the stored bytes are encrypted (a DOCUMENT_ENCRYPTION marker). */
  encryption?: string;
  /** Bytes as stored (with encryption's overhead); the files document gets it when a case claims the file. */
  storedLength: number;
}

export interface Bucket {
  files: Collection;
  chunks: Collection;
}

/**
 * Reads the plaintext as it passes: SHA-256, size, the first and last bytes for
 * the type check. A file that is not an accepted type is refused as soon as its
 * first bytes show it, an empty one at its end (the codes of DocumentStore.check).
 */
class Inspection extends Transform {
  private readonly hash = crypto.createHash('sha256');
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  size = 0;
  mediaType: AcceptedMediaType | null = null;
  /** Whether the file ends as its type should (sniff.ts `readable`). */
  wellFormed = false;

  constructor(private readonly filename: string, private readonly field: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.head.length < SNIFF_HEAD_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_HEAD_BYTES - this.head.length)]);
      if (this.head.length === SNIFF_HEAD_BYTES && !this.judgeType()) return done(this.unsupported());
    }
    const keep = Math.max(0, SNIFF_TAIL_BYTES - chunk.length);
    this.tail = Buffer.concat([this.tail.subarray(Math.max(0, this.tail.length - keep)), chunk.subarray(-SNIFF_TAIL_BYTES)]);
    done(null, chunk);
  }

  override _flush(done: (err?: Error | null) => void): void {
    if (this.size === 0) return done(errors.validation(`The file "${this.filename}" is empty.`, { field: this.field }, 'EMPTY_FILE'));
    if (!this.judgeType()) return done(this.unsupported());
    this.wellFormed = sniffHeadAndTail(this.head, this.tail, this.size)?.readable ?? false;
    done();
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  private judgeType(): boolean {
    this.mediaType = sniffType(this.head);
    return this.mediaType !== null;
  }

  private unsupported() {
    return errors.unsupportedType(`The file "${this.filename}" is not a ${ACCEPTED_TYPES_TEXT} file. Only these types are accepted.`, 'UNSUPPORTED_FILE_TYPE');
  }
}

/** Chunks into GridFS, strictly one write at a time (so `settled` covers everything in flight). */
class ChunkWriter extends Writable {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private filled = 0;
  private n = 0;
  length = 0;
  settled: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bucket: Bucket,
    private readonly id: ObjectId,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.track(this.append(chunk), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.track(this.flush(), done);
  }

  private track(work: Promise<void>, done: (err?: Error | null) => void): void {
    this.settled = work.catch(() => undefined);
    work.then(() => done(), (err: Error) => done(err));
  }

  private async append(chunk: Buffer): Promise<void> {
    this.length += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(CHUNK_BYTES - this.filled, chunk.length - at);
      chunk.copy(this.buffer, this.filled, at, at + take);
      this.filled += take;
      at += take;
      if (this.filled === CHUNK_BYTES) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    // Discarded meanwhile: nothing more may reach the database.
    if (this.destroyed) throw new Error('The upload was discarded.');
    if (this.filled === 0) return;
    const data = Buffer.from(this.buffer.subarray(0, this.filled));
    this.filled = 0;
    await this.bucket.chunks.insertOne({ files_id: this.id, n: this.n++, data });
  }
}

/**
 * Streams `source` into the bucket under a new id, encrypted when `cipher` is
 * given. Resolves once every byte is stored; on any failure (the source's own
 * error included) whatever was written is deleted before it rejects.
 */
export async function stageUpload(
  bucket: Bucket,
  id: ObjectId,
  source: Readable,
  file: { field: string; filename: string },
  cipher: DocumentCipher | undefined,
  encryption: string,
): Promise<StagedInfo> {
  const inspection = new Inspection(file.filename, file.field);
  const writer = new ChunkWriter(bucket, id);
  try {
    await bucket.files.insertOne({ _id: id, length: 0, chunkSize: CHUNK_BYTES, uploadDate: new Date(), filename: file.filename, metadata: { staged: true, field: file.field } });
    await pipeline([source, inspection, ...(cipher ? [cipher.encryptStream()] : []), writer]);
  } catch (err) {
    await writer.settled;
    await removeFiles(bucket, [id]);
    throw err;
  }
  return {
    id: id.toHexString(),
    sha256: inspection.sha256,
    size: inspection.size,
    mediaType: inspection.mediaType!,
    readable: inspection.wellFormed,
    ...(cipher ? { encryption } : {}),
    storedLength: writer.length,
  };
}

/**
 * Files and their chunks. With `onlyStaged`, a file a case has claimed is left
 * alone (and one being removed can no longer be claimed). Chunks go first and the
 * files document last, so a removal that does not finish leaves a staged files
 * document for DocumentStore.removeAbandoned to find. A database busy with other
 * writes may refuse a delete (the embedded FerretDB: SQLITE_BUSY): each is tried
 * again, with growing pauses, until no chunk of the file is left.
 */
export async function removeFiles(bucket: Bucket, ids: ObjectId[], onlyStaged = false): Promise<void> {
  await Promise.all(ids.map((id) => removeFile(bucket, id, onlyStaged)));
}

const REMOVE_ATTEMPTS = 8;

async function removeFile(bucket: Bucket, id: ObjectId, onlyStaged: boolean): Promise<void> {
  let marked = !onlyStaged;
  for (let attempt = 0; attempt < REMOVE_ATTEMPTS; attempt++) {
    try {
      if (!marked) {
        const { matchedCount } = await bucket.files.updateOne({ _id: id, 'metadata.staged': true }, { $set: { 'metadata.removing': true } });
        // Claimed by a case (or never written): its chunks are the case's, not ours.
        if (matchedCount === 0) return;
        marked = true;
      }
      await bucket.chunks.deleteMany({ files_id: id });
      if ((await bucket.chunks.countDocuments({ files_id: id })) === 0) {
        await bucket.files.deleteOne({ _id: id });
        return;
      }
    } catch {
      // Tried again below.
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5_000)));
  }
}
