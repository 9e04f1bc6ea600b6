/**
 * One review job's reading: every filed paper of the submission (complaint, identity proof,
 * evidence, other) page by page through the OCR pool, within the page limit; a document read by
 * an earlier job of the case (same id: the same bytes) is not read again, nor one this job read
 * before a restart. Then the findings (readingFindings.ts) against the filing and the filer's
 * registered identity.
 */
import type { Connection } from 'mongoose';
import type { ReviewDocumentView } from '../../protocol/review.js';
import type { CaseDoc, StoredDocument } from '../cases/caseModel.js';
import type { DocumentStore } from '../documents/documentStore.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import { userModel } from '../users/userModel.js';
import { readDocument } from './documentReader.js';
import type { OcrPool } from './ocrPool.js';
import { readingFindings, type ReadingOutcome } from './readingFindings.js';
import type { ReviewJobDoc, ReviewJobModel } from './reviewJobModel.js';

export interface ReviewWorkDeps {
  connection: Connection;
  jobs: ReviewJobModel;
  documents: DocumentStore;
  cipher: PersonalDataCipher;
  pool: OcrPool;
  maxPages: number;
  now: () => Date;
}

/** The papers a filing is read from, in the order a clerk reads them. */
const READ_KINDS = ['complaint', 'idProof', 'evidence', 'other'] as const;

export interface Progress {
  pagesRead: number;
  pagesTotal: number;
  current?: string;
}

export async function readFiling(deps: ReviewWorkDeps, job: ReviewJobDoc, doc: CaseDoc, onProgress: (p: Progress) => Promise<void>): Promise<{ documents: ReviewDocumentView[]; pagesSkipped: number }> {
  const papers = READ_KINDS.flatMap((kind) => doc.documents.filter((d) => d.kind === kind));
  const earlier = await earlierReadings(deps, job);
  const done = new Map((job.documents ?? []).map((d) => [d.documentId, d]));
  const documents: ReviewDocumentView[] = [];
  let budget = deps.maxPages;
  let pagesRead = 0;
  let pagesSkipped = 0;
  // Pages known so far: those already read, and a first guess of one page per paper not yet opened.
  let pagesTotal = papers.length;
  for (const paper of papers) {
    const known = done.get(paper.id) ?? earlier.get(paper.id);
    if (known) {
      documents.push(known);
      const read = known.pages.length;
      pagesTotal += read - 1;
      pagesRead += read;
      budget -= read;
      pagesSkipped += Math.max(0, known.pageCount - read);
      continue;
    }
    const view = await readPaper(deps, paper, Math.max(0, budget), async (count) => {
      pagesTotal += count - 1;
      await onProgress({ pagesRead, pagesTotal, current: paper.filename });
    }, async () => {
      pagesRead++;
      await onProgress({ pagesRead, pagesTotal, current: paper.filename });
    });
    budget -= view.pages.length;
    pagesSkipped += Math.max(0, view.pageCount - view.pages.length);
    pagesTotal -= Math.max(0, view.pageCount - view.pages.length);
    documents.push(view);
    // Kept as each paper is finished, so a restart goes on from the next one.
    await deps.jobs.updateOne({ _id: job._id }, { $push: { documents: view }, $set: { updatedAt: deps.now().toISOString() } }).exec();
  }
  return { documents, pagesSkipped };
}

async function readPaper(deps: ReviewWorkDeps, paper: StoredDocument, budget: number, opened: (pages: number) => Promise<void>, onPage: () => Promise<void>): Promise<ReviewDocumentView> {
  const base = { documentId: paper.id, kind: paper.kind, filename: paper.filename, mediaType: paper.mediaType };
  let bytes: Buffer;
  try {
    bytes = await deps.documents.read(paper.id);
  } catch (err) {
    return { ...base, pageCount: 0, pages: [], error: `The stored file could not be read (${(err as Error).message.slice(0, 120)}).` };
  }
  let announced = false;
  const reading = await readDocument(deps.pool, bytes, paper.mediaType, {
    maxPages: budget,
    onOpened: async (pageCount) => {
      announced = true;
      await opened(Math.min(pageCount, budget));
    },
    onPage,
  });
  if (!announced) await opened(0);
  return { ...base, pageCount: reading.pageCount, pages: reading.pages, ...(reading.error ? { error: reading.error } : {}) };
}

/** Documents an earlier finished job of the same case already read. */
async function earlierReadings(deps: ReviewWorkDeps, job: ReviewJobDoc): Promise<Map<string, ReviewDocumentView>> {
  const jobs = await deps.jobs.find({ caseId: job.caseId, status: 'done', _id: { $ne: job._id } }, { documents: 1 }).sort({ createdAt: -1 }).limit(5).lean<Pick<ReviewJobDoc, 'documents'>[]>().exec();
  const map = new Map<string, ReviewDocumentView>();
  for (const j of jobs) for (const d of j.documents) if (!map.has(d.documentId) && !d.error) map.set(d.documentId, d);
  return map;
}

/** The findings on what was read: against the filing's data and the filer's registered identity. */
export async function findingsOf(deps: ReviewWorkDeps, doc: CaseDoc, documents: ReviewDocumentView[], pagesSkipped: number): Promise<ReadingOutcome> {
  const decrypt = (value: string | undefined) => {
    if (!value) return undefined;
    try {
      return deps.cipher.decrypt(value);
    } catch {
      return undefined;
    }
  };
  const user = await userModel(deps.connection).findById(doc.filerId, { name: 1, idNumberEnc: 1 }).lean().exec().catch(() => null);
  const filerId = decrypt(user?.idNumberEnc);
  return readingFindings({
    ...(doc.claimAmount !== undefined ? { claimAmount: doc.claimAmount } : {}),
    defendants: doc.defendants.map((d) => ({ name: d.name, ...(decrypt(d.idNumberEnc) ? { idNumber: decrypt(d.idNumberEnc) } : {}) })),
    filer: user && filerId ? { name: user.name, idNumber: filerId } : null,
    documents,
    pagesSkipped,
    maxPages: deps.maxPages,
    today: deps.now(),
  });
}
