import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { type Connection } from 'mongoose';
import { errors } from '../errors.js';
import { DOCUMENT_ENCRYPTION, type DocumentCipher } from '../privacy/documentCipher.js';
import { ACCEPTED_TYPES_TEXT, sniffDocument } from './sniff.js';

/** Document kinds stored encrypted: copies of identity documents (身份证明). */
const ENCRYPTED_KINDS = new Set(['idProof']);

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

  /** Without a cipher nothing is encrypted (and nothing encrypted can be read). */
  constructor(
    connection: Connection,
    private readonly cipher?: DocumentCipher,
  ) {
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
    // sha256 and size stay those of the plaintext: what the party uploaded and downloads.
    const encrypt = this.cipher !== undefined && ENCRYPTED_KINDS.has(String(metadata.kind));
    const upload = this.bucket.openUploadStreamWithId(id, file.filename, {
      metadata: { ...metadata, sha256: file.sha256, mediaType: file.mediaType, ...(encrypt ? { encryption: DOCUMENT_ENCRYPTION } : {}) },
    });
    await pipeline(Readable.from([encrypt && this.cipher ? this.cipher.encrypt(file.bytes) : file.bytes]), upload);
    return { id: id.toHexString(), sha256: file.sha256, size: file.size, mediaType: file.mediaType };
  }

  /** Stored bytes, re-hashed: callers can compare with the recorded SHA-256. */
  async read(id: string): Promise<Buffer> {
    const objectId = new mongoose.mongo.ObjectId(id);
    const [info] = await this.bucket.find({ _id: objectId }).limit(1).toArray();
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(objectId)) chunks.push(chunk as Buffer);
    const stored = Buffer.concat(chunks);
    if ((info?.metadata as { encryption?: string } | undefined)?.encryption !== DOCUMENT_ENCRYPTION) return stored;
    if (!this.cipher) throw new Error('An encrypted document needs the document cipher to be read.');
    return this.cipher.decrypt(stored);
  }

  /** Best effort: used to undo uploads of a request that failed later. */
  async remove(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.bucket.delete(new mongoose.mongo.ObjectId(id)).catch(() => undefined)));
  }
}
