import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { type Connection } from 'mongoose';
import { errors } from '../errors.js';
import { DOCUMENT_ENCRYPTION, DOCUMENT_ENCRYPTION_STREAMED, type DocumentCipher } from '../privacy/documentCipher.js';
import { ACCEPTED_TYPES_TEXT, sniffDocument } from './sniff.js';
import { removeFiles, stageUpload, type Bucket, type StagedInfo } from './stagedUpload.js';

export type { StagedInfo } from './stagedUpload.js';

/** Document kinds stored encrypted: copies of identity documents (身份证明). */
const ENCRYPTED_KINDS = new Set(['idProof']);
/** Staged uploads a case has claimed in this process: nothing to remove after their request. */
const claimedUploads = new WeakSet<StagedInfo>();
/** Staged files older than this were left by a process that stopped mid-request. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/** A file whose bytes are in memory (documents the court makes, or small uploads). */
export interface BufferedFile {
  field: string;
  filename: string;
  bytes: Buffer;
}

/** An upload already streamed into storage (DocumentStore.stage), waiting for a case to claim it. */
export interface StagedFile {
  field: string;
  filename: string;
  staged: StagedInfo;
}

export type IncomingFile = BufferedFile | StagedFile;

export type CheckedFile = IncomingFile & {
  sha256: string;
  size: number;
  mediaType: string;
  readable: boolean;
};

export interface StoredFileInfo {
  id: string;
  sha256: string;
  size: number;
  mediaType: string;
}

/** SHA-256 of a file's bytes, wherever they are. */
export function contentHash(file: IncomingFile): string {
  return 'staged' in file ? file.staged.sha256 : crypto.createHash('sha256').update(file.bytes).digest('hex');
}

/**
 * Case files in GridFS (bodies never sit in the case document). Checking is
 * separate from storing so that a request is fully validated before anything
 * is written. Uploads stream in as staged files (`stage`); `put` stores a file
 * on a case, claiming a staged one; an upload nobody claimed is removed.
 */
export class DocumentStore {
  private readonly bucket: mongoose.mongo.GridFSBucket;
  private readonly collections: Bucket;
  private indexes?: Promise<unknown>;

  /** Without a cipher nothing is encrypted (and nothing encrypted can be read). */
  constructor(
    connection: Connection,
    private readonly cipher?: DocumentCipher,
  ) {
    if (!connection.db) throw new Error('DocumentStore needs an open connection');
    this.bucket = new mongoose.mongo.GridFSBucket(connection.db, { bucketName: 'documents' });
    this.collections = { files: connection.db.collection('documents.files'), chunks: connection.db.collection('documents.chunks') };
  }

  /** Whether documents of this kind are encrypted at rest. */
  static encrypts(kind: string): boolean {
    return ENCRYPTED_KINDS.has(kind);
  }

  /** Type from the bytes, hash and size; 415 for anything not accepted. A staged file was checked as it streamed in. */
  static check(file: IncomingFile): CheckedFile {
    if ('staged' in file) return { ...file, sha256: file.staged.sha256, size: file.staged.size, mediaType: file.staged.mediaType, readable: file.staged.readable };
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
      sha256: contentHash(file),
      size: file.bytes.length,
      mediaType: sniffed.mediaType,
      readable: sniffed.readable,
    };
  }

  /**
   * Streams an upload into storage as it arrives, encrypted when documents of
   * `kind` are. Refuses (and leaves nothing behind) a file that is empty or not
   * an accepted type, and whatever `source` fails with.
   */
  async stage(source: Readable, file: { field: string; filename: string; kind: string }): Promise<StagedFile> {
    await this.ensureIndexes();
    const cipher = DocumentStore.encrypts(file.kind) ? this.cipher : undefined;
    const staged = await stageUpload(this.collections, new mongoose.mongo.ObjectId(), source, file, cipher, DOCUMENT_ENCRYPTION_STREAMED);
    return { field: file.field, filename: file.filename, staged };
  }

  /** Stores the file on a case: a staged upload is claimed, bytes in memory are written now. */
  async put(file: CheckedFile, metadata: Record<string, unknown>): Promise<StoredFileInfo> {
    const kind = String(metadata.kind);
    const staged = 'staged' in file ? file.staged : (await this.stage(Readable.from([file.bytes]), { ...file, kind })).staged;
    if (this.cipher && DocumentStore.encrypts(kind) && !staged.encryption) {
      throw new Error(`A ${kind} document must be encrypted at rest; it was staged without encryption.`);
    }
    // sha256 and size stay those of the plaintext: what the party uploaded and downloads.
    const claimed = await this.collections.files.updateOne(
      { _id: new mongoose.mongo.ObjectId(staged.id), 'metadata.staged': true, 'metadata.removing': { $exists: false } },
      { $set: { length: staged.storedLength, filename: file.filename, metadata: { ...metadata, sha256: staged.sha256, mediaType: staged.mediaType, ...(staged.encryption ? { encryption: staged.encryption } : {}) } } },
    );
    if (claimed.matchedCount !== 1) throw new Error('The uploaded file is no longer staged (removed with its request, or claimed already).');
    claimedUploads.add(staged);
    return { id: staged.id, sha256: staged.sha256, size: staged.size, mediaType: staged.mediaType };
  }

  /** Stored bytes, re-hashed: callers can compare with the recorded SHA-256. */
  async read(id: string): Promise<Buffer> {
    const objectId = new mongoose.mongo.ObjectId(id);
    const [info] = await this.bucket.find({ _id: objectId }).limit(1).toArray();
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(objectId)) chunks.push(chunk as Buffer);
    const stored = Buffer.concat(chunks);
    const encryption = (info?.metadata as { encryption?: string } | undefined)?.encryption;
    if (encryption !== DOCUMENT_ENCRYPTION && encryption !== DOCUMENT_ENCRYPTION_STREAMED) return stored;
    if (!this.cipher) throw new Error('An encrypted document needs the document cipher to be read.');
    return this.cipher.decrypt(stored);
  }

  /** Best effort: used to undo uploads of a request that failed later. */
  async remove(ids: string[]): Promise<void> {
    await removeFiles(this.collections, ids.map((id) => new mongoose.mongo.ObjectId(id)));
  }

  /** Staged uploads no case claimed (the request failed or was answered without them); claimed ones stay. */
  async removeUnclaimed(files: StagedFile[]): Promise<void> {
    const unclaimed = files.filter((f) => !claimedUploads.has(f.staged));
    await removeFiles(this.collections, unclaimed.map((f) => new mongoose.mongo.ObjectId(f.staged.id)), true);
  }

  /** Staged uploads left behind by a process that stopped mid-request (the server restarted). */
  async removeAbandoned(now = new Date()): Promise<number> {
    const old = await this.collections.files
      .find({ 'metadata.staged': true, uploadDate: { $lt: new Date(now.getTime() - ABANDONED_AFTER_MS) } }, { projection: { _id: 1 } })
      .limit(1000)
      .toArray();
    await removeFiles(this.collections, old.map((f) => f._id as unknown as mongoose.mongo.ObjectId), true);
    return old.length;
  }

  /** The indexes GridFS readers expect, and one to find staged files; created once per process. */
  private ensureIndexes(): Promise<unknown> {
    this.indexes ??= Promise.all([
      this.collections.chunks.createIndex({ files_id: 1, n: 1 }, { unique: true }),
      this.collections.files.createIndex({ filename: 1, uploadDate: 1 }),
      this.collections.files.createIndex({ 'metadata.staged': 1 }),
    ]).catch(() => undefined);
    return this.indexes;
  }
}
