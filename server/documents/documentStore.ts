import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { type Connection } from 'mongoose';
import { errors } from '../errors.js';
import { ACCEPTED_TYPES_TEXT, sniffDocument } from './sniff.js';

export interface IncomingFile {
  field: string;
  filename: string;
  bytes: Buffer;
}

export interface CheckedFile extends IncomingFile {
  sha256: string;
  size: number;
  mediaType: string;
  readable: boolean;
}

export interface StoredFileInfo {
  id: string;
  sha256: string;
  size: number;
  mediaType: string;
}

/**
 * Case files in GridFS (bodies never sit in the case document). Checking is
 * separate from storing so that a request is fully validated before anything
 * is written.
 */
export class DocumentStore {
  private readonly bucket: mongoose.mongo.GridFSBucket;

  constructor(connection: Connection) {
    if (!connection.db) throw new Error('DocumentStore needs an open connection');
    this.bucket = new mongoose.mongo.GridFSBucket(connection.db, { bucketName: 'documents' });
  }

  /** Type from the bytes, hash and size; 415 for anything not accepted. */
  static check(file: IncomingFile): CheckedFile {
    if (file.bytes.length === 0) {
      throw errors.validation(`The file "${file.filename}" is empty.`, { field: file.field }, 'EMPTY_FILE');
    }
    const sniffed = sniffDocument(file.bytes);
    if (!sniffed) {
      throw errors.unsupportedType(
        `The file "${file.filename}" is not a ${ACCEPTED_TYPES_TEXT} file. Only these types are accepted.`,
        'UNSUPPORTED_FILE_TYPE',
      );
    }
    return {
      ...file,
      sha256: crypto.createHash('sha256').update(file.bytes).digest('hex'),
      size: file.bytes.length,
      mediaType: sniffed.mediaType,
      readable: sniffed.readable,
    };
  }

  async put(file: CheckedFile, metadata: Record<string, unknown>): Promise<StoredFileInfo> {
    const id = new mongoose.mongo.ObjectId();
    const upload = this.bucket.openUploadStreamWithId(id, file.filename, {
      metadata: { ...metadata, sha256: file.sha256, mediaType: file.mediaType },
    });
    await pipeline(Readable.from([file.bytes]), upload);
    return { id: id.toHexString(), sha256: file.sha256, size: file.size, mediaType: file.mediaType };
  }

  /** Stored bytes, re-hashed: callers can compare with the recorded SHA-256. */
  async read(id: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(new mongoose.mongo.ObjectId(id))) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Best effort: used to undo uploads of a request that failed later. */
  async remove(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.bucket.delete(new mongoose.mongo.ObjectId(id)).catch(() => undefined)));
  }
}
