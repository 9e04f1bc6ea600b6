/**
 * Files that come with a case change (the complaint's material, an answer, a decision): stored
 * first, then named by the change; a change that is refused leaves no file behind.
 */
import type { AuthUser } from '../auth/tokens.js';
import { DocumentStore, type IncomingFile } from '../documents/documentStore.js';
import type { StoredDocument } from './caseModel.js';
import type { DocumentKind } from './materialCheck.js';

export type CheckedFile = ReturnType<typeof DocumentStore.check> & { kind: DocumentKind };

export function checkFiles(files: readonly (IncomingFile & { kind: DocumentKind })[]): CheckedFile[] {
  return files.map((f) => ({ ...DocumentStore.check(f), kind: f.kind }));
}

/** How a document is named in a log entry: enough to find and verify it, not the whole listing. */
export function documentRef(d: StoredDocument) {
  return { id: d.id, kind: d.kind, filename: d.filename, sha256: d.sha256, size: d.size, mediaType: d.mediaType };
}

export class CaseFiles {
  constructor(private readonly documents: DocumentStore) {}

  /** Stores `files` on the case, then runs `work` with them; if it fails, the files are removed again. */
  async storeThen<T>(caseId: string, user: AuthUser, files: readonly CheckedFile[], at: string, work: (stored: StoredDocument[]) => Promise<T>): Promise<T> {
    const stored = await this.store(caseId, user, files, at);
    try {
      return await work(stored);
    } catch (err) {
      await this.documents.remove(stored.map((d) => d.id));
      throw err;
    }
  }

  read(documentId: string): Promise<Buffer> {
    return this.documents.read(documentId);
  }

  private async store(caseId: string, user: AuthUser, files: readonly CheckedFile[], at: string): Promise<StoredDocument[]> {
    const stored: StoredDocument[] = [];
    try {
      for (const f of files) {
        const info = await this.documents.put(f, { caseId, kind: f.kind, uploadedBy: user.id });
        stored.push({ id: info.id, kind: f.kind, filename: f.filename, sha256: info.sha256, size: info.size, mediaType: info.mediaType, readable: f.readable, uploadedAt: at, uploadedBy: user.id });
      }
    } catch (err) {
      await this.documents.remove(stored.map((d) => d.id));
      throw err;
    }
    return stored;
  }
}
